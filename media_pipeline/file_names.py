"""Uploaded file names made short enough to store: within the model field's length once the
folder is added, and within the 255 bytes a file system allows for one name."""

import unicodedata

# Under the 255 bytes ext4 and most file systems allow for one name, with room for the
# suffix below.
MAX_NAME_BYTES = 200
# The "_abc1234" storage adds when a name is taken.
AVAILABLE_NAME_SUFFIX = 8


def shortened(name: str, max_chars: int, max_bytes: int = MAX_NAME_BYTES) -> str:
    """`name` in NFC, cut on a character boundary to at most `max_chars` characters and
    `max_bytes` UTF-8 bytes, its extension kept."""
    name = unicodedata.normalize("NFC", name).encode("utf-8", "ignore").decode("utf-8")
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 10:
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    stem = stem[: max(0, max_chars - len(suffix))]
    candidate = unicodedata.normalize("NFC", f"{stem}{suffix}")
    # Cutting can leave a combining mark without its letter, so the cut name is normalised
    # again, and its length checked again.
    while stem and (len(candidate) > max_chars or len(candidate.encode()) > max_bytes):
        stem = stem[:-1]
        candidate = unicodedata.normalize("NFC", f"{stem}{suffix}")
    return candidate


def fitting_upload_name(name: str, field) -> str:
    """The name to give an upload for model file field `field` so that the stored name,
    folder and any storage suffix included, fits."""
    folder = field.upload_to if isinstance(field.upload_to, str) else ""
    room = field.max_length - len(folder.rstrip("/")) - 1 - AVAILABLE_NAME_SUFFIX
    return shortened(name, max_chars=max(room, 20))
