"""The oEmbed provider: which addresses it answers for, its parameters, its two formats
and the spec's status codes."""

import json
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from django.conf import settings
from django.utils import translation

from embeds.items import AUDIO_HEIGHT, CREDIT_HEIGHT
from tests.embeds.conftest import english_of

pytestmark = pytest.mark.django_db

BASE = settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def ask(client, url, **params):
    return client.get("/oembed/?" + urlencode({"url": url, **params}))


def answer(client, url, **params):
    response = ask(client, url, **params)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return json.loads(response.content)


def iframe(data):
    return BeautifulSoup(data["html"], "html.parser").iframe


def src_of(data):
    parts = urlsplit(iframe(data)["src"])
    return parts, {name: values[0] for name, values in parse_qs(parts.query).items()}


def test_a_video_entry_answers_as_video_with_a_responsive_iframe(client, video_entry):
    response = ask(client, video_entry.full_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(response.content)
    assert data["version"] == "1.0"
    assert data["type"] == "video"
    assert data["title"] == video_entry.title
    group = video_entry.ethnic_groups.first()
    assert group.name_vi in data["author_name"]
    assert data["author_url"].startswith(BASE) and data["author_url"].endswith(f"/{group.code}/")
    with translation.override("vi"):
        assert data["provider_name"] == str(settings.WAGTAIL_SITE_NAME)
    assert data["provider_url"] == f"{BASE}/vi/"
    # The demo video is 640×360; the credit line sits under it.
    assert (data["width"], data["height"]) == (640, 360 + CREDIT_HEIGHT)
    frame = iframe(data)
    assert (frame["width"], frame["height"]) == ("640", str(360 + CREDIT_HEIGHT))
    assert "width:100%" in frame["style"] and "aspect-ratio:640/400" in frame["style"]
    assert frame["title"] == video_entry.title
    assert "allowfullscreen" in frame.attrs
    parts, query = src_of(data)
    assert f"{parts.scheme}://{parts.netloc}" == BASE
    assert parts.path == f"/embed/{video_entry.translation_key}/"
    assert query == {"lang": "vi"}
    assert data["thumbnail_url"].startswith(f"{BASE}/files/")
    assert (data["thumbnail_width"], data["thumbnail_height"]) == (640, 360)


def test_the_english_address_answers_in_english_with_the_same_embed_address(client, video_entry):
    english = english_of(video_entry)
    data = answer(client, english.full_url)
    assert data["title"] == english.title != video_entry.title
    assert data["provider_url"] == f"{BASE}/en/"
    assert data["author_name"].endswith("community")
    parts, query = src_of(data)
    assert parts.path == f"/embed/{video_entry.translation_key}/"
    assert query == {"lang": "en"}


def test_the_permalink_answers_and_passes_the_start_time(client, video_entry):
    data = answer(client, video_entry.get_permalink() + "?t=42")
    assert data["title"] == video_entry.title
    parts, query = src_of(data)
    assert parts.path == f"/embed/{video_entry.translation_key}/"
    assert query == {"t": "42"}


def test_an_embed_address_answers_too(client, video_entry):
    data = answer(client, f"{BASE}/embed/{video_entry.translation_key}/?lang=en")
    assert data["title"] == english_of(video_entry).title


def test_audio_answers_as_rich_with_a_fixed_height_frame(client, audio_entry):
    data = answer(client, audio_entry.full_url)
    assert data["type"] == "rich"
    assert (data["width"], data["height"]) == (640, AUDIO_HEIGHT)
    assert f"height:{AUDIO_HEIGHT}px" in iframe(data)["style"]
    for field in ("title", "author_name", "author_url", "provider_name", "provider_url", "html"):
        assert data[field], field
    if "thumbnail_url" in data:
        assert data["thumbnail_width"] and data["thumbnail_height"]


def test_xml_carries_the_same_answer(client, video_entry):
    response = ask(client, video_entry.full_url, format="xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"')
    root = ElementTree.fromstring(response.content)
    assert root.tag == "oembed"
    fields = {child.tag: child.text for child in root}
    data = answer(client, video_entry.full_url)
    assert fields == {name: str(value) for name, value in data.items()}


@pytest.mark.parametrize(
    ("maxwidth", "maxheight", "size", "thumbnail"),
    [
        (320, None, (320, 200), (320, 180)),
        (None, 100, (160, 100), (160, 90)),
        (1000, 1000, (640, 400), (640, 360)),
        (100, None, (100, 62), None),
    ],
)
def test_maxwidth_and_maxheight_shrink_the_frame_keeping_its_shape(
    client, video_entry, maxwidth, maxheight, size, thumbnail
):
    limits = {name: value for name, value in (("maxwidth", maxwidth), ("maxheight", maxheight)) if value}
    data = answer(client, video_entry.full_url, **limits)
    assert (data["width"], data["height"]) == size
    assert (iframe(data)["width"], iframe(data)["height"]) == tuple(str(value) for value in size)
    if thumbnail is None:
        assert "thumbnail_url" not in data and "thumbnail_width" not in data
    else:
        assert (data["thumbnail_width"], data["thumbnail_height"]) == thumbnail


def test_an_audio_frame_honours_the_limits(client, audio_entry):
    data = answer(client, audio_entry.full_url, maxwidth=300, maxheight=150)
    assert (data["width"], data["height"]) == (300, 150)
    if "thumbnail_url" in data:
        assert data["thumbnail_width"] <= 300 and data["thumbnail_height"] <= 150


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1.5"])
@pytest.mark.parametrize("name", ["maxwidth", "maxheight"])
def test_unreadable_limits_are_a_bad_request(client, video_entry, name, value):
    response = ask(client, video_entry.full_url, **{name: value})
    assert response.status_code == 400
    assert name.encode() in response.content


def test_a_missing_url_is_a_bad_request(client):
    assert client.get("/oembed/").status_code == 400


@pytest.mark.parametrize("answer_format", ["yaml", "jsonp", "JSON"])
def test_an_unsupported_format_is_not_implemented(client, video_entry, answer_format):
    assert ask(client, video_entry.full_url, format=answer_format).status_code == 501


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/vi/le-hoi/long-tong-tay-tuyen-quang/",
        "http://127.0.0.1:9/vi/le-hoi/long-tong-tay-tuyen-quang/",
        "ftp://127.0.0.1:8000/vi/",
        "{base}/vi/",
        "{base}/vi/le-hoi/",
        "{base}/vi/khong-co-trang-nay/",
        "{base}/vi/search/?q=then",
        "{base}/e/00000000-0000-0000-0000-000000000000/",
        "{base}/embed/00000000-0000-0000-0000-000000000000/",
        "{base}/healthz",
        "not a url",
    ],
)
def test_unknown_and_foreign_addresses_are_not_found(client, url):
    response = ask(client, url.format(base=BASE))
    # Not redirected to a language prefix, as other 404s outside i18n_patterns are.
    assert response.status_code == 404
    assert response["Access-Control-Allow-Origin"] == "*"


def test_an_entry_with_nothing_to_play_is_not_found(client, entry_without_media):
    assert ask(client, entry_without_media.full_url).status_code == 404


def test_a_media_id_of_another_entry_is_not_found(client, video_entry, audio_entry):
    other = audio_entry.audio_video_blocks[0].value["media"].pk
    url = f"{BASE}/embed/{video_entry.translation_key}/{other}/"
    assert ask(client, url).status_code == 404


def test_entries_that_are_not_public_answer_exactly_as_unknown_ones(client, hidden_entry, video_entry):
    """The spec's 401 would tell that an entry exists; the answer is the unknown address's 404."""
    english = english_of(hidden_entry)
    unknown_page = hidden_entry.full_url.rstrip("/") + "-khong-co/"
    unknown_key = f"{BASE}/e/00000000-0000-0000-0000-000000000000/"
    for answer_format in ("json", "xml"):
        expected = ask(client, unknown_key, format=answer_format)
        assert expected.status_code == 404
        assert ask(client, unknown_page, format=answer_format).content == expected.content
        for url in (hidden_entry.full_url, english.full_url, hidden_entry.get_permalink()):
            response = ask(client, url, format=answer_format)
            assert response.status_code == 404, (url, answer_format)
            assert response.content == expected.content
            assert response["Content-Type"] == expected["Content-Type"]
    # Positive control: a public entry is answered.
    assert answer(client, video_entry.full_url)["title"] == video_entry.title


def test_signing_in_does_not_open_private_entries_to_embedding(client, officer, hidden_entry, video_entry):
    client.force_login(officer)
    assert ask(client, hidden_entry.full_url).status_code == 404
    assert answer(client, video_entry.full_url)["title"] == video_entry.title


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1/",
        "http://[::1]:99999/",
        "https://[fe80::1%eth0]/",
        "http://[zz]/",
        "http://testserver:abc/",
        "http://testserver:-1/",
        "http://\x00/",
        "//[::1/",
    ],
)
def test_malformed_addresses_are_not_found(client, url):
    response = ask(client, url)
    assert response.status_code == 404
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_reported_ipv6_address_is_not_found(client, video_entry):
    assert client.get("/oembed/?url=http://%5B::1/").status_code == 404
    assert answer(client, f"http://testserver{urlsplit(video_entry.full_url).path}")["title"] == video_entry.title


def test_the_site_host_and_the_requested_host_are_both_ours(client, video_entry):
    path = urlsplit(video_entry.full_url).path
    assert answer(client, f"http://testserver{path}")["title"] == video_entry.title


def test_the_answer_sets_no_cookies(client, video_entry):
    response = ask(client, video_entry.full_url)
    assert not response.cookies
    assert "Set-Cookie" not in response
