"""Originals and renditions on S3-compatible object storage (django-storages with boto3),
against a real MinIO server built from the Go module proxy by the test setup."""

import json
import urllib.request

import pytest

from tests.engines.archive_project import archive_project, asset_states, create_asset
from tests.engines.s3 import running_s3
from tests.media_pipeline import sample_files

SERVE = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from media_pipeline.models import MediaAsset
asset = MediaAsset.objects.get(pk={asset_id})
admin = get_user_model().objects.create_superuser("s3admin", "s3@example.org", "x")
client = Client(HTTP_HOST="localhost")
client.force_login(admin)
master = client.get(asset.stream.url)
variant = asset.stream.file.name.rsplit("/", 1)[0] + "/360p/index.m3u8"
segment = asset.stream.file.name.rsplit("/", 1)[0] + "/360p/segment_00000.ts"
playlist = client.get("/files/" + variant)
redirect = client.get("/files/" + segment)
print(json.dumps({{
    "master_status": master.status_code, "master": master.content.decode(),
    "playlist_status": playlist.status_code, "playlist": playlist.content.decode(),
    "segment_status": redirect.status_code, "segment_location": redirect.get("Location", ""),
    "stream_url": asset.stream.url,
}}))
"""


@pytest.fixture(scope="module")
def s3():
    with running_s3() as server:
        yield server


@pytest.fixture
def project(s3, tmp_path, database_template):
    # Each test's database numbers assets from 1, so each starts with an empty bucket.
    for name in object_names(s3, ""):
        s3.client().delete_object(Bucket=s3.bucket, Key=name)
    project = archive_project(tmp_path / "archive", database_template, **s3.archive_settings())
    yield project
    project.stop_all()


def object_names(s3, prefix: str) -> list[str]:
    pages = s3.client().get_paginator("list_objects_v2").paginate(Bucket=s3.bucket, Prefix=prefix)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def test_renditions_are_made_from_and_published_to_object_storage(s3, project, tmp_path):
    print(f"S3 engine: {s3.engine}")
    asset_id = create_asset(project, sample_files.make_video(tmp_path, seconds=7, width=854, height=480), "video")
    originals = object_names(s3, "media/")
    assert len(originals) == 1 and originals[0].endswith(".mp4")
    project.manage("media_worker", "--burst", timeout=300)
    assert asset_states(project)[asset_id][0] == "ready", project.manage("shell", "-c", "print(1)").stdout

    stored = object_names(s3, f"renditions/{asset_id}/")
    run_folders = {name.split("/")[2] for name in stored}
    assert len(run_folders) == 1
    names = {name.split("/", 3)[3] for name in stored}
    assert {"hls/master.m3u8", "hls/240p/index.m3u8", "hls/360p/segment_00000.ts", "video.mp4", "poster.jpg"} <= names
    assert "hls/audio/index.m3u8" in names

    served = json.loads(project.python(SERVE.format(asset_id=asset_id)))
    # Playlists come from the archive (their relative names must resolve there) …
    assert served["master_status"] == 200 and "360p/index.m3u8" in served["master"]
    assert served["playlist_status"] == 200 and "segment_00000.ts" in served["playlist"]
    # … while segments are handed out as short-lived signed URLs to the store.
    assert served["segment_status"] == 302
    location = served["segment_location"]
    assert location.startswith(s3.endpoint_url) and "X-Amz-Signature" in location
    request = urllib.request.Request(location, headers={"Range": "bytes=0-187"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 206
        assert response.read()[0] == 0x47  # an MPEG-TS sync byte
    unsigned = location.split("?", 1)[0]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, timeout=10)
    assert refused.value.code == 403


def test_rerun_replaces_and_fixity_checks_originals_on_object_storage(s3, project, tmp_path):
    asset_id = create_asset(project, sample_files.make_audio(tmp_path, seconds=4), "audio")
    project.manage("media_worker", "--burst", timeout=300)
    first = object_names(s3, f"renditions/{asset_id}/")
    assert first and asset_states(project)[asset_id][0] == "ready"

    project.python(
        f"from media_pipeline.models import MediaAsset; from media_pipeline.jobs import process; "
        f"print(process({asset_id}))"
    )
    second = object_names(s3, f"renditions/{asset_id}/")
    assert second and not set(first) & set(second), "the old run's files should be gone"

    assert "0 not" in project.manage("verify_fixity").stdout
    original = object_names(s3, "media/")[-1]
    s3.client().put_object(Bucket=s3.bucket, Key=original, Body=b"replaced behind the archive's back")
    failed = project.manage("verify_fixity", check=False)
    assert failed.returncode == 1 and original in failed.stderr

    project.python(f"from media_pipeline.models import MediaAsset; MediaAsset.objects.get(pk={asset_id}).delete()")
    assert object_names(s3, f"renditions/{asset_id}/") == []
