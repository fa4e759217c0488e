"""What tusd's hooks let through: only a signed-in officer's upload, with a valid token for
that kind of item, a stated size within the limit, an accepted name and a checksum; on
completion the bytes must match the browser's checksum and pass the same intake as the
upload form, and the item is then created and queued for preparation."""

import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from django.contrib.auth import get_user_model
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from media_pipeline.models import MediaAsset, MediaStatus
from media_pipeline.publishing import delete_folder
from tests.media_pipeline import sample_files
from uploads import tusd
from uploads.finishing import chunked_sha256
from uploads.models import Upload, UploadState
from uploads.tokens import issue_token

GOOD_SHA = "ab" * 32


@pytest.fixture
def upload_dir(settings, tmp_path) -> Path:
    settings.UPLOADS_DIR = tmp_path / "tus"
    settings.UPLOADS_DIR.mkdir()
    return settings.UPLOADS_DIR


def user(username: str):
    return get_user_model().objects.get(username=username)


def call_hook(client: Client, hook_type: str, upload: dict, secret: str | None = None):
    url = reverse("uploads-tusd-hooks") + f"?secret={tusd.hooks_secret() if secret is None else secret}"
    body = {"Type": hook_type, "Event": {"Upload": upload, "HTTPRequest": {"Method": "POST", "Header": {}}}}
    return client.post(url, json.dumps(body), content_type="application/json")


def creation(token: str, kind: str = "media", filename: str = "field.mp4", size: int = 1000, sha256=GOOD_SHA):
    metadata = {"token": token, "kind": kind, "filename": filename, "sha256": sha256}
    return {"ID": "", "Size": size, "SizeIsDeferred": False, "Offset": 0, "MetaData": metadata, "Storage": None}


def accepted(response) -> bool:
    assert response.status_code == 200, response.content
    answer = response.json()
    return not answer.get("RejectUpload") and bool(answer.get("ChangeFileInfo", {}).get("ID"))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["media", "image", "document"])
def test_an_officer_may_start_an_upload_and_is_recorded(client, kind):
    name = {"media": "field.mp4", "image": "photo.jpg", "document": "notes.pdf"}[kind]
    response = call_hook(client, "pre-create", creation(issue_token(user("officer"), kind), kind, name))
    assert accepted(response)
    upload = Upload.objects.get(object_id=response.json()["ChangeFileInfo"]["ID"])
    assert (upload.user.username, upload.kind, upload.state) == ("officer", kind, UploadState.RECEIVING)


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["researcher", "visitor"])
def test_people_without_upload_rights_are_refused_even_with_a_token_issued_to_them(client, username):
    response = call_hook(client, "pre-create", creation(issue_token(user(username), "media")))
    assert not accepted(response)
    assert response.json()["HTTPResponse"]["StatusCode"] == 403
    assert not Upload.objects.exists()


@pytest.mark.django_db
def test_an_anonymous_upload_a_forged_an_expired_or_a_borrowed_token_is_refused(client, settings):
    officer_token = issue_token(user("officer"), "media")
    assert accepted(call_hook(client, "pre-create", creation(officer_token)))  # positive control
    forged = signing.dumps(
        {"user": user("officer").pk, "kind": "media"}, key="not-the-secret-key", salt="uploads.token"
    )
    for token in ("", "garbage", forged, officer_token[:-2] + "xx", issue_token(user("officer"), "image")):
        assert not accepted(call_hook(client, "pre-create", creation(token))), token
    settings.UPLOADS_TOKEN_MAX_AGE_SECONDS = -1
    assert not accepted(call_hook(client, "pre-create", creation(officer_token)))


@pytest.mark.django_db
def test_a_deactivated_officer_token_stops_working(client):
    token = issue_token(user("officer"), "media")
    get_user_model().objects.filter(username="officer").update(is_active=False)
    assert not accepted(call_hook(client, "pre-create", creation(token)))


@pytest.mark.django_db
def test_only_tusd_with_the_shared_secret_may_call_the_hooks(client):
    token = issue_token(user("officer"), "media")
    for secret in ("", "wrong", tusd.hooks_secret()[:-1]):
        assert call_hook(client, "pre-create", creation(token), secret=secret).status_code == 403
    assert client.get(reverse("uploads-tusd-hooks") + f"?secret={tusd.hooks_secret()}").status_code == 405
    assert accepted(call_hook(client, "pre-create", creation(token)))


@pytest.mark.django_db
def test_size_name_and_checksum_are_checked_before_any_byte_is_sent(client, settings):
    token = issue_token(user("officer"), "media")
    limit = settings.MAX_MEDIA_UPLOAD_MB * 1024 * 1024
    assert accepted(call_hook(client, "pre-create", creation(token, size=limit)))
    refusals = {
        "too large": creation(token, size=limit + 1),
        "empty": creation(token, size=0),
        "not a recording": creation(token, filename="setup.exe"),
        "no extension": creation(token, filename="video"),
        "no checksum": creation(token, sha256=""),
        "bad checksum": creation(token, sha256="zz" * 32),
        "deferred size": {**creation(token), "SizeIsDeferred": True},
        "concatenation": {**creation(token), "IsFinal": True},
    }
    for what, upload in refusals.items():
        response = call_hook(client, "pre-create", upload)
        assert not accepted(response), what
        assert response.json()["HTTPResponse"]["Body"], what
    too_large = call_hook(client, "pre-create", refusals["too large"]).json()["HTTPResponse"]
    assert too_large["StatusCode"] == 413 and "2048" in too_large["Body"]


@pytest.mark.django_db
@hypothesis_settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(metadata=st.dictionaries(st.sampled_from(["token", "kind", "filename", "sha256", "x"]), st.text(max_size=80)))
def test_hostile_metadata_never_starts_an_upload_or_breaks_the_hook(client, metadata):
    upload = {"ID": "", "Size": 10, "MetaData": metadata}
    response = call_hook(client, "pre-create", upload)
    assert response.status_code == 200
    assert response.json().get("RejectUpload") is True


def finished_upload(upload_dir: Path, path: Path, checksum: str | None = None, kind: str = "media") -> tuple:
    """A file as tusd's file store leaves it when the last byte has arrived."""
    upload = Upload.objects.create(
        object_id="f" * 32,
        user=user("officer"),
        kind=kind,
        filename=path.name,
        size=path.stat().st_size,
        sha256_chunks=checksum or chunked_sha256(path),
    )
    stored = upload_dir / upload.object_id
    shutil.copy(path, stored)
    (upload_dir / f"{upload.object_id}.info").write_text("{}")
    event = {
        "ID": upload.object_id,
        "Size": upload.size,
        "Offset": upload.size,
        "MetaData": {},
        "Storage": {"Type": "filestore", "Path": str(stored), "InfoPath": f"{stored}.info"},
    }
    return upload, event


@pytest.fixture
def clean_renditions():
    yield
    for asset_id in MediaAsset.objects.values_list("pk", flat=True):
        delete_folder(f"renditions/{asset_id}")


@pytest.mark.django_db
def test_a_finished_recording_becomes_an_item_queued_for_preparation(client, upload_dir, tmp_path, clean_renditions):
    video = sample_files.make_video(tmp_path, seconds=2, name="Lễ cấp sắc.mp4")
    upload, event = finished_upload(upload_dir, video)
    response = call_hook(client, "pre-finish", event)
    assert response.status_code == 200
    url = response.json()["HTTPResponse"]["Header"]["Upload-Result-Url"]
    asset = MediaAsset.objects.get(title="Lễ cấp sắc")
    assert url == reverse("wagtailmedia:edit", args=[asset.pk])
    assert (asset.type, asset.status, asset.uploaded_by_user.username) == ("video", MediaStatus.QUEUED, "officer")
    assert asset.size_bytes == video.stat().st_size and len(asset.sha256) == 64
    upload.refresh_from_db()
    assert upload.state == UploadState.FINISHED
    assert not list(upload_dir.iterdir()), "tusd's copy is removed once the archive holds its own"


@pytest.mark.django_db
def test_a_checksum_mismatch_is_refused_with_a_clear_message_and_nothing_is_kept(client, upload_dir, tmp_path):
    video = sample_files.make_video(tmp_path, seconds=2, name="hong.mp4")
    upload, event = finished_upload(upload_dir, video, checksum="0" * 64)
    reply = call_hook(client, "pre-finish", event).json()["HTTPResponse"]
    assert reply["StatusCode"] == 422
    assert "kiểm tra" in reply["Body"] or "checksum" in reply["Body"]
    assert not MediaAsset.objects.filter(title="hong").exists()
    upload.refresh_from_db()
    assert upload.state == UploadState.REFUSED


@pytest.mark.django_db
def test_a_finished_file_that_fails_intake_is_refused_with_the_intake_reason(client, upload_dir, tmp_path):
    junk = sample_files.make_random_bytes(tmp_path)
    renamed = junk.with_name("rac.mp4")
    junk.rename(renamed)
    _, event = finished_upload(upload_dir, renamed)
    reply = call_hook(client, "pre-finish", event).json()["HTTPResponse"]
    assert reply["StatusCode"] == 422 and reply["Body"]
    assert not MediaAsset.objects.filter(title="rac").exists()


@pytest.mark.django_db
def test_a_hook_event_pointing_outside_the_upload_folder_reads_nothing(client, upload_dir, tmp_path, settings):
    secret_file = tmp_path / "secret.mp4"
    shutil.copy(sample_files.make_video(tmp_path, seconds=2), secret_file)
    upload, event = finished_upload(upload_dir, secret_file)
    for path in (str(secret_file), str(upload_dir / ".." / "secret.mp4"), "/etc/passwd"):
        event["Storage"]["Path"] = path
        reply = call_hook(client, "pre-finish", event).json()["HTTPResponse"]
        assert reply["StatusCode"] == 422, path
        Upload.objects.filter(pk=upload.pk).update(state=UploadState.RECEIVING)
    assert secret_file.exists() and not MediaAsset.objects.filter(title="secret").exists()


@pytest.mark.django_db
def test_uploads_left_unfinished_expire_and_their_bytes_are_removed(upload_dir, settings):
    settings.UPLOADS_EXPIRE_HOURS = 24
    officer = user("officer")
    old, fresh = (
        Upload.objects.create(
            object_id=name * 32, user=officer, kind="media", filename="a.mp4", size=5, sha256_chunks=GOOD_SHA
        )
        for name in "ab"
    )
    Upload.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    for upload in (old, fresh):
        (upload_dir / upload.object_id).write_bytes(b"12")
        (upload_dir / f"{upload.object_id}.info").write_text("{}")
    assert tusd.expire_uploads() == 1
    assert sorted(path.name for path in upload_dir.iterdir()) == sorted([fresh.object_id, f"{fresh.object_id}.info"])
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.state, fresh.state) == (UploadState.EXPIRED, UploadState.RECEIVING)
