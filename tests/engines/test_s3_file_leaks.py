"""The leak test on S3-compatible object storage (a real MinIO server): the demo archive
stored in a bucket, every file of its non-public entries asked for through the same raw
paths as on local disk, and the signed redirect handed out only for the exact object
authorised."""

import json
import urllib.request
from urllib.parse import quote, urlsplit

import pytest

from tests.engines.archive_project import archive_project
from tests.engines.s3 import running_s3

PROBE = """
import json
from urllib.parse import quote
from django.contrib.auth import get_user_model
from heritage.access import AccessLevel
from heritage.models import EntryPage
from tests.heritage import file_probe

def entry(level):
    return EntryPage.objects.get(access_level=level, locale__language_code="vi").specific

file_probe.restrict_a_public_video()
file_probe.add_image_and_document(entry(AccessLevel.RESTRICTED))
file_probe.add_image_and_document(entry(AccessLevel.RESEARCHERS))
hidden = file_probe.hidden_files()
file_probe.assert_every_kind(hidden)
anchors = file_probe.public_anchors()
users = get_user_model().objects
researcher = file_probe.session_cookie(users.get(username="researcher"))
officer = file_probe.session_cookie(users.get(username="officer"))
everything = {**hidden[AccessLevel.RESTRICTED], **hidden[AccessLevel.RESEARCHERS]}

def direct(name, cookie):
    answer = file_probe.raw_get(file_probe.MEDIA_URL + quote(name), cookie)
    return [name, answer.status, answer.headers.get("Location", ""), answer.body[:20].hex()]

public = [file_probe.public_file_in(anchor) for anchor in anchors]
print(json.dumps({
    "anonymous_leaks": file_probe.leaks(everything, anchors, ""),
    "researcher_leaks": file_probe.leaks(hidden[AccessLevel.RESTRICTED], anchors, researcher),
    "anonymous_direct": [direct(name, "") for name in everything],
    "researcher_direct": [direct(name, researcher) for name in hidden[AccessLevel.RESEARCHERS]],
    "officer_direct": [direct(name, officer) for name in everything],
    "public_direct": [direct(name, "") for name in public],
}))
"""


@pytest.fixture(scope="module")
def s3():
    with running_s3(bucket="heritage-leaks") as server:
        yield server


@pytest.fixture
def project(s3, tmp_path, database_template):
    project = archive_project(tmp_path / "archive", database_template, **s3.archive_settings())
    yield project
    project.stop_all()


def _fetch(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def _assert_served(s3, name: str, status: int, location: str) -> None:
    """A file handed out by the archive: passed through (playlists, captions, peaks), or a
    signed redirect to exactly its own object."""
    if status == 200:
        return
    assert status == 302, (name, status)
    parts = urlsplit(location)
    assert location.startswith(s3.endpoint_url) and "X-Amz-Signature=" in parts.query, location
    assert parts.path == f"/{s3.bucket}/{quote(name)}", (name, location)
    fetched, body = _fetch(location)
    assert fetched == 200 and body, name


def test_no_hidden_file_by_any_path_on_object_storage(s3, project, tmp_path):
    print(f"S3 engine: {s3.engine}")
    project.manage("load_demo_content", "--accounts-file", str(tmp_path / "accounts.txt"), timeout=900)
    project.manage("media_worker", "--burst", timeout=1200)

    result = json.loads(project.python(PROBE, timeout=1200))

    assert result["anonymous_leaks"] == []
    assert result["researcher_leaks"] == []
    assert result["anonymous_direct"] and all(status == 404 for _, status, _, _ in result["anonymous_direct"])
    # Positive controls: staff get every hidden file, researchers the researchers-only
    # ones, anonymous visitors the public files, each by its own URL.
    for name, status, location, _ in result["officer_direct"]:
        _assert_served(s3, name, status, location)
    assert result["researcher_direct"]
    for name, status, location, _ in result["researcher_direct"]:
        _assert_served(s3, name, status, location)
    assert len(result["public_direct"]) >= 4
    for name, status, location, _ in result["public_direct"]:
        _assert_served(s3, name, status, location)
