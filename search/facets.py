"""Facets of a result set: what the matching entries have, with counts, and the filters a
visitor picked. Each entry's facet keys are indexed with it on a search node, which counts
them; on the database index they are filtered and counted here in SQL, one GROUP BY per
facet over the whole set of matches the visitor may see (given as a queryset, never as a
list of ids). Either way entries hidden from the visitor never reach a count."""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, Count, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, ExtractYear
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from heritage.models import EntryPage, EntryPlace, EthnicGroup, Language, Place, RecordingPage, SensitivityNotice
from media_pipeline.models import MediaAsset

FACET_NAMES = ("group", "province", "type", "language", "decade", "has", "notice")
HAS_LABELS = {"video": _("video"), "audio": _("audio"), "transcript": _("transcript")}
FACET_LABELS = {
    "group": _("Ethnic group"),
    "province": _("Province"),
    "type": _("Entry type"),
    "language": _("Language"),
    "decade": _("Decade recorded"),
    "has": _("Has"),
    "notice": _("Sensitivity notice"),
}


@dataclass
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool = False
    url: str = ""


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue] = field(default_factory=list)


def entry_values(ids: list[int]) -> dict[str, dict[int, set[str]]]:
    """For each facet, entry id → the facet keys it has."""
    values: dict[str, dict[int, set[str]]] = {name: defaultdict(set) for name in FACET_NAMES}
    groups = EntryPage.ethnic_groups.through.objects.filter(entrypage_id__in=ids)
    for entry_id, code in groups.values_list("entrypage_id", "ethnicgroup__code"):
        values["group"][entry_id].add(code)
    notices = EntryPage.notices.through.objects.filter(entrypage_id__in=ids)
    for entry_id, code in notices.values_list("entrypage_id", "sensitivitynotice__code"):
        values["notice"][entry_id].add(code)
    provinces = {}
    for entry_place in EntryPlace.objects.filter(entry_id__in=ids).select_related("place"):
        if entry_place.place_id not in provinces:
            province = entry_place.place.current_province()
            provinces[entry_place.place_id] = province.code if province else None
        if provinces[entry_place.place_id]:
            values["province"][entry_place.entry_id].add(provinces[entry_place.place_id])
    models = {
        content_type.pk: content_type.model
        for content_type in ContentType.objects.get_for_models(*EntryPage.__subclasses__()).values()
    }
    media_ids: dict[int, set[int]] = defaultdict(set)
    transcripts: set[int] = set()
    rows = EntryPage.objects.filter(pk__in=ids).values_list("pk", "content_type_id", "documented_on", "media")
    for entry_id, content_type_id, documented_on, media in rows:
        values["type"][entry_id].add(models.get(content_type_id, "entry").removesuffix("page"))
        if documented_on:
            values["decade"][entry_id].add(str(documented_on.year // 10 * 10))
        for block in media.raw_data if hasattr(media, "raw_data") else media or []:
            if block.get("type") == "audio_video" and block["value"].get("media"):
                media_ids[entry_id].add(block["value"]["media"])
                if (block["value"].get("transcript") or "").strip():
                    transcripts.add(entry_id)
    all_media = {asset_id for assets in media_ids.values() for asset_id in assets}
    asset_types = dict(MediaAsset.objects.filter(pk__in=all_media).values_list("pk", "type"))
    captioned = set(MediaAsset.objects.filter(pk__in=all_media, captions__isnull=False).values_list("pk", flat=True))
    for entry_id, assets in media_ids.items():
        for asset_id in assets:
            if asset_id in asset_types:
                values["has"][entry_id].add(asset_types[asset_id])
            if asset_id in captioned:
                transcripts.add(entry_id)
    for entry_id in transcripts:
        values["has"][entry_id].add("transcript")
    languages = RecordingPage.content_languages.through.objects.filter(recordingpage_id__in=ids)
    for entry_id, code in languages.values_list("recordingpage_id", "language__code"):
        values["language"][entry_id].add(code)
    return values


def entry_keys(ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """For each entry id, facet name → its keys: what a search node indexes with the entry."""
    values = entry_values(ids)
    return {entry_id: {name: sorted(values[name][entry_id]) for name in FACET_NAMES} for entry_id in ids}


def filter_entries(entries: QuerySet, selected: dict[str, list[str]]) -> QuerySet:
    """The entries having every selected value, in SQL, except "has" (see `media_keys`);
    values within a facet combine with "or"."""
    for name, keys in selected.items():
        if name == "group":
            through = EntryPage.ethnic_groups.through.objects.filter(ethnicgroup__code__in=keys)
            entries = entries.filter(pk__in=through.values("entrypage_id"))
        elif name == "notice":
            through = EntryPage.notices.through.objects.filter(sensitivitynotice__code__in=keys)
            entries = entries.filter(pk__in=through.values("entrypage_id"))
        elif name == "language":
            through = RecordingPage.content_languages.through.objects.filter(language__code__in=keys)
            entries = entries.filter(pk__in=through.values("recordingpage_id"))
        elif name == "province":
            places = [place for place, province in _place_provinces().items() if province in keys]
            entries = entries.filter(pk__in=EntryPlace.objects.filter(place_id__in=places).values("entry_id"))
        elif name == "type":
            types = {code: pk for pk, code in _type_codes().items()}
            entries = entries.filter(content_type_id__in=[types[key] for key in keys if key in types])
        elif name == "decade":
            years = [int(key) for key in keys if key.isascii() and key.isdigit()]
            years = [year for year in years if date.min.year <= year <= date.max.year - 9]
            entries = entries.filter(_decade_filter(years))
    return entries


def count_entries(entries: QuerySet) -> dict[str, Counter]:
    """For each facet but "has", key → how many of the entries have it: one GROUP BY each."""
    pks = entries.values("pk")
    groups = EntryPage.ethnic_groups.through.objects.filter(entrypage_id__in=pks).values("ethnicgroup__code")
    notices = EntryPage.notices.through.objects.filter(entrypage_id__in=pks).values("sensitivitynotice__code")
    languages = RecordingPage.content_languages.through.objects.filter(recordingpage_id__in=pks)
    provinces = _place_provinces()
    places = EntryPlace.objects.filter(entry_id__in=pks, place_id__in=[pk for pk, code in provinces.items() if code])
    province = Case(
        *(When(place_id=pk, then=Value(code)) for pk, code in provinces.items() if code), output_field=CharField()
    )
    types = _type_codes()
    decades = entries.exclude(documented_on=None).values(decade=ExtractYear("documented_on") / 10 * 10)
    return {
        "group": _counted(groups.annotate(count=Count("entrypage_id", distinct=True)), "ethnicgroup__code"),
        "notice": _counted(notices.annotate(count=Count("entrypage_id", distinct=True)), "sensitivitynotice__code"),
        "province": _counted(places.values(key=province).annotate(count=Count("entry_id", distinct=True)), "key"),
        "type": Counter(
            {
                types.get(row["content_type_id"], "entry"): row["count"]
                for row in entries.values("content_type_id").annotate(count=Count("pk")).order_by()
            }
        ),
        "language": _counted(
            languages.values("language__code").annotate(count=Count("recordingpage_id", distinct=True)),
            "language__code",
        ),
        "decade": Counter({str(row["decade"]): row["count"] for row in decades.annotate(count=Count("pk")).order_by()}),
    }


def media_keys(entries: QuerySet) -> dict[int, set[str]]:
    """Entry id → its "has" keys (video, audio, transcript), for those of the entries with
    media: the media live in each entry's block list, so they are read here."""
    media_ids: dict[int, set[int]] = defaultdict(set)
    keys: dict[int, set[str]] = defaultdict(set)
    with_recordings = entries.annotate(raw=Cast("media", TextField())).filter(raw__contains='"audio_video"')
    rows = with_recordings.values_list("pk", "raw").order_by()
    for entry_id, raw in rows:
        for block in json.loads(raw) if raw else []:
            if block.get("type") == "audio_video" and block["value"].get("media"):
                media_ids[entry_id].add(block["value"]["media"])
                if (block["value"].get("transcript") or "").strip():
                    keys[entry_id].add("transcript")
    used = {asset_id for assets in media_ids.values() for asset_id in assets}
    asset_types = dict(MediaAsset.objects.filter(pk__in=used).values_list("pk", "type"))
    captioned = set(MediaAsset.objects.filter(pk__in=used, captions__isnull=False).values_list("pk", flat=True))
    for entry_id, assets in media_ids.items():
        keys[entry_id].update(asset_types[asset_id] for asset_id in assets if asset_id in asset_types)
        if assets & captioned:
            keys[entry_id].add("transcript")
    return {entry_id: found for entry_id, found in keys.items() if found}


def _counted(rows, key: str) -> Counter:
    return Counter({row[key]: row["count"] for row in rows.order_by() if row[key] is not None})


def _decade_filter(years: list[int]) -> Q:
    condition = Q(pk__in=[])
    for year in years:
        condition |= Q(documented_on__year__gte=year, documented_on__year__lt=year + 10)
    return condition


def _type_codes() -> dict[int, str]:
    """Content type id → entry type key ("festival", "custom", "recording")."""
    return {
        content_type.pk: content_type.model.removesuffix("page")
        for content_type in ContentType.objects.get_for_models(*EntryPage.__subclasses__()).values()
    }


def _place_provinces() -> dict[int, str | None]:
    """Place id → the code of today's province it lies in (None outside any): all places
    in one query, the chain of parents and successors followed here."""
    places = {place.pk: place for place in Place.objects.all()}
    provinces: dict[int, str | None] = {}
    for pk, place in places.items():
        current, seen = place, set()
        while current is not None and current.pk not in seen and not current.is_current_province:
            seen.add(current.pk)
            current = places.get(current.successor_id or current.parent_id)
        provinces[pk] = current.code if current is not None and current.is_current_province else None
    return provinces


def selected_filters(params) -> dict[str, list[str]]:
    return {name: [value for value in params.getlist(name) if value] for name in FACET_NAMES if params.getlist(name)}


def build_facets(counts: dict[str, Counter], selected: dict[str, list[str]], params) -> list[Facet]:
    """The counts of the filtered results, each value labelled and with the URL that toggles it."""
    labels = _labels({name: set(counts.get(name, ())) for name in FACET_NAMES})
    facets = []
    for name in FACET_NAMES:
        facet = Facet(name=name, label=str(FACET_LABELS[name]))
        named = labels[name]
        ordered = sorted(counts.get(name, Counter()).items(), key=lambda item: (-item[1], named.get(item[0], item[0])))
        for key, count in ordered:
            chosen = key in selected.get(name, [])
            facet.values.append(
                FacetValue(key, labels[name].get(key, key), count, chosen, _toggle_url(params, name, key, chosen))
            )
        if facet.values:
            facets.append(facet)
    return facets


def _toggle_url(params, name: str, key: str, chosen: bool) -> str:
    pairs = [(param, value) for param, value in params.lists() for value in value if param != "page"]
    pairs = [(param, value) for param, value in pairs if not (param == name and value == key)]
    if not chosen:
        pairs.append((name, key))
    return "?" + urlencode(pairs)


def _labels(codes: dict[str, set[str]]) -> dict[str, dict[str, str]]:
    return {
        "group": {group.code: group.name for group in EthnicGroup.objects.filter(code__in=codes["group"])},
        "province": {place.code: place.name for place in Place.objects.filter(code__in=codes["province"])},
        "language": {language.code: language.name for language in Language.objects.filter(code__in=codes["language"])},
        "type": {
            model.__name__.lower().removesuffix("page"): str(model._meta.verbose_name)
            for model in EntryPage.__subclasses__()
        },
        "decade": {decade: pgettext("decade", "%(decade)ss") % {"decade": decade} for decade in codes["decade"]},
        "has": {key: str(label) for key, label in HAS_LABELS.items()},
        "notice": {notice.code: notice.label for notice in SensitivityNotice.objects.filter(code__in=codes["notice"])},
    }
