"""Uploads officers make: the form says up front what it accepts and refuses anything else
with a message that says why."""

import io

import pytest
from PIL import Image as PILImage

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import override

from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form
from wagtail.models import Collection
from wagtailmedia.forms import get_media_form

from media_pipeline.forms import accepted_extensions
from media_pipeline.models import MediaAsset

AUDIO = ["mp3", "m4a", "wav"]
VIDEO = ["mp4", "mov", "webm"]


def media_form(media_type, upload=None, user=None):
    form_class = get_media_form(MediaAsset)
    data = {"title": "Bản ghi thử", "collection": Collection.get_first_root_node().pk, "tags": ""}
    files = {"file": upload} if upload is not None else None
    return form_class(data, files, instance=MediaAsset(type=media_type), user=user)


def m4a_bytes(size=2048):
    return b"\x00\x00\x00\x20ftypM4A " + b"\x00" * (size - 12)


@pytest.mark.django_db
@pytest.mark.parametrize(("media_type", "examples"), [("audio", AUDIO), ("video", VIDEO)])
def test_help_text_states_formats_and_size_in_english(media_type, examples, settings):
    settings.MAX_MEDIA_UPLOAD_MB = 2048
    with override("en"):
        help_text = str(media_form(media_type).fields["file"].help_text)
    assert "Accepted formats" in help_text
    for extension in examples:
        assert extension in help_text
    assert "2.0\xa0GB" in help_text or "2.0 GB" in help_text or "2048" in help_text


@pytest.mark.django_db
def test_help_text_is_in_vietnamese_for_vietnamese_officers(settings):
    settings.MAX_MEDIA_UPLOAD_MB = 2048
    with override("vi"):
        vietnamese = str(media_form("audio").fields["file"].help_text)
    assert "Accepted formats" not in vietnamese
    assert "Định dạng" in vietnamese
    assert all(extension in vietnamese for extension in AUDIO)


@pytest.mark.django_db
def test_refusal_is_explained_in_vietnamese():
    with override("vi"):
        form = media_form("audio", SimpleUploadedFile("ghi-chu.txt", b"not audio"))
        assert not form.is_valid()
        message = " ".join(form.errors["file"])
    assert "ghi-chu.txt" in message
    assert "Accepted formats" not in message
    assert "m4a" in message


@pytest.mark.django_db
def test_a_good_audio_file_is_accepted():
    form = media_form("audio", SimpleUploadedFile("hat-then.m4a", m4a_bytes(), content_type="audio/mp4"))
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_a_text_file_named_as_audio_is_refused_naming_the_accepted_formats():
    upload = SimpleUploadedFile("ghi-chu.txt", b"field notes, not audio", content_type="audio/mpeg")
    with override("en"):
        form = media_form("audio", upload)
        assert not form.is_valid()
        message = " ".join(form.errors["file"])
    assert "ghi-chu.txt" in message
    assert "not an accepted audio file" in message
    for extension in accepted_extensions("audio"):
        assert extension in message


@pytest.mark.django_db
def test_a_video_file_is_not_accepted_as_audio():
    upload = SimpleUploadedFile("xoe.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100)
    form = media_form("audio", upload)
    assert not form.is_valid()
    assert "file" in form.errors


@pytest.mark.django_db
def test_an_empty_file_is_refused():
    with override("en"):
        form = media_form("audio", SimpleUploadedFile("trong.m4a", b""))
        assert not form.is_valid()
        assert "file" in form.errors
        assert any("empty" in message.lower() for message in form.errors["file"])


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(settings):
    settings.MAX_MEDIA_UPLOAD_MB = 1
    upload = SimpleUploadedFile("dai.m4a", m4a_bytes(2 * 1024 * 1024), content_type="audio/mp4")
    with override("en"):
        form = media_form("audio", upload)
        assert not form.is_valid()
        message = " ".join(form.errors["file"])
        help_text = str(form.fields["file"].help_text)
    assert "2.0" in message and "1.0" in message
    assert "1.0" in help_text


def upload_page(client, user):
    client.force_login(user)
    return client.get("/admin/media/audio/add/")


@pytest.mark.django_db
def test_the_upload_page_in_the_admin_shows_the_limits(client, django_user_model):
    response = upload_page(client, django_user_model.objects.get(username="admin"))
    assert response.status_code == 200
    content = response.content.decode()
    assert all(extension in content for extension in accepted_extensions("audio"))


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["officer", "reviewer"])
def test_officers_and_reviewers_can_upload_audio_and_video(client, django_user_model, username):
    user = django_user_model.objects.get(username=username)
    assert upload_page(client, user).status_code == 200
    upload = SimpleUploadedFile("hat-then.m4a", m4a_bytes(), content_type="audio/mp4")
    response = client.post(
        "/admin/media/audio/add/",
        {"title": "Hát then", "collection": Collection.get_first_root_node().pk, "tags": "", "file": upload},
    )
    assert response.status_code == 302
    assert MediaAsset.objects.filter(title="Hát then", uploaded_by_user=user).exists()


def image_bytes(image_format):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (10, 120, 60)).save(buffer, format=image_format)
    return buffer.getvalue()


def image_form(upload, user):
    form_class = get_image_form(get_image_model())
    data = {"title": "Ảnh thử", "collection": Collection.get_first_root_node().pk, "tags": ""}
    return form_class(data, {"file": upload}, user=user)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "image_format"), [("hoa-van.gif", "GIF"), ("hoa-van.exe", "JPEG"), ("hoa-van.jpg.exe", "PNG")]
)
def test_image_upload_refuses_unlisted_formats(name, image_format, django_user_model):
    officer = django_user_model.objects.get(username="officer")
    form = image_form(SimpleUploadedFile(name, image_bytes(image_format)), officer)
    assert not form.is_valid()
    assert "file" in form.errors


@pytest.mark.django_db
def test_image_upload_accepts_a_jpeg(django_user_model):
    officer = django_user_model.objects.get(username="officer")
    form = image_form(SimpleUploadedFile("hoa-van.jpg", image_bytes("JPEG")), officer)
    assert form.is_valid(), form.errors
