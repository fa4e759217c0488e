"""The job's promises beyond the renditions themselves: what visitors see meanwhile,
retries of a flaky store, no temporary files left behind."""

import os
import tempfile
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from heritage.access import AccessLevel
from heritage.models import EntryPage
from media_pipeline.failures import MediaRejectedError
from media_pipeline.jobs import TEMPORARY_PREFIX, process
from media_pipeline.models import MediaAsset, MediaStatus
from media_pipeline.publishing import with_retries
from tests.media_pipeline import sample_files


def own_temporary_folders() -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"{TEMPORARY_PREFIX}{os.getpid()}-*"))


def test_visitors_see_being_prepared_instead_of_a_broken_player(client, db):
    entry = next(
        page
        for page in EntryPage.objects.filter(access_level=AccessLevel.PUBLIC, locale__language_code="en").specific()
        if any(block.value["media"].type == "video" for block in page.audio_video_blocks)
    )
    asset = next(block.value["media"] for block in entry.audio_video_blocks if block.value["media"].type == "video")
    assert "<video" in client.get(entry.url).content.decode()
    # A recording prepared before keeps playing while it is prepared again (a new ladder).
    MediaAsset.objects.filter(pk=asset.pk).update(status=MediaStatus.PROCESSING)
    assert "<video" in client.get(entry.url).content.decode()
    # Its first preparation: nothing to play yet.
    MediaAsset.objects.filter(pk=asset.pk).update(status=MediaStatus.PROCESSING, processed_at=None)
    page = client.get(entry.url).content.decode()
    assert "<video" not in page and "being prepared for the web" in page
    MediaAsset.objects.filter(pk=asset.pk).update(status=MediaStatus.FAILED)
    assert "not available at the moment" in client.get(entry.url).content.decode()


def test_transient_storage_errors_are_retried_with_backoff(settings):
    settings.MEDIA_STORAGE_RETRIES = 4
    settings.MEDIA_STORAGE_RETRY_DELAY_SECONDS = 0.01
    calls = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ClientError({"Error": {"Code": "SlowDown"}, "ResponseMetadata": {"HTTPStatusCode": 503}}, "PutObject")
        return "saved"

    assert with_retries(flaky, description="test") == "saved"
    assert len(calls) == 3


def test_permanent_storage_errors_fail_at_once(settings):
    calls = []

    def forbidden() -> None:
        calls.append(1)
        raise ClientError({"Error": {"Code": "AccessDenied"}, "ResponseMetadata": {"HTTPStatusCode": 403}}, "PutObject")

    with pytest.raises(MediaRejectedError) as refusal:
        with_retries(forbidden, description="test")
    assert refusal.value.code == "storage_unavailable" and len(calls) == 1


def test_no_temporary_files_remain_after_jobs_that_succeed_or_fail(upload, tmp_path):
    good = upload(sample_files.make_audio(tmp_path, seconds=2), "audio")
    bad = upload(sample_files.make_truncated_mp4(tmp_path), "video")
    assert process(good.pk) == "ready"
    assert process(bad.pk) == "failed: incomplete_output"
    assert own_temporary_folders() == []
