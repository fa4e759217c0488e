"""Uploads officers make: the form says up front what it accepts and refuses anything else
with a message that says why."""

import io
import re
import struct
import unicodedata
import zlib

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image as PILImage

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import override

from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form
from wagtail.models import Collection
from wagtail.users.models import UserProfile
from wagtailmedia.forms import get_media_form

from media_pipeline.forms import accepted_extensions
from media_pipeline.models import MediaAsset
from tests.media_pipeline import sample_files

AUDIO = ["mp3", "m4a", "wav"]
VIDEO = ["mp4", "mov", "webm"]


def media_form(media_type, upload=None, user=None):
    form_class = get_media_form(MediaAsset)
    data = {"title": "Bản ghi thử", "collection": Collection.get_first_root_node().pk, "tags": ""}
    files = {"file": upload} if upload is not None else None
    return form_class(data, files, instance=MediaAsset(type=media_type), user=user)


def m4a_bytes(size=2048):
    return b"\x00\x00\x00\x20ftypM4A " + b"\x00" * (size - 12)


def real_m4a(folder, name="hat-then.m4a"):
    """A real second of AAC audio: uploads are probed on the form."""
    path = sample_files.make_audio(folder, seconds=1, name="speech.m4a")
    return SimpleUploadedFile(name, path.read_bytes(), content_type="audio/mp4")


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
def test_a_good_audio_file_is_accepted(tmp_path):
    form = media_form("audio", real_m4a(tmp_path))
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
    for extension in accepted_extensions():
        assert extension in message


@pytest.mark.django_db
def test_a_damaged_file_is_refused_on_the_form_not_later():
    upload = SimpleUploadedFile("xoe.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100)
    with override("en"):
        form = media_form("audio", upload)
        assert not form.is_valid()
        assert "not an audio or video file the archive can read" in " ".join(form.errors["file"])


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
    assert all(extension in content for extension in accepted_extensions())


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["officer", "reviewer"])
def test_officers_and_reviewers_can_upload_audio_and_video(client, django_user_model, username, tmp_path):
    user = django_user_model.objects.get(username=username)
    assert upload_page(client, user).status_code == 200
    upload = real_m4a(tmp_path)
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


# -- Long file names --------------------------------------------------------------------------------------

LONG_VIETNAMESE_STEM = ("Hoa văn thổ cẩm của người Mông ở Hà Giang, ảnh chụp năm Giáp Thìn " * 5)[:296]
# Chữ Nôm: three bytes a character, so 90 characters are more than a file system's 255 bytes.
LONG_NOM_STEM = ("傳翹𡨸喃" * 80)[:296]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "extension", "content", "model_path"),
    [
        ("/admin/images/add/", "jpg", lambda: image_bytes("JPEG"), "images"),
        ("/admin/documents/add/", "pdf", lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "documents"),
    ],
)
@pytest.mark.parametrize("stem", [LONG_VIETNAMESE_STEM, LONG_NOM_STEM], ids=["vietnamese", "nom"])
def test_images_and_documents_with_300_character_names_are_kept(
    client, django_user_model, url, extension, content, model_path, stem
):
    from wagtail.documents import get_document_model

    client.force_login(django_user_model.objects.get(username="officer"))
    client.raise_request_exception = False
    name = f"{stem}.{extension}"
    assert len(name) == 300
    upload = SimpleUploadedFile(name, content())
    response = client.post(
        url, {"title": "Tên rất dài", "collection": Collection.get_first_root_node().pk, "tags": "", "file": upload}
    )
    text = response.content.decode()
    assert "255" not in text and "ký tự" not in text
    assert response.status_code == 302, text[-2000:]
    model = get_image_model() if model_path == "images" else get_document_model()
    stored = model.objects.get(title="Tên rất dài").file
    assert stored.name.endswith(f".{extension}")
    assert len(stored.name) <= model._meta.get_field("file").max_length
    assert len(stored.name.rsplit("/", 1)[-1].encode()) <= 255
    assert stored.storage.exists(stored.name)


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    stem=st.text(st.characters(blacklist_categories=("Cs",)), max_size=400),
    extension=st.sampled_from(["m4a", "mp4", "jpg", "pdf", "tiff", ""]),
    max_chars=st.integers(min_value=20, max_value=300),
)
def test_a_shortened_name_fits_in_characters_and_bytes_and_keeps_its_extension(stem, extension, max_chars):
    from media_pipeline.file_names import shortened

    name = f"{stem}.{extension}" if extension else stem
    short = shortened(name, max_chars=max_chars)
    assert len(short) <= max_chars
    assert len(short.encode("utf-8")) <= 200
    assert short == unicodedata.normalize("NFC", short)
    if extension:
        assert short.endswith(f".{extension}")
    if len(unicodedata.normalize("NFC", name)) <= max_chars and len(name.encode()) <= 200:
        assert short == unicodedata.normalize("NFC", name)


# -- Hostile images through both image upload paths -------------------------------------------------------


def _segment(marker: int, body: bytes) -> bytes:
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(body) + 2) + body


def hostile_jpeg() -> bytes:
    """About 140 bytes: a JFIF header, a frame header declaring 65000 × 65000 pixels, then noise."""
    jfif = b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    frame = struct.pack(">BHHB", 8, 65000, 65000, 3) + bytes([1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])
    noise = bytes((index * 37) % 251 for index in range(96))
    return b"\xff\xd8" + _segment(0xE0, jfif) + _segment(0xC0, frame) + noise


def truncated_png() -> bytes:
    return image_bytes("PNG")[:60]


def huge_png() -> bytes:
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk + b"\x00\x00\x00\x00IEND\xaeB`\x82"


HOSTILE_IMAGES = {
    "JPEG declaring 65000 × 65000 with broken data": ("bom.jpg", hostile_jpeg),
    "truncated PNG": ("cut.png", truncated_png),
    "zero bytes": ("empty.jpg", lambda: b""),
    "text renamed .jpg": ("notes.jpg", lambda: "Ghi chép thực địa, không phải ảnh.\n".encode() * 5),
    "PNG declaring 100000 × 100000": ("bomb.png", huge_png),
}


def post_image(client, path: str, name: str, content: bytes):
    upload = SimpleUploadedFile(name, content)
    if path == "single":
        data = {"title": "Ảnh lạ", "collection": Collection.get_first_root_node().pk, "tags": "", "file": upload}
        return client.post("/admin/images/add/", data)
    return client.post(
        "/admin/images/multiple/add/",
        {"files[]": upload, "collection": Collection.get_first_root_node().pk},
        headers={"x-requested-with": "XMLHttpRequest"},
    )


def refusal_text(response, path: str) -> str | None:
    """The refusal the officer reads, or None when the image was accepted."""
    if path == "single":
        if response.status_code == 302:
            return None
        match = re.findall(r'class="error-message"[^>]*>(.*?)</', response.content.decode(), re.S)
        return " ".join(part.strip() for part in match) or response.content.decode()
    body = response.json()
    return None if body["success"] else body["error_message"]


@pytest.fixture
def image_client(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="officer"))
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["single", "multiple"])
@pytest.mark.parametrize("case", list(HOSTILE_IMAGES), ids=list(HOSTILE_IMAGES))
def test_a_hostile_image_is_refused_with_a_message_never_a_500(image_client, path, case):
    name, make = HOSTILE_IMAGES[case]
    before = get_image_model().objects.count()
    response = post_image(image_client, path, name, make())
    assert response.status_code == 200
    message = refusal_text(response, path)
    assert message, "the hostile image was accepted"
    assert "Internal Server Error" not in message and "Traceback" not in message
    assert get_image_model().objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["single", "multiple"])
def test_a_valid_image_is_accepted_on_both_paths(image_client, path):
    before = get_image_model().objects.count()
    response = post_image(image_client, path, "hoa-van.png", image_bytes("PNG"))
    assert response.status_code in (200, 302)
    assert refusal_text(response, path) is None
    assert get_image_model().objects.count() == before + 1


@pytest.mark.django_db
def test_the_hostile_jpeg_refusal_is_in_the_officers_language(image_client, django_user_model):
    profile = UserProfile.get_for_user(django_user_model.objects.get(username="officer"))
    vietnamese = post_image(image_client, "multiple", "bom.jpg", hostile_jpeg()).json()
    profile.preferred_language = "en"
    profile.save()
    english = post_image(image_client, "multiple", "bom.jpg", hostile_jpeg()).json()
    assert "image" in english["error_message"].lower()
    assert "ảnh" in vietnamese["error_message"]


IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "tif", "tiff"]
PREFIXES = [b"", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"RIFF\x00\x00\x00\x00WEBPVP8 ", b"II*\x00", b"MM\x00*"]


@pytest.mark.django_db
@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.sampled_from(PREFIXES),
    body=st.binary(max_size=400),
    extension=st.sampled_from(IMAGE_EXTENSIONS),
    path=st.sampled_from(["single", "multiple"]),
)
def test_random_bytes_with_an_image_extension_never_give_a_500(image_client, prefix, body, extension, path):
    response = post_image(image_client, path, f"ngau-nhien.{extension}", prefix + body)
    assert response.status_code in (200, 302), response.content[:500]
