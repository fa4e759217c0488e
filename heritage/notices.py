"""Sensitivity notices before playback: which notices a recording shows before it plays
(its entry's, then its own), for the entry page and the embed player alike.

A recording with notices is rendered inside a `<noscript>` under the notices: with
JavaScript, nothing of the player (sources, poster, captions, waveform) exists, so
nothing is fetched, until the visitor chooses "Continue" (static/js/notices.js), and
that choice is kept in the tab's sessionStorage for the visit. Without JavaScript the
notices are plain text and the player shows below them, loading nothing until the
visitor presses play."""

from heritage.models import EntryPage, SensitivityNotice


def recording_notices(entry: EntryPage | None, block_value) -> list[SensitivityNotice]:
    """The notices shown before one recording plays: its entry's, then its own (chosen on
    this block or on the same recording in another language of the entry)."""
    notices = list(entry.entry_notices) if entry is not None else []
    known = {notice.code for notice in notices}
    codes = set(block_value.get("notices") or [])
    media = block_value.get("media")
    if entry is not None and media is not None:
        codes |= entry.recording_notice_codes.get(getattr(media, "pk", media), set())
    own = sorted(code for code in codes if code not in known)
    if own:
        notices += list(SensitivityNotice.objects.filter(code__in=own))
    return notices


def gate_codes(notices: list[SensitivityNotice]) -> str:
    """What a visitor continues past, as the player's gate names it (space-separated codes)."""
    return " ".join(sorted(notice.code for notice in notices))
