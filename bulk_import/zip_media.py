"""A zip of media from the admin, unpacked safely into a private folder: only plain files,
each kept under its own name without any folder (no `..`, no absolute paths, no links),
at most as large as an upload may be, and bounded in number and in total size as it is
written (a zip's declared sizes are not trusted)."""

import stat
import zipfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _

MAX_MEMBERS = 2000
CHUNK = 1024 * 1024


class UnsafeZipError(Exception):
    pass


def extract_media(archive, destination: Path) -> list[str]:
    """Unpack `archive` (a path or file object) into `destination`; the names written."""
    max_file = settings.MAX_MEDIA_UPLOAD_MB * 1024 * 1024
    max_total = settings.BULK_IMPORT_MAX_UNZIPPED_MB * 1024 * 1024
    try:
        bundle = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as error:
        raise UnsafeZipError(_("The media file is not a readable zip.")) from error
    with bundle:
        # Not ZipInfo.is_dir(): it fails on an empty name, which _safe_name refuses.
        members = [member for member in bundle.infolist() if not member.filename.endswith("/")]
        members = [member for member in members if not _clutter(member)]
        if len(members) > MAX_MEMBERS:
            raise UnsafeZipError(_("The zip holds more than %(count)d files.") % {"count": MAX_MEMBERS})
        written: list[str] = []
        total = 0
        for member in members:
            name = _safe_name(member)
            if name in written:
                raise UnsafeZipError(_("Two files in the zip are called “%(name)s”.") % {"name": name})
            total += _copy(bundle, member, destination / name, max_file, max_total - total)
            written.append(name)
    return written


def _clutter(member: zipfile.ZipInfo) -> bool:
    """What macOS and Windows add to a zip of a folder (._names, __MACOSX/, Thumbs.db)."""
    path = PurePosixPath(member.filename.replace("\\", "/"))
    return path.name.startswith(".") or "__MACOSX" in path.parts or path.name == "Thumbs.db"


def _safe_name(member: zipfile.ZipInfo) -> str:
    path = PurePosixPath(member.filename.replace("\\", "/"))
    mode = member.external_attr >> 16
    unsafe = path.is_absolute() or ".." in path.parts or ":" in member.filename or not path.name
    # Zips made without Unix modes have none; with one, it must be a plain file.
    if unsafe or stat.S_IFMT(mode) not in (0, stat.S_IFREG):
        message = _("The zip holds a file that may not be unpacked: “%(name)s”.")
        raise UnsafeZipError(message % {"name": member.filename})
    return path.name


def _copy(bundle: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, max_file: int, room: int) -> int:
    """Write one member, stopping as soon as it passes either limit."""
    size = 0
    try:
        with bundle.open(member) as source, target.open("xb") as copy:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > max_file or size > room:
                    raise UnsafeZipError(
                        _("“%(name)s” unpacks to more than the archive accepts.") % {"name": member.filename}
                    )
                copy.write(chunk)
    except UnsafeZipError:
        target.unlink(missing_ok=True)
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as error:
        target.unlink(missing_ok=True)
        raise UnsafeZipError(_("“%(name)s” in the zip is damaged.") % {"name": member.filename}) from error
    return size
