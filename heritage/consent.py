"""Acting on consent records: an entry is never more open than what its contributors'
consent allows.

What consent allows is stored on every translation of the entry (`consent_level`) and
read by `heritage.access.visible_to`, so every route that respects access levels (pages,
listings, search on both backends, API, sitemap, embeds, files) respects consent too.
Narrowing is applied at once, from any change of a record (a withdrawal, a narrower
scope, an end date that has passed: `apply_consent_expiry`); the entry's recordings are
narrowed with it and the entry is written to the search backends again. Opening is never
automatic: a wider consent takes effect only when the entry is next published, which
needs a reviewer (heritage/publishing.py), and a narrowed recording stays narrowed until
a reviewer opens it on its own form (media_pipeline/access.py)."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log

from heritage.access import AccessLevel, apply_access_level, opens_more_than, stricter
from heritage.models import EntryPage
from heritage.models.consent import ConsentRecord
from heritage.reindexing import reindex_entries
from media_pipeline.models import MediaAsset

WITHDRAWN = "heritage.consent_withdrawn"
EXPIRED = "heritage.consent_expired"
LOG_ACTIONS = {
    WITHDRAWN: (_("Withdraw consent"), _("Consent withdrawn")),
    EXPIRED: (_("Consent ended"), _("Consent ended")),
}


def records_in_force(translation_key) -> list[ConsentRecord]:
    """Each person's latest consent record for the entry (any of its translations)."""
    latest: dict[int, ConsentRecord] = {}
    records = ConsentRecord.objects.filter(entry__translation_key=translation_key).select_related("contributor")
    for record in records.order_by("-recorded_at", "-pk"):
        latest.setdefault(record.contributor_id, record)
    return sorted(latest.values(), key=lambda record: record.contributor.name)


def consent_allows(translation_key, today: date | None = None) -> str:
    """The most open access level the entry's contributors' consent allows now."""
    levels = [record.allowed_level(today) for record in records_in_force(translation_key)]
    return stricter(AccessLevel.PUBLIC, *levels)


def narrow_to_consent(translation_key, today: date | None = None) -> bool:
    """Apply consent that became narrower than the entry's stored consent level, at once,
    to every translation, its restrictions, its recordings and its search documents.
    Never opens anything. Returns whether anything was narrowed."""
    level = consent_allows(translation_key, today)
    translations = EntryPage.objects.filter(translation_key=translation_key)
    narrowed = [page for page in translations.only("pk", "consent_level") if opens_more_than(page.consent_level, level)]
    if not narrowed:
        return False
    with transaction.atomic():
        translations.filter(pk__in=[page.pk for page in narrowed]).update(consent_level=level)
        pages = list(translations.specific())
        apply_access_level(pages[0], pages[0].access_level)
        narrow_recordings(pages, level)
        reindex_entries([page.pk for page in pages])
    return True


def apply_published_consent(page: EntryPage) -> None:
    """Publishing (by a reviewer) applies what consent allows now, opening too."""
    level = consent_allows(page.translation_key)
    translations = EntryPage.objects.filter(translation_key=page.translation_key)
    changed = list(translations.exclude(consent_level=level).values_list("pk", flat=True))
    if changed:
        translations.update(consent_level=level)
        page.consent_level = level
        reindex_entries(changed)


def narrow_recordings(pages: list[EntryPage], level: str) -> None:
    """The recordings placed in the entry (in any translation, live or in its latest
    draft) become at most `level`, wherever else they are placed."""
    asset_ids = set()
    for page in pages:
        for version in (page, page.get_latest_revision_as_object()):
            for block in version.media:
                if block.block_type == "audio_video" and block.value["media"] is not None:
                    asset_ids.add(block.value["media"].pk)
    for asset in MediaAsset.objects.filter(pk__in=asset_ids):
        narrowed = stricter(level, asset.access_level)
        if narrowed != asset.access_level:
            asset.access_level = narrowed
            asset.save(update_fields=["access_level"])


def withdraw(record: ConsentRecord, user) -> None:
    """Record that the person withdrew their consent, take the entry and its recordings
    out of every public route, and write it to the audit log (on the record and on the
    entry's history)."""
    if record.withdrawn_at is not None:
        return
    record.withdrawn_at = timezone.now()
    record.withdrawn_by = user
    record.save(update_fields=["withdrawn_at", "withdrawn_by"])  # post_save narrows the entry
    data = {"contributor": record.contributor.name, "entry": record.entry.title}
    log(instance=record, action=WITHDRAWN, user=user, data=data)
    log(instance=record.entry, action=WITHDRAWN, user=user, data=data)


def apply_consent_expiry(today: date | None = None) -> int:
    """Narrow every entry whose consent has ended (run daily from cron); returns how many
    entries were narrowed."""
    today = today or timezone.localdate()
    ended = ConsentRecord.objects.filter(ends_on__lt=today, withdrawn_at__isnull=True).select_related("entry")
    narrowed = 0
    for translation_key in set(ended.values_list("entry__translation_key", flat=True)):
        if narrow_to_consent(translation_key, today):
            narrowed += 1
            for record in ended.filter(entry__translation_key=translation_key):
                data = {"contributor": record.contributor.name, "entry": record.entry.title}
                log(instance=record, action=EXPIRED, data=data)
                log(instance=record.entry, action=EXPIRED, data=data)
    return narrowed
