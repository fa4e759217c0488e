"""WebVTT captions and transcripts: validated on upload, their cues kept as data."""

import io
import re

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_CAPTION_BYTES = 2 * 1024 * 1024
TIMESTAMP = re.compile(r"^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})$")


def _seconds(timestamp: str) -> float:
    match = TIMESTAMP.match(timestamp.strip())
    if not match:
        raise ValueError(timestamp)
    hours, minutes, seconds, milliseconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(milliseconds) / 1000


def read_cues(content: bytes, duration: float | None = None) -> list[dict]:
    """The cues of a WebVTT file as `{"start", "end", "text"}`, or a ValidationError that
    says what is wrong and where."""
    if len(content) > MAX_CAPTION_BYTES:
        raise ValidationError(_("A caption file may be at most 2 MB."), code="too_large")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(_("The caption file must be saved as UTF-8 text."), code="encoding") from error
    if not text.lstrip().startswith("WEBVTT"):
        raise ValidationError(_("This is not a WebVTT file: the first line must be “WEBVTT”."), code="not_webvtt")
    try:
        captions = webvtt.from_buffer(io.StringIO(text))
    except (MalformedFileError, MalformedCaptionError) as error:
        raise ValidationError(_("The WebVTT file is malformed: %(error)s"), params={"error": error}) from error
    cues = []
    for number, caption in enumerate(captions, start=1):
        try:
            start, end = _seconds(caption.start), _seconds(caption.end)
        except ValueError as error:
            raise ValidationError(_("Cue %(number)s has an unreadable time."), params={"number": number}) from error
        if end <= start:
            raise ValidationError(
                _("Cue %(number)s ends (%(end)s) before it starts (%(start)s)."),
                params={"number": number, "start": caption.start, "end": caption.end},
            )
        if cues and start < cues[-1]["start"]:
            raise ValidationError(_("Cue %(number)s starts before the cue above it."), params={"number": number})
        if duration and start > duration + 1:
            raise ValidationError(
                _("Cue %(number)s starts at %(start)s, after the recording ends."),
                params={"number": number, "start": caption.start},
            )
        cues.append({"start": round(start, 3), "end": round(end, 3), "text": " ".join(caption.text.split())})
    if not cues:
        raise ValidationError(_("The WebVTT file has no cues."), code="empty")
    return cues
