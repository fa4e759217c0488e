"""IIIF Presentation 3 manifests: what they hold (read back through iiif-prezi3's models,
which validate on load), that a viewer on another site may fetch them and every file they
name, and that no entry outside the public gets one."""

import json
import re
import uuid
from urllib.parse import urlsplit

import pytest
from iiif_prezi3 import Manifest

from django.conf import settings

from wagtail.models import Locale

from heritage.access import AccessLevel, apply_access_level
from heritage.consent import withdraw
from heritage.models import ConsentRecord, EntryPage
from tests.embeds.conftest import entry_with

pytestmark = pytest.mark.django_db

BASE = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
RIGHTS = re.compile(r"^https?://(creativecommons\.org/(licenses|publicdomain)/|rightsstatements\.org/vocab/)")


def manifest_path(entry) -> str:
    return f"/iiif/{entry.translation_key}/manifest.json"


def fetch(client, entry) -> dict:
    response = client.get(manifest_path(entry))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["Access-Control-Allow-Origin"] == "*"
    Manifest.model_validate_json(response.content)  # iiif-prezi3 validates on load
    return json.loads(response.content)


def english_of(entry):
    return entry.get_translation(Locale.objects.get(language_code="en")).specific


def bodies(canvas) -> list[dict]:
    body = canvas["items"][0]["items"][0]["body"]
    return body["items"] if body["type"] == "Choice" else [body]


def local(url: str) -> str:
    assert url.startswith(BASE + "/"), url
    return urlsplit(url).path


@pytest.fixture
def video_entry(db):
    return entry_with("video")


@pytest.fixture
def audio_entry(db):
    return entry_with("audio")


def test_a_video_entry_has_a_canvas_with_renditions_captions_poster_and_rights(client, video_entry):
    data = fetch(client, video_entry)
    english = english_of(video_entry)
    assert data["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert data["id"] == f"{BASE}{manifest_path(video_entry)}"
    assert data["label"] == {"vi": [video_entry.title], "en": [english.title]}
    assert RIGHTS.match(data["rights"]) and data["rights"] == video_entry.licence_url
    assert video_entry.attribution in data["requiredStatement"]["value"]["none"][0]
    assert set(data["requiredStatement"]["label"]) == {"vi", "en"}
    homepages = {page["language"][0]: page["id"] for page in data["homepage"]}
    assert homepages == {"vi": video_entry.full_url, "en": english.full_url}

    media = video_entry.audio_video_blocks[0].value["media"]
    canvas = data["items"][0]
    assert canvas["duration"] == pytest.approx(media.duration, abs=0.5)
    assert (canvas["width"], canvas["height"]) == (media.download.width, media.download.height)
    formats = [body["format"] for body in bodies(canvas)]
    assert formats == ["application/vnd.apple.mpegurl", "video/mp4"]
    for body in bodies(canvas):
        assert body["type"] == "Video" and body["duration"] == pytest.approx(media.duration, abs=0.5)
    assert canvas["items"][0]["items"][0]["motivation"] == "painting"
    captions = canvas["annotations"][0]["items"]
    assert {c["body"]["language"] for c in captions} == set(media.captions.values_list("language", flat=True))
    assert len(captions) == media.captions.count() >= 2
    for caption in captions:
        assert caption["motivation"] == "supplementing" and caption["body"]["format"] == "text/vtt"
        assert caption["target"] == canvas["id"]
    assert local(canvas["thumbnail"][0]["id"]) == media.poster.url
    assert data["thumbnail"] == canvas["thumbnail"]


def test_an_audio_entry_has_sound_canvases_without_a_size(client, audio_entry):
    data = fetch(client, audio_entry)
    for canvas in data["items"]:
        assert "width" not in canvas and canvas["duration"] > 0
        assert {body["type"] for body in bodies(canvas)} == {"Sound"}
        assert "application/vnd.apple.mpegurl" in [body["format"] for body in bodies(canvas)]


def test_a_viewer_on_another_site_may_fetch_every_file_the_manifest_names(client, video_entry, audio_entry):
    for entry in (video_entry, audio_entry):
        data = fetch(client, entry)
        urls = [body["id"] for canvas in data["items"] for body in bodies(canvas)]
        pages = [page for canvas in data["items"] for page in canvas.get("annotations", [])]
        urls += [annotation["body"]["id"] for page in pages for annotation in page["items"]]
        urls += [picture["id"] for canvas in data["items"] for picture in canvas.get("thumbnail", [])]
        assert urls
        for url in urls:
            response = client.get(local(url), HTTP_ORIGIN="https://viewer.example")
            assert response.status_code == 200, url
            assert response["Access-Control-Allow-Origin"] == "*", url


def test_a_signed_in_visitor_also_gets_public_files_open_to_other_sites(client, video_entry, django_user_model):
    client.force_login(django_user_model.objects.get(username="researcher"))
    track = video_entry.audio_video_blocks[0].value["media"].captions.first()
    response = client.get(track.url)
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("level", [AccessLevel.RESTRICTED, AccessLevel.RESEARCHERS])
def test_files_of_hidden_entries_are_never_open_to_other_sites(client, django_user_model, level):
    entry = entry_with("audio", level=level)
    assert client.get(manifest_path(entry)).status_code == 404
    media = entry.audio_video_blocks[0].value["media"]
    urls = [media.stream.url, media.download.url, *(track.url for track in media.captions.all())]
    client.force_login(django_user_model.objects.get(username="officer"))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url  # positive control: staff have the file...
        assert "Access-Control-Allow-Origin" not in response, url  # ...but no other site may read it
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("username", [None, "researcher", "officer"])
@pytest.mark.parametrize("level", [AccessLevel.RESTRICTED, AccessLevel.RESEARCHERS, AccessLevel.ON_REQUEST])
def test_entries_not_open_to_everyone_have_no_manifest_for_anyone(client, django_user_model, level, username):
    if username:
        client.force_login(django_user_model.objects.get(username=username))
    entry = entry_with("audio", level=level) if level != AccessLevel.ON_REQUEST else _on_request_entry()
    assert client.get(manifest_path(entry)).status_code == 404
    assert client.get(manifest_path(entry_with("audio"))).status_code == 200  # positive control


def _on_request_entry():
    entry = entry_with("video")
    apply_access_level(entry, AccessLevel.ON_REQUEST)
    EntryPage.objects.filter(translation_key=entry.translation_key).update(access_level=AccessLevel.ON_REQUEST)
    return entry


def test_a_withdrawal_or_unpublishing_removes_the_manifest_at_once(client, django_user_model):
    entry = EntryPage.objects.get(slug="de-dat-de-nuoc-muong", locale__language_code="vi").specific
    officer = django_user_model.objects.get(username="officer")
    assert client.get(manifest_path(entry)).status_code == 200
    withdraw(ConsentRecord.objects.get(entry=entry, contributor__name="Nghệ nhân mẫu F"), officer)
    assert client.get(manifest_path(entry)).status_code == 404

    other = entry_with("video")
    assert client.get(manifest_path(other)).status_code == 200
    for translation in EntryPage.objects.filter(translation_key=other.translation_key):
        translation.unpublish()
    assert client.get(manifest_path(other)).status_code == 404


def test_an_entry_without_recordings_or_an_unknown_key_has_no_manifest(client):
    assert client.get(manifest_path(entry_with(None))).status_code == 404
    assert client.get(f"/iiif/{uuid.uuid4()}/manifest.json").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/vi/iiif/{key}/manifest.json",
        "/iiif/{key}/manifest.json/",
        "/iiif/{key}/../{key}/manifest.json",
        "/iiif/{key_upper}/manifest.json",
        "/iiif/%2E%2E/manifest.json",
        "/iiif/{key}/manifest.jsonx",
    ],
)
def test_other_addresses_for_a_manifest_do_not_serve_it(client, path):
    entry = entry_with("video")
    key = str(entry.translation_key)
    response = client.get(path.format(key=key, key_upper=key.upper()))
    assert response.status_code in (301, 302, 404)
    assert b'"Manifest"' not in response.content


def test_a_manifest_is_read_only(client, video_entry):
    assert client.post(manifest_path(video_entry)).status_code == 405
    assert client.head(manifest_path(video_entry)).status_code == 200


def test_the_entry_page_links_to_its_manifest_and_a_hidden_entry_does_not(client, django_user_model, video_entry):
    page = client.get(video_entry.url).content.decode()
    assert f'href="{BASE}{manifest_path(video_entry)}"' in page
    assert "IIIF" in page
    client.force_login(django_user_model.objects.get(username="officer"))
    hidden = entry_with("audio", level=AccessLevel.RESTRICTED)
    page = client.get(hidden.url)
    assert page.status_code == 200  # positive control: the officer sees the entry...
    assert "/iiif/" not in page.content.decode()  # ...which has no manifest


def test_the_api_gives_the_manifest_of_public_entries_only(client, django_user_model, video_entry):
    detail = client.get(f"/api/v2/pages/{video_entry.pk}/").json()
    assert detail["meta"]["iiif_manifest"] == f"{BASE}{manifest_path(video_entry)}"
    listed = client.get("/api/v2/pages/", {"type": "heritage.EntryPage", "fields": "iiif_manifest", "limit": 100})
    by_id = {item["id"]: item["meta"]["iiif_manifest"] for item in listed.json()["items"]}
    assert by_id[video_entry.pk] == detail["meta"]["iiif_manifest"]
    client.force_login(django_user_model.objects.get(username="researcher"))
    hidden = entry_with("audio", level=AccessLevel.RESEARCHERS)
    detail = client.get(f"/api/v2/pages/{hidden.pk}/").json()
    assert detail["meta"]["iiif_manifest"] is None  # the researcher sees the entry, with no manifest
