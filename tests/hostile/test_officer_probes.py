"""An officer (or a reviewer through the wrong door) trying to open something without a
reviewer's publication: a recording's own access level, the privacy dialog, the
workflow's approval, an image or recording slipped into a draft of a live page."""

import io

import pytest
from PIL import Image as PILImage

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.files.images import ImageFile
from django.test import Client

from wagtail.images import get_image_model
from wagtail.log_actions import LogContext
from wagtail.models import Collection, PageViewRestriction

from heritage.access import AccessLevel
from heritage.models import EntryPage
from media_pipeline.models import MediaAsset

pytestmark = pytest.mark.django_db


def status(client, url) -> int:
    response = client.get(url)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return response.status_code


@pytest.fixture
def public_entry():
    for entry in (
        EntryPage.objects.filter(access_level=AccessLevel.PUBLIC, locale__language_code="vi").live().specific()
    ):
        if any(block.value["media"] is not None for block in entry.audio_video_blocks):
            return entry
    raise AssertionError("The demo has a public entry with a recording")


@pytest.fixture
def restricted_recording_in_public_page(public_entry, restricted_entry):
    """A restricted recording that a reviewer placed in a public page: "not available" there."""
    recording = restricted_entry.audio_video_blocks[0].value["media"]
    public_entry.media.append(("audio_video", {"media": recording, "caption": "", "transcript": ""}))
    public_entry.save_revision().publish()
    assert status(Client(), recording.file.url) == 404
    return recording


def media_edit_form(asset: MediaAsset, level: str) -> dict:
    return {
        "title": asset.title,
        "collection": asset.collection_id,
        "tags": "",
        "access_level": level,
    }


def test_an_officer_cannot_open_a_recording_to_more_people(client, officer, restricted_recording_in_public_page):
    recording = restricted_recording_in_public_page
    client.force_login(officer)
    response = client.post(f"/admin/media/edit/{recording.pk}/", media_edit_form(recording, AccessLevel.PUBLIC))
    assert response.status_code == 200  # the form again, with the refusal in the officer's language
    assert "Chỉ người duyệt mới được mở bản ghi" in response.content.decode()
    recording.refresh_from_db()
    assert recording.access_level == AccessLevel.RESTRICTED
    assert status(Client(), recording.file.url) == 404


def test_an_officer_may_still_edit_a_recording_and_make_it_stricter(client, officer, public_entry):
    recording = public_entry.audio_video_blocks[0].value["media"]
    assert recording.access_level == AccessLevel.PUBLIC
    client.force_login(officer)
    data = media_edit_form(recording, AccessLevel.PUBLIC) | {"title": "Tiêu đề mới"}
    assert client.post(f"/admin/media/edit/{recording.pk}/", data).status_code == 302
    recording.refresh_from_db()
    assert recording.title == "Tiêu đề mới"
    data = media_edit_form(recording, AccessLevel.RESEARCHERS)
    assert client.post(f"/admin/media/edit/{recording.pk}/", data).status_code == 302
    recording.refresh_from_db()
    assert recording.access_level == AccessLevel.RESEARCHERS
    assert status(Client(), recording.file.url) == 404


def test_a_reviewer_may_open_a_recording(client, reviewer, restricted_recording_in_public_page):
    recording = restricted_recording_in_public_page
    client.force_login(reviewer)
    response = client.post(f"/admin/media/edit/{recording.pk}/", media_edit_form(recording, AccessLevel.PUBLIC))
    assert response.status_code == 302
    recording.refresh_from_db()
    assert recording.access_level == AccessLevel.PUBLIC
    assert status(Client(), recording.file.url) == 200


def test_an_officer_cannot_open_a_recording_outside_the_form(officer, restricted_recording_in_public_page):
    """Any code acting for an officer (the multiple uploader, the chooser's upload, a script
    inside their request) meets the same rule."""
    recording = restricted_recording_in_public_page
    recording.access_level = AccessLevel.PUBLIC
    with pytest.raises(PermissionDenied), LogContext(user=officer):
        recording.save()
    recording.refresh_from_db()
    assert recording.access_level == AccessLevel.RESTRICTED


def test_the_privacy_dialog_is_for_reviewers_only(client, officer, restricted_entry, researcher):
    client.force_login(officer)
    response = client.post(f"/admin/pages/{restricted_entry.pk}/privacy/", {"restriction_type": "none"})
    assert response.status_code in (302, 403)
    assert PageViewRestriction.objects.filter(page=restricted_entry).exists()
    assert status(Client(), restricted_entry.url) == 404


@pytest.mark.parametrize("restriction_type", ["none", "login", "password"])
def test_the_privacy_dialog_never_loosens_an_entrys_level(
    client, reviewer, researcher, officer, restricted_entry, restriction_type
):
    """The access field decides who sees an entry and its files: a reviewer changing the
    mirrored restriction by hand opens nothing (the level is changed on the entry and published)."""
    image = restricted_entry.first_image
    client.force_login(reviewer)
    client.post(
        f"/admin/pages/{restricted_entry.pk}/privacy/",
        {"restriction_type": restriction_type, "password": "mật khẩu chung", "groups": []},
    )
    for user in (None, researcher):
        visitor = Client()
        if user is not None:
            visitor.force_login(user)
        assert status(visitor, restricted_entry.url) == 404, (user, restriction_type)
        assert restricted_entry.pk not in [item["id"] for item in visitor.get("/api/v2/pages/").json()["items"]]
        assert visitor.get(f"/api/v2/pages/{restricted_entry.pk}/").status_code == 404
        if image is not None:
            assert status(visitor, image.file.url) == 404, (user, restriction_type)
        recording = restricted_entry.audio_video_blocks[0].value["media"]
        assert status(visitor, recording.file.url) == 404
    staff = Client()
    staff.force_login(officer)
    assert status(staff, restricted_entry.url) == 200


def test_the_privacy_dialog_with_groups_including_researchers_opens_nothing(
    client, reviewer, researcher, restricted_entry
):
    image = restricted_entry.first_image
    client.force_login(reviewer)
    client.post(
        f"/admin/pages/{restricted_entry.pk}/privacy/",
        {"restriction_type": "groups", "groups": list(Group.objects.values_list("pk", flat=True))},
    )
    visitor = Client()
    visitor.force_login(researcher)
    assert status(visitor, restricted_entry.url) == 404
    assert visitor.get(f"/api/v2/pages/{restricted_entry.pk}/").status_code == 404
    assert restricted_entry.pk not in [item["id"] for item in visitor.get("/api/v2/pages/").json()["items"]]
    if image is not None:
        assert status(visitor, image.file.url) == 404


def test_an_officer_cannot_approve_their_own_submission_through_the_workflow_view(client, officer, public_entry):
    client.force_login(officer)
    public_entry.title = "Bản nháp chờ duyệt"
    revision = public_entry.save_revision(user=officer)
    public_entry.get_workflow().start(public_entry, officer)
    task_state = public_entry.current_workflow_task_state
    response = client.post(f"/admin/pages/workflow/action/{public_entry.pk}/approve/{task_state.pk}/", {"comment": ""})
    assert response.status_code in (302, 403)
    public_entry.refresh_from_db()
    assert public_entry.live_revision_id != revision.pk
    assert public_entry.title != "Bản nháp chờ duyệt"
    assert public_entry.current_workflow_task_state is not None


def new_image(title: str):
    buffer = io.BytesIO()
    PILImage.new("RGB", (32, 24), (200, 30, 30)).save(buffer, "JPEG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name="chua-duyet.jpg"), collection=Collection.get_first_root_node()
    )


def test_an_image_in_an_officers_draft_of_a_live_page_stays_hidden_until_published(
    client, officer, reviewer, public_entry
):
    image = new_image("Ảnh chưa duyệt")
    client.force_login(officer)
    public_entry.body.append(("image", {"image": image, "caption": "", "alt_text": "ảnh"}))
    public_entry.save_revision(user=officer)
    assert status(Client(), image.file.url) == 404
    rendition = image.get_rendition("fill-16x16")
    assert status(Client(), rendition.url) == 404
    # Positive control: once a reviewer publishes the draft, the image is public.
    public_entry.get_latest_revision().publish(user=reviewer)
    assert status(Client(), image.file.url) == 200


def image_upload(name: str = "thay-the.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (10, 200, 10)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def published_image(public_entry):
    """An image of its own in a live public page (replacing a file deletes the old one from
    storage, so the demo's files are left alone)."""
    image = new_image("Ảnh đã xuất bản")
    public_entry.body.append(("image", {"image": image, "caption": "", "alt_text": "ảnh"}))
    public_entry.save_revision().publish()
    assert status(Client(), image.file.url) == 200
    return image


def replace_image_file(client, user, image):
    """Post the image's edit form as `user` with a new file and nothing else changed."""
    client.force_login(user)
    data = {"title": image.title, "collection": image.collection_id, "tags": "", "file": image_upload()}
    return client.post(f"/admin/images/{image.pk}/", data)


def test_an_officer_cannot_replace_the_file_of_a_published_image(client, officer, published_image):
    """Replacing the picture a live page shows publishes the new picture."""
    before = published_image.file.name
    response = replace_image_file(client, officer, published_image)
    assert response.status_code == 302 and response["Location"] == "/admin/"  # Wagtail's "no permission"
    published_image.refresh_from_db()
    assert published_image.file.name == before


def test_a_reviewer_may_replace_the_file_of_a_published_image(client, reviewer, published_image):
    before = published_image.file.name
    response = replace_image_file(client, reviewer, published_image)
    assert response.status_code == 302
    published_image.refresh_from_db()
    assert published_image.file.name != before
    assert status(Client(), published_image.file.url) == 200


def test_an_officer_may_replace_the_file_of_an_image_no_live_page_shows(client, officer):
    image = new_image("Ảnh trong kho")
    before = image.file.name
    client.force_login(officer)
    response = client.post(
        f"/admin/images/{image.pk}/",
        {"title": image.title, "collection": image.collection_id, "tags": "", "file": image_upload()},
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.file.name != before


def test_an_officer_cannot_add_or_replace_captions_of_a_published_recording(officer, reviewer, public_entry):
    from django.core.files.base import ContentFile

    from media_pipeline.models import CaptionTrack

    recording = public_entry.audio_video_blocks[0].value["media"]
    vtt = "WEBVTT\n\n00:00.000 --> 00:01.000\nLời mới chưa duyệt\n"
    with LogContext(user=officer), pytest.raises(PermissionDenied):
        CaptionTrack(asset=recording, language="tyz", label="Tày", kind="captions").file.save(
            "x.vtt", ContentFile(vtt.encode())
        )
    track = recording.captions.first()
    assert track is not None
    before = track.file.name
    with LogContext(user=officer), pytest.raises(PermissionDenied):
        track.file.save("y.vtt", ContentFile(vtt.encode()))
    track.refresh_from_db()
    assert track.file.name == before
    # Positive control: a reviewer adds captions to a published recording.
    with LogContext(user=reviewer):
        CaptionTrack(asset=recording, language="tyz", label="Tày", kind="captions").file.save(
            "x.vtt", ContentFile(vtt.encode())
        )
    assert recording.captions.filter(language="tyz").exists()


def test_a_collection_kept_private_stays_private_on_every_file_address(published_image, researcher, officer):
    """Wagtail's collection privacy (set by an administrator) holds for /files/ as it does
    for Wagtail's own document view: a second address never opens what the first refuses."""
    from wagtail.models import CollectionViewRestriction

    private = Collection.get_first_root_node().add_child(name="Riêng tư")
    restriction = CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.set(Group.objects.filter(name="Officers"))
    published_image.collection = private
    published_image.save()
    rendition = published_image.get_rendition("fill-16x16")
    for user in (None, researcher):
        visitor = Client()
        if user is not None:
            visitor.force_login(user)
        assert status(visitor, published_image.file.url) == 404, user
        assert status(visitor, rendition.url) == 404, user
    staff = Client()
    staff.force_login(officer)
    assert status(staff, published_image.file.url) == 200
    login_only = Collection.get_first_root_node().add_child(name="Đăng nhập")
    CollectionViewRestriction.objects.create(collection=login_only, restriction_type=CollectionViewRestriction.LOGIN)
    published_image.collection = login_only
    published_image.save()
    assert status(Client(), published_image.file.url) == 404
    visitor = Client()
    visitor.force_login(researcher)
    assert status(visitor, published_image.file.url) == 200  # signed in is enough there
