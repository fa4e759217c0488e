"""No restricted file by any path: every file stored for a non-public entry, asked for
through dozens of raw paths walking up from public folders, answers the same 404 to
anyone outside the entry's groups, while the people allowed still get it by its own URL.
A recording carries its own access level: a public page cannot make it public."""

import re
import uuid
from urllib.parse import quote, unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storages.utils import clean_name

from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from wagtail.documents import get_document_model
from wagtail.test.utils.form_data import streamfield

from heritage.access import AccessLevel
from heritage.files import owners_of, user_may_open
from heritage.models import EntryPage, FestivalIndexPage
from media_pipeline.models import CaptionTrack, MediaAsset
from media_pipeline.stored_names import caption_name, is_well_formed, run_folder, run_folder_of
from tests.heritage import file_probe
from tests.heritage.helpers import festival_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_video(db) -> MediaAsset:
    return file_probe.restrict_a_public_video()


@pytest.fixture
def hidden(restricted_entry, researchers_entry, hidden_video) -> dict[str, dict[str, str]]:
    """The demo's non-public files, with an image (and a rendition) and a document added to
    each non-public entry, and a restricted video."""
    file_probe.add_image_and_document(restricted_entry)
    file_probe.add_image_and_document(researchers_entry)
    files = file_probe.hidden_files()
    file_probe.assert_every_kind(files)
    return files


def _direct(name: str) -> str:
    return file_probe.MEDIA_URL + quote(name)


def _without_path(answer: file_probe.Answer) -> bytes:
    """A 404 page links to the address asked for (its language links); the rest must match."""
    assert answer.status == 404
    return re.sub(rb'"[^"]*/files/[^"]*"', b'""', answer.body)


def test_anonymous_visitors_get_no_hidden_file_by_any_path(hidden, officer):
    files = {**hidden[AccessLevel.RESTRICTED], **hidden[AccessLevel.RESEARCHERS], **hidden[AccessLevel.ON_REQUEST]}
    assert hidden[AccessLevel.ON_REQUEST]
    anchors = file_probe.public_anchors()
    with file_probe.wsgi_requests():
        assert file_probe.leaks(files, anchors, cookie="") == []
        for name in files:
            assert file_probe.raw_get(_direct(name)).status == 404, name
        # The same answer as for a name that was never stored.
        unknown = _direct(f"captions/{uuid.uuid4().hex}.vi.vtt")
        expected = _without_path(file_probe.raw_get(unknown))
        for name in list(files)[:10]:
            for variant in file_probe.path_variants(name, anchors[0])[:3] + [_direct(name)]:
                assert _without_path(file_probe.raw_get(variant)) == expected, variant

        # Positive controls: staff get every hidden file, whole and by byte range …
        staff = file_probe.session_cookie(officer)
        for name in files:
            answer = file_probe.raw_get(_direct(name), staff)
            assert answer.status == 200 and answer.body, name
            ranged = file_probe.raw_get(_direct(name), staff, headers={"Range": "bytes=0-9"})
            assert ranged.status in (200, 206) and ranged.body, name
            if not name.endswith((".m3u8", ".vtt", ".json")):
                assert ranged.status == 206 and len(ranged.body) == min(10, len(answer.body)), name
        # … and anonymous visitors every public anchor's file by its own URL.
        for anchor in anchors:
            public = _direct(file_probe.public_file_in(anchor))
            assert file_probe.raw_get(public).status == 200, public
            assert file_probe.raw_get(public, headers={"Range": "bytes=0-9"}).status in (200, 206), public


def test_researchers_get_no_restricted_file_by_any_path(hidden, researcher):
    cookie = file_probe.session_cookie(researcher)
    anchors = file_probe.public_anchors()
    with file_probe.wsgi_requests():
        assert file_probe.leaks(hidden[AccessLevel.RESTRICTED], anchors, cookie) == []
        for name in hidden[AccessLevel.RESTRICTED]:
            assert file_probe.raw_get(_direct(name), cookie).status == 404, name
        # Positive control: researchers-only files open to researchers by their own URL.
        assert hidden[AccessLevel.RESEARCHERS]
        for name in hidden[AccessLevel.RESEARCHERS]:
            assert file_probe.raw_get(_direct(name), cookie).status == 200, name
            assert file_probe.raw_get(_direct(name)).status == 404, name


def test_folders_and_nul_bytes_under_files_answer_404(officer, hidden_video):
    run_folder = hidden_video.stream.file.name.rsplit("/", 2)[0]
    staff = file_probe.session_cookie(officer)
    paths = [
        "/files/",
        "/files/media",
        "/files/media/",
        "/files/renditions",
        f"/files/{run_folder}",
        f"/files/{run_folder}/hls",
        f"/files/{run_folder}/hls/",
        f"/files/{quote(hidden_video.file.name)}%00",
        f"/files/{quote(hidden_video.file.name)}%00.txt",
        "/files/%00",
        "/files/media/%00/x.mp4",
        "/files/%c3%28",
        "/files/media%0a",
        f"/files/{quote(hidden_video.file.name)}%0a",
    ]
    with file_probe.wsgi_requests():
        for cookie in ("", staff):
            for path in paths:
                for raw_known in (True, False):
                    assert file_probe.raw_get(path, cookie, raw_known=raw_known).status == 404, (path, cookie)
        # Positive control: the file itself, asked for plainly, opens for staff.
        assert file_probe.raw_get(_direct(hidden_video.file.name), staff).status == 200


def test_wagtail_document_view_follows_the_same_rule(client, restricted_entry, researcher, officer):
    document = get_document_model().objects.create(
        title="Ghi chép hạn chế", file=ContentFile(b"%PDF-1.4 restricted notes", name="notes.pdf")
    )
    restricted_entry.media.append(("document", {"document": document, "description": ""}))
    restricted_entry.save_revision().publish()
    url = document.url
    assert url.startswith("/documents/")
    assert client.get(url).status_code == 404
    client.force_login(researcher)
    assert client.get(url).status_code == 404
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200 and b"restricted notes" in b"".join(response.streaming_content)


def _asset_file_urls(asset: MediaAsset) -> list[str]:
    return [_direct(name) for name in file_probe.asset_files(asset)]


@pytest.mark.parametrize(
    ("language", "notice"),
    [("vi", "Bản ghi này không khả dụng."), ("en", "This recording is not available.")],
)
def test_a_restricted_recording_in_a_public_page_stays_hidden(client, officer, language, notice):
    entry = file_probe.public_video_entry(language)
    video = file_probe.first_video(entry)
    stream_url = video.stream.url
    # Positive control: while the recording is public, anonymous visitors play it.
    page = client.get(entry.url).content.decode()
    assert stream_url in page and notice not in page
    assert client.get(stream_url).status_code == 200

    MediaAsset.objects.filter(pk=video.pk).update(access_level=AccessLevel.RESTRICTED)

    page = client.get(entry.url).content.decode()
    assert notice in page
    assert f"/files/renditions/{video.pk}/" not in page and video.file.name not in page
    for track in video.captions.all():
        assert track.file.name not in page
    with file_probe.wsgi_requests():
        for url in _asset_file_urls(video):
            assert file_probe.raw_get(url).status == 404, url
    # Staff reading the same page still get the player and the files.
    client.force_login(officer)
    assert stream_url in client.get(entry.url).content.decode()
    assert client.get(stream_url).status_code == 200


def test_embeds_leave_out_a_recording_stricter_than_its_page(client):
    entry = file_probe.public_video_entry()
    video = file_probe.first_video(entry)
    from embeds.items import embeddable_items

    assert video.pk in [item.media.pk for item in embeddable_items(entry)]
    MediaAsset.objects.filter(pk=video.pk).update(access_level=AccessLevel.RESTRICTED)
    entry = EntryPage.objects.get(pk=entry.pk).specific
    assert video.pk not in [item.media.pk for item in embeddable_items(entry)]


def test_the_editor_is_warned_when_a_page_uses_a_stricter_recording(client, officer, restricted_entry):
    restricted_asset = restricted_entry.audio_video_blocks[0].value["media"]
    assert restricted_asset.access_level == AccessLevel.RESTRICTED
    public_asset = MediaAsset.objects.filter(access_level=AccessLevel.PUBLIC).first()
    festivals = FestivalIndexPage.objects.get(locale__language_code="vi")
    client.force_login(officer)

    def save_with(asset, slug):
        media = streamfield([("audio_video", {"media": asset.pk, "caption": "", "transcript": ""})])
        response = client.post(
            f"/admin/pages/add/heritage/festivalpage/{festivals.pk}/", festival_form(slug, media=media), follow=True
        )
        assert response.status_code == 200
        return [str(message) for message in response.context["messages"]]

    warnings = [message for message in save_with(restricted_asset, "stricter-recording") if "“" in message]
    assert any(restricted_asset.title in message for message in warnings), warnings
    # Positive control: a recording as open as the page brings no warning.
    assert not any(public_asset.title in message for message in save_with(public_asset, "open-recording"))


PATH_PIECES = st.sampled_from(
    ["..", ".", "", "%2e", "%2e%2e", "%2f", "%5c", "\\", "%00", "%252e", ";", "media", "captions", "renditions", "x"]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.one_of(PATH_PIECES, st.text(max_size=6)), min_size=1, max_size=8), tail=st.integers(0, 3))
def test_no_path_under_files_answers_anything_but_404_or_a_public_file(hidden_video, pieces, tail):
    hidden_names = file_probe.asset_files(hidden_video)
    raw = "/files/" + "/".join(quote(piece, safe="%\\;.") for piece in pieces)
    raw += "/" + quote(hidden_names[tail % len(hidden_names)]) if tail else ""
    with file_probe.wsgi_requests():
        answer = file_probe.raw_get(raw)
    if answer.status != 404:
        name = unquote(raw.removeprefix("/files/"))
        owners = list(owners_of(name)) if is_well_formed(name) else []
        assert answer.status == 200 and any(user_may_open(AnonymousUser(), owner) for owner in owners), raw


def test_the_recording_form_offers_its_access_level(client, officer, hidden_video):
    client.force_login(officer)
    page = client.get(f"/admin/media/edit/{hidden_video.pk}/").content.decode()
    assert 'name="access_level"' in page and 'value="restricted" selected' in page


NAME_PIECES = st.sampled_from(["", ".", "..", "/", "//", "\\", "%2e", "\x00", "\n", "a", "b.vtt", "~", " "])


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.one_of(NAME_PIECES, st.text(max_size=4)), max_size=8))
def test_a_well_formed_name_is_the_name_every_storage_opens(pieces):
    name = "".join(pieces)
    if is_well_formed(name):
        assert clean_name(name) == name  # what django-storages opens and signs
        assert FileSystemStorage(location="/srv/media").path(name) == f"/srv/media/{name}"
        assert not {".", "..", ""} & set(name.split("/"))


def test_the_names_the_archive_writes_are_well_formed():
    run_file = f"{run_folder(12, uuid.uuid4().hex)}/hls/360p/segment_00000.ts"
    assert is_well_formed(run_file) and run_folder_of(run_file) == run_file.rsplit("/", 3)[0]
    caption = caption_name(CaptionTrack(language="vi"), "Lời hát của bà.vtt")
    assert is_well_formed(caption) and caption.startswith("captions/") and caption.endswith(".vi.vtt")
    assert run_folder_of(f"{run_folder(12, uuid.uuid4().hex)}/hls") is None
