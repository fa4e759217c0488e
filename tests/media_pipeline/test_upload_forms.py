"""What an officer sees when uploading audio or video through the admin: the add pages for
audio and for video and the chooser's upload tab. The content decides audio or video; a
refusal says why, once, in the officer's language; nothing is kept twice."""

import re
from pathlib import Path

import pytest

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from wagtail.models import Collection
from wagtail.users.models import UserProfile

from media_pipeline.failures import MediaRejectedError
from media_pipeline.intake import Limits, inspect_original
from media_pipeline.jobs import process
from media_pipeline.models import MediaAsset, MediaStatus, Rendition
from media_pipeline.publishing import delete_folder
from tests.media_pipeline import sample_files

CHOOSER_PREFIX = "media-chooser-upload"
LONG_VIETNAMESE_STEM = ("Bản ghi hát then của người Tày ở Cao Bằng, mùa xuân năm Giáp Thìn " * 5)[:296]
LONG_NOM_STEM = ("傳翹𡨸喃" * 80)[:296]  # chữ Nôm: three or four bytes a character


def use_admin_language(username: str, language: str) -> None:
    """The admin speaks the language of the officer's profile."""
    profile = UserProfile.get_for_user(get_user_model().objects.get(username=username))
    profile.preferred_language = language
    profile.save()


def post_upload(client, route: str, path: Path, title: str, language: str = "vi", name: str | None = None):
    """Upload `path` as the officer would through one of the three upload routes."""
    use_admin_language("officer", language)
    root = Collection.get_first_root_node().pk
    handle = SimpleUploadedFile(name or path.name, path.read_bytes())
    if route.startswith("chooser-"):
        media_type = route.removeprefix("chooser-")
        data = {f"{CHOOSER_PREFIX}-{key}": value for key, value in {"title": title, "collection": root}.items()}
        data[f"{CHOOSER_PREFIX}-file"] = handle
        url = reverse("wagtailmedia:chooser_upload", args=[media_type])
    else:
        data = {"title": title, "collection": root, "tags": "", "file": handle}
        url = reverse("wagtailmedia:add", args=[route])
    return client.post(url, data)


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture(autouse=True)
def remove_renditions(db):
    """Ids are reused after a test's rollback; renditions left on disk would look like
    leftovers of another test's asset."""
    first_new = (MediaAsset.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    yield
    last = MediaAsset.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for pk in range(first_new, last + 1):
        delete_folder(f"renditions/{pk}")


@pytest.fixture
def officer_client(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="officer"))
    return client


# -- Audio or video is decided from the content ---------------------------------------------------------


@pytest.mark.parametrize("route", ["audio", "video", "chooser-audio", "chooser-video"])
@pytest.mark.parametrize("extension", ["mp4", "mov", "mkv", "webm"])
def test_audio_only_file_in_a_video_container_becomes_audio_on_every_upload_route(
    officer_client, tmp_path, route, extension
):
    path = sample_files.make_audio_only(tmp_path, f"ghi-am.{extension}")
    title = f"Ghi âm {extension} {route}"
    response = post_upload(officer_client, route, path, title)
    assert response.status_code in (200, 302)
    asset = MediaAsset.objects.filter(title=title).first()
    assert asset is not None, page_text(response)[-3000:]
    assert asset.type == "audio"


def test_video_with_a_picture_sent_through_the_audio_form_stays_video(officer_client, tmp_path):
    """Positive control for the rule above: the content decides in both directions."""
    response = post_upload(officer_client, "audio", sample_files.make_video(tmp_path, seconds=1), "Xòe có hình")
    assert response.status_code == 302
    assert MediaAsset.objects.get(title="Xòe có hình").type == "video"


def test_the_job_makes_audio_renditions_for_an_audio_only_mp4_stored_as_video(tmp_path, upload):
    """Files stored by other routes (the demo loader, older uploads) are corrected by the job."""
    asset = upload(sample_files.make_audio_only(tmp_path, "ghi-am.mp4"), "video")
    assert process(asset.pk) == "ready"
    asset.refresh_from_db()
    assert asset.type == "audio"
    roles = set(Rendition.objects.filter(asset=asset).values_list("role", flat=True))
    assert {"speech", "hls", "waveform"} <= roles
    assert "poster" not in roles


# -- A refusal is said once, in the officer's language ----------------------------------------------------


@pytest.mark.parametrize("route", ["audio", "video"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_refusal_is_not_followed_by_an_english_line_about_an_empty_extension(
    officer_client, tmp_path, route, language
):
    notes = tmp_path / "ghi-chu.txt"
    notes.write_text("field notes, not a recording", encoding="utf-8")
    response = post_upload(officer_client, route, notes, "Ghi chú", language=language)
    field_errors = re.findall(r'<p class="error-message">(.*?)</p>', response.content.decode(), re.S)
    assert response.status_code == 200
    assert len(field_errors) == 1 and "ghi-chu.txt" in field_errors[0]  # the refusal itself, once
    assert ("not an accepted" in field_errors[0]) == (language == "en")
    # Django has no Vietnamese for this line: it showed in English on every refusal.
    assert "File extension" not in page_text(response)
    assert not MediaAsset.objects.filter(title="Ghi chú").exists()


# -- Long names are shortened, not refused ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "stem"),
    [("audio", LONG_VIETNAMESE_STEM), ("chooser-audio", LONG_VIETNAMESE_STEM), ("audio", LONG_NOM_STEM)],
)
def test_a_recording_with_a_300_character_name_is_kept_under_a_shortened_name(officer_client, tmp_path, route, stem):
    path = sample_files.make_audio(tmp_path, seconds=1, name="speech.m4a")
    name = f"{stem}.m4a"
    assert len(name) == 300
    response = post_upload(officer_client, route, path, "Tên dài", name=name)
    text = page_text(response)
    assert "255" not in text and "ký tự" not in text and "characters" not in text
    asset = MediaAsset.objects.get(title="Tên dài")
    stored = asset.file.name
    assert stored.startswith("media/") and stored.endswith(".m4a")
    assert len(stored) <= MediaAsset._meta.get_field("file").max_length
    assert len(Path(stored).name.encode("utf-8")) <= 255
    assert Path(stored).name.startswith(stem[:10].replace(" ", "_"))
    assert asset.file.storage.exists(stored)


# -- Streams are counted ------------------------------------------------------------------------------------


def test_a_file_with_121_streams_is_refused_on_the_form_in_the_officers_language(officer_client, tmp_path, settings):
    settings.MEDIA_MAX_STREAMS = 16
    path = sample_files.make_many_streams(tmp_path, audio_tracks=120)
    vietnamese = page_text(post_upload(officer_client, "video", path, "Nhiều luồng", language="vi"))
    english = page_text(post_upload(officer_client, "video", path, "Nhiều luồng", language="en"))
    assert "121" in vietnamese and "16" in vietnamese and "luồng" in vietnamese
    assert "121 streams" in english and "16" in english
    assert not MediaAsset.objects.filter(title="Nhiều luồng").exists()


def test_a_file_within_the_stream_limit_is_accepted(officer_client, tmp_path, settings):
    settings.MEDIA_MAX_STREAMS = 16
    path = sample_files.make_many_streams(tmp_path, audio_tracks=3)
    assert post_upload(officer_client, "video", path, "Bốn luồng").status_code == 302
    assert MediaAsset.objects.get(title="Bốn luồng").type == "video"


def test_the_job_refuses_too_many_streams_too(tmp_path, upload, settings):
    settings.MEDIA_MAX_STREAMS = 16
    asset = upload(sample_files.make_many_streams(tmp_path, audio_tracks=120), "video")
    assert process(asset.pk) == "failed: too_many_streams"
    asset.refresh_from_db()
    assert asset.status == MediaStatus.FAILED
    with translation.override("en"):
        assert "121 streams" in asset.failure_message


def test_the_stream_limit_comes_from_the_setting(tmp_path, settings):
    path = sample_files.make_many_streams(tmp_path, audio_tracks=4)
    settings.MEDIA_MAX_STREAMS = 4
    with pytest.raises(MediaRejectedError) as refusal:
        inspect_original(path, path.name, Limits.from_settings())
    assert refusal.value.code == "too_many_streams"
    settings.MEDIA_MAX_STREAMS = 5
    assert len(inspect_original(path, path.name, Limits.from_settings()).streams) == 5


# -- The same file twice ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_same_file_uploaded_twice_is_refused_with_a_link_to_the_first(officer_client, tmp_path, language):
    path = sample_files.make_audio(tmp_path, seconds=1)
    assert post_upload(officer_client, "audio", path, "Bản đầu").status_code == 302
    first = MediaAsset.objects.get(title="Bản đầu")
    assert len(first.sha256) == 64
    response = post_upload(officer_client, "video", path, "Bản sau", language=language)
    text = page_text(response)
    assert response.status_code == 200
    assert f'href="{reverse("wagtailmedia:edit", args=[first.pk])}"' in text
    assert "Bản đầu" in text
    assert ("already in the archive" in text) == (language == "en")
    assert ("đã có trong kho" in text) == (language == "vi")
    assert not MediaAsset.objects.filter(title="Bản sau").exists()


def test_a_different_file_is_not_taken_for_a_duplicate(officer_client, tmp_path):
    first = sample_files.make_audio(tmp_path, seconds=1, name="a.m4a")
    second = sample_files.make_audio(tmp_path, seconds=2, name="b.m4a")
    assert post_upload(officer_client, "audio", first, "Bài một").status_code == 302
    assert post_upload(officer_client, "audio", second, "Bài hai").status_code == 302


def test_the_job_checks_the_stored_original_against_the_uploaded_checksum(officer_client, tmp_path):
    """The checksum taken at upload is the one the job checks fixity against."""
    path = sample_files.make_audio(tmp_path, seconds=1)
    post_upload(officer_client, "audio", path, "Kiểm tra")
    asset = MediaAsset.objects.get(title="Kiểm tra")
    assert process(asset.pk) == "ready"
    MediaAsset.objects.filter(pk=asset.pk).update(sha256="0" * 64)
    assert process(asset.pk) == "failed: fixity_mismatch"
