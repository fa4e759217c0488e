"""Which entries harvesters are told about, and when: the step of every harvest that
brings the harvest records (oai/models.py) in line with what an anonymous visitor may
see now (`heritage.access.visible_to`), whatever took an entry out of the public
(consent, access level, embargo, unpublishing, deletion)."""

import uuid
from collections import defaultdict
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from heritage.models import ENTRY_TYPES, EntryPage, EntryPlace, Place

from .models import HarvestRecord

GROUP, TYPE, PROVINCE = "group", "type", "province"
TOP_SETS = (GROUP, TYPE, PROVINCE)


def type_code(entry_class: type[EntryPage]) -> str:
    """ "festival", "custom", "recording": the entry type in set specs."""
    return entry_class._meta.model_name.removesuffix("page")


def public_entries() -> QuerySet:
    """Every translation an anonymous visitor may open: the one rule, as on every route."""
    return EntryPage.objects.visible_to(AnonymousUser())


def to_second(moment: datetime) -> datetime:
    """Datestamps are exact to the second (the repository's granularity)."""
    return moment.replace(microsecond=0)


def synchronise(translation_keys: list | None = None) -> None:
    """Record entries that became public, move the datestamp of those published again and
    mark as deleted those no longer public. Limited to `translation_keys` when given (on
    publishing, oai/signal_handlers.py); every harvest starts with a full pass."""
    now = to_second(timezone.now())
    visible = public_entries()
    records = HarvestRecord.objects.all()
    if translation_keys is not None:
        visible = visible.filter(translation_key__in=translation_keys)
        records = records.filter(translation_key__in=translation_keys)
    published = dict(visible.order_by().values_list("translation_key").annotate(latest=Max("last_published_at")))
    first_fill = not HarvestRecord.objects.exists()
    by_key = {record.translation_key: record for record in records}
    created, changed = {}, []
    for key, latest in published.items():
        latest = to_second(latest or now)
        record = by_key.get(key)
        if record is None:
            # Later than its publication when it opened without one (an embargo ended), so
            # that incremental harvests since then still receive it.
            created[key] = latest if first_fill else now
        elif record.deleted:
            changed.append((record, now, False))
        elif latest > record.datestamp:
            changed.append((record, latest, False))
    changed += [(record, now, True) for key, record in by_key.items() if not record.deleted and key not in published]
    if not created and not changed:
        return
    specs = set_specs_of([*created, *(record.translation_key for record, _, deleted in changed if not deleted)])
    with transaction.atomic():
        HarvestRecord.objects.bulk_create(
            [
                HarvestRecord(translation_key=key, datestamp=when, set_specs=specs.get(key, ""))
                for key, when in created.items()
            ],
            ignore_conflicts=True,
        )
        for record, when, deleted in changed:
            record.datestamp, record.deleted = when, deleted
            if not deleted:
                record.set_specs = specs.get(record.translation_key, record.set_specs)
            record.save(update_fields=["datestamp", "deleted", "set_specs"])


def set_specs_of(translation_keys: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Each entry's set specs (its type, groups and today's provinces, with their parent
    sets) in the stored form: " group group:co-tu type type:festival "."""
    specs: dict[uuid.UUID, set[str]] = defaultdict(set)
    entries = EntryPage.objects.filter(translation_key__in=translation_keys)
    classes = {ContentType.objects.get_for_model(cls).pk: cls for cls in ENTRY_TYPES}
    for key, content_type in entries.values_list("translation_key", "content_type_id"):
        if content_type in classes:
            specs[key] |= {TYPE, f"{TYPE}:{type_code(classes[content_type])}"}
    groups = EntryPage.ethnic_groups.through.objects.filter(entrypage__in=entries)
    for key, code in groups.values_list("entrypage__translation_key", "ethnicgroup__code"):
        specs[key] |= {GROUP, f"{GROUP}:{code}"}
    provinces = province_codes()
    for key, place in EntryPlace.objects.filter(entry__in=entries).values_list("entry__translation_key", "place_id"):
        if place in provinces:
            specs[key] |= {PROVINCE, f"{PROVINCE}:{provinces[place]}"}
    return {key: " " + " ".join(sorted(values)) + " " for key, values in specs.items()}


def province_codes() -> dict[int, str]:
    """Place id → the code of today's province it lies in (through parents and mergers)."""
    places = {place.pk: place for place in Place.objects.only("pk", "code", "kind", "parent_id", "successor_id")}
    codes = {}
    for place in places.values():
        current, seen = place, set()
        while current is not None and current.pk not in seen:
            seen.add(current.pk)
            if current.is_current_province:
                codes[place.pk] = current.code
                break
            current = places.get(current.successor_id or current.parent_id)
    return codes
