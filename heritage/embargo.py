"""Embargoes: an entry "restricted until a date" is seen only by staff until that day,
whatever its access level says (`heritage.access.under_embargo`, read by `own_level` and
`visible_to`, so every route follows), and opens on that day without anyone acting.

Publishing an entry with a future embargo date mirrors it into the entry's restriction
(heritage/signal_handlers.py). `apply_embargoes`, run daily from cron like
`apply_consent_expiry`, lifts the embargoes whose date has come: each entry's restriction
goes back to what its own access level and its contributors' consent allow (never wider),
its search documents are written again and the opening is written to the audit log."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log
from wagtail.models import PageViewRestriction

from heritage.access import (
    RESEARCHERS,
    AccessLevel,
    apply_access_level,
    entry_level,
    opens_more_than,
    stricter,
    under_embargo,
)
from heritage.models import EntryPage
from heritage.reindexing import reindex_entries

LIFTED = "heritage.embargo_lifted"
LOG_ACTIONS = {LIFTED: (_("Embargo ended"), _("Embargo ended"))}


def mirrored_level(page: EntryPage) -> str:
    """The access level the page's view restriction now gives (`apply_access_level` writes
    one group restriction per level)."""
    restriction = PageViewRestriction.objects.filter(page=page).first()
    if restriction is None:
        return AccessLevel.PUBLIC
    groups = restriction.groups.values_list("name", flat=True)
    if restriction.restriction_type == PageViewRestriction.GROUPS and RESEARCHERS in groups:
        return AccessLevel.RESEARCHERS
    return AccessLevel.RESTRICTED


def draft_level(page: EntryPage) -> str:
    """What the page's latest draft asks for: a draft that tightens access applies at once
    (heritage/wagtail_hooks.py), so lifting an embargo never undoes it."""
    draft = page.get_latest_revision_as_object()
    return AccessLevel.RESTRICTED if under_embargo(draft) else draft.access_level


def lift_embargo(translation_key) -> bool:
    """Open the entry as far as its own level allows now that its embargo date has come,
    in every translation; returns whether anything opened."""
    pages = list(EntryPage.objects.filter(translation_key=translation_key).specific())
    if not pages:
        return False
    level = stricter(entry_level(pages[0]), *(draft_level(page) for page in pages))
    if not any(opens_more_than(level, mirrored_level(page)) for page in pages):
        return False
    with transaction.atomic():
        apply_access_level(pages[0], level)
        reindex_entries([page.pk for page in pages])
    for page in pages:
        log(instance=page, action=LIFTED, data={"entry": page.title, "embargo_until": str(page.embargo_until)})
    return True


def apply_embargoes() -> int:
    """Lift every embargo whose date has come (run daily from cron); returns how many
    entries opened. An entry whose embargo was lifted already is left alone."""
    ended = EntryPage.objects.filter(embargo_until__lte=timezone.localdate())
    return sum(lift_embargo(key) for key in set(ended.values_list("translation_key", flat=True)))
