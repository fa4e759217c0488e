"""Why an asset was refused or could not be prepared. Assets store a code and its
parameters; the sentence is made when shown, in the language of the person reading."""

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "empty": _("The file is empty."),
    "too_large": _("The file is %(size)s; the largest accepted is %(limit)s."),
    "unreadable": _(
        "This is not an audio or video file the archive can read. It may be damaged, or another kind of file renamed."
    ),
    "type_mismatch": _(
        "The file is named “.%(extension)s” but its content is in %(container)s format. Upload the original file."
    ),
    "container_not_allowed": _("Files ending in “%(extension)s” are not accepted."),
    "codec_not_allowed": _("The %(kind)s is encoded as %(codec)s, which the archive does not accept."),
    "no_audio": _("This file has no sound track."),
    "too_long": _("The recording lasts %(duration)s; the longest accepted is %(limit)s."),
    "unknown_duration": _("The length of the recording cannot be read; the file may be damaged."),
    "too_many_pixels": _(
        "The picture is %(width)s × %(height)s pixels; pictures may have at most %(limit)s pixels in all."
    ),
    "too_many_channels": _("The sound has %(channels)s channels; the most accepted is %(limit)s."),
    "too_many_streams": _("The file holds %(streams)s streams (tracks); the most accepted is %(limit)s."),
    "image_too_large": _("The image declares %(pixels)s pixels; the largest accepted is %(limit)s."),
    "image_unreadable": _("This is not an image the archive can read."),
    "timed_out": _("Preparing the file took longer than allowed (%(seconds)s s). It may be damaged; try again."),
    "incomplete_output": _(
        "The prepared %(rendition)s lasts %(actual)s s but the original lasts %(expected)s s. The original may be "
        "truncated; upload it again."
    ),
    "missing_streams": _("The prepared %(rendition)s lacks its %(kind)s."),
    "transcode_failed": _("The file could not be converted for the web. It may be damaged."),
    "fixity_mismatch": _("The stored original no longer matches its checksum. Tell an administrator."),
    "storage_unavailable": _("The file store did not answer. The archive will try again; you can also retry."),
    "internal": _(
        "Something went wrong while preparing the file. Try again; if it fails again, tell an administrator."
    ),
}


def _format_seconds(seconds: float) -> str:
    minutes, rest = divmod(round(float(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{rest:02d}" if hours else f"{minutes}:{rest:02d}"


def _displayed(params: dict) -> dict:
    shown = dict(params)
    for key in ("size", "limit_bytes"):
        if key in shown:
            shown[key] = filesizeformat(shown[key])
    if "limit_bytes" in shown:
        shown["limit"] = shown.pop("limit_bytes")
    for key in ("duration", "limit_seconds"):
        if key in shown:
            shown[key] = _format_seconds(shown[key])
    if "limit_seconds" in shown:
        shown["limit"] = shown.pop("limit_seconds")
    for key in ("kind", "rendition"):
        if key in shown:
            shown[key] = gettext(KIND_NAMES.get(shown[key], shown[key]))
    for key, value in shown.items():
        if isinstance(value, int) and key not in ("width", "height"):
            shown[key] = f"{value:,}".replace(",", " ")
    return shown


KIND_NAMES = {
    "video": _("picture"),
    "audio": _("sound"),
    "hls": _("streaming version"),
    "mp4": _("MP4 version"),
    "speech": _("audio version"),
    "poster": _("poster frame"),
}


def failure_message(code: str, params: dict | None = None) -> str:
    template = MESSAGES.get(code, MESSAGES["internal"])
    try:
        return str(template) % _displayed(params or {})
    except (KeyError, TypeError, ValueError):
        return str(MESSAGES["internal"])


class MediaRejectedError(Exception):
    """An upload the archive will not accept or could not prepare, with the reason."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return failure_message(self.code, self.params)
