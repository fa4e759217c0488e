"""What an entry page offers for embedding and sharing: oEmbed discovery, schema.org data
and the Embed dialog, only on entries every visitor may see."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.embeds.conftest import english_of

pytestmark = pytest.mark.django_db


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def structured_data(html):
    scripts = html.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_entry_pages_link_to_their_oembed_answers(client, video_entry, language):
    entry = video_entry if language == "vi" else english_of(video_entry)
    html = page(client.get(entry.url))
    links = {link["type"]: link for link in html.find_all("link", rel="alternate", type=True)}
    for link_type, answer_format in (("application/json+oembed", "json"), ("text/xml+oembed", "xml")):
        href = urlsplit(links[link_type]["href"])
        assert href.path == "/oembed/"
        assert parse_qs(href.query) == {"url": [entry.full_url], "format": [answer_format]}
        assert links[link_type]["title"] == entry.title
        response = client.get(f"{href.path}?{href.query}")
        assert response.status_code == 200


def test_entry_pages_describe_their_video_for_search_engines(client, video_entry):
    data = structured_data(page(client.get(video_entry.url)))
    media = video_entry.audio_video_blocks[0].value["media"]
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "VideoObject"
    assert data["name"] == video_entry.title
    assert data["description"] == video_entry.summary
    assert data["thumbnailUrl"][0].startswith("http") and data["thumbnailUrl"][0].endswith(".jpg")
    assert data["duration"].startswith("PT") and data["duration"].endswith("S")
    assert data["uploadDate"][:4].isdigit()
    assert urlsplit(data["embedUrl"]).path == f"/embed/{video_entry.translation_key}/"
    assert data["license"] == video_entry.licence_url
    assert data["contentUrl"].endswith(".mp4")
    assert data["url"] == video_entry.full_url
    assert round(media.duration) >= 1


def test_entry_pages_describe_their_audio_for_search_engines(client, audio_entry):
    data = structured_data(page(client.get(audio_entry.url)))
    assert data["@type"] == "AudioObject"
    assert data["name"] == audio_entry.title
    assert data["contentUrl"].endswith(".m4a")


def test_the_embed_dialog_offers_code_start_time_and_captions(client, video_entry):
    html = page(client.get(video_entry.url))
    button = html.find("button", attrs={"data-embed-dialog": True})
    assert button is not None and button.has_attr("hidden")  # shown by the script
    dialog = html.find("dialog", id=button["data-embed-dialog"])
    code = BeautifulSoup(dialog.find("textarea").get_text(), "html.parser").iframe
    assert urlsplit(code["src"]).path == f"/embed/{video_entry.translation_key}/"
    assert parse_qs(urlsplit(code["src"]).query) == {"lang": ["vi"]}
    assert dialog.find("input", attrs={"name": "t"})
    captions = [option["value"] for option in dialog.find("select", attrs={"name": "captions"}).find_all("option")]
    assert sorted(captions[:-1]) == ["en", "vi"] and captions[-1] == "off"
    selected = dialog.find("select", attrs={"name": "captions"}).find("option", selected=True)
    assert selected["value"] == "vi"
    item = dialog.find(attrs={"name": "recording"})
    assert BeautifulSoup(item["data-code-transcript"], "html.parser").iframe["src"].endswith("transcript=1&lang=vi")
    for label_for in ("embed-start", "embed-captions", "embed-code"):
        assert dialog.find("label", attrs={"for": label_for}), label_for


def test_entries_others_may_not_embed_offer_nothing(client, officer, hidden_entry, entry_without_media):
    client.force_login(officer)
    for entry in (hidden_entry, entry_without_media):
        response = client.get(entry.url)
        assert response.status_code == 200
        html = page(response)
        assert not html.find("link", type="application/json+oembed")
        assert not html.find("script", type="application/ld+json")
        assert not html.find("dialog")
