"""A zip of media from the admin is unpacked only as plain files under their own names,
within the size limits, whatever names or sizes it declares."""

import io
import stat
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django.test import override_settings

from bulk_import.zip_media import UnsafeZipError, extract_media


def zip_of(members: list[tuple[str, bytes]], mode: int | None = None) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, content in members:
            info = zipfile.ZipInfo(name)
            if mode is not None:
                info.external_attr = mode << 16
            bundle.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    buffer.seek(0)
    return buffer


def test_plain_files_are_unpacked_without_their_folders(tmp_path):
    bundle = zip_of([("Chiem Hoa/video/long-tong.mp4", b"video"), ("anh.jpg", b"image"), ("__MACOSX/._anh.jpg", b"")])
    assert extract_media(bundle, tmp_path) == ["long-tong.mp4", "anh.jpg"]
    assert (tmp_path / "long-tong.mp4").read_bytes() == b"video"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["anh.jpg", "long-tong.mp4"]


@pytest.mark.parametrize(
    "name", ["../escape.mp4", "/etc/escape.mp4", "a/../../escape.mp4", "C:\\escape.mp4", "..\\escape.mp4"]
)
def test_names_that_leave_the_folder_are_refused(tmp_path, name):
    folder = tmp_path / "media"
    folder.mkdir()
    with pytest.raises(UnsafeZipError):
        extract_media(zip_of([(name, b"x")]), folder)
    assert list(tmp_path.rglob("escape.mp4")) == []


def test_links_are_refused(tmp_path):
    with pytest.raises(UnsafeZipError):
        extract_media(zip_of([("link.mp4", b"/etc/passwd")], mode=stat.S_IFLNK | 0o777), tmp_path)
    assert not (tmp_path / "link.mp4").exists()


@override_settings(MAX_MEDIA_UPLOAD_MB=1, BULK_IMPORT_MAX_UNZIPPED_MB=2)
def test_a_bomb_stops_at_the_limit(tmp_path):
    # 50 MB of zeros compresses to about 50 KB.
    with pytest.raises(UnsafeZipError):
        extract_media(zip_of([("bomb.wav", bytes(50 * 1024 * 1024))]), tmp_path)
    assert not (tmp_path / "bomb.wav").exists()
    # Many files each under the per-file limit stop at the total.
    many = tmp_path / "many"
    many.mkdir()
    members = [(f"part-{number}.wav", bytes(900 * 1024)) for number in range(5)]
    with pytest.raises(UnsafeZipError):
        extract_media(zip_of(members), many)
    assert sum(path.stat().st_size for path in many.iterdir()) <= 2 * 1024 * 1024


def test_a_nameless_member_is_refused(tmp_path):
    with pytest.raises(UnsafeZipError):
        extract_media(zip_of([("\x00", b"x")]), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_damaged_zips_are_refused(tmp_path):
    with pytest.raises(UnsafeZipError):
        extract_media(io.BytesIO(b"PK\x03\x04 not really a zip"), tmp_path)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=4, unique=True))
def test_whatever_the_names_nothing_lands_outside_the_folder(tmp_path_factory, names):
    root = tmp_path_factory.mktemp("zip")
    folder = root / "media"
    folder.mkdir()
    try:
        bundle = zip_of([(name, b"x") for name in names])
    except (ValueError, UnicodeEncodeError):
        return
    try:
        extract_media(bundle, folder)
    except UnsafeZipError:
        pass
    outside = [path for path in root.rglob("*") if path != folder and folder not in path.parents]
    assert outside == []
    assert all(path.parent == folder and path.is_file() for path in folder.rglob("*"))
