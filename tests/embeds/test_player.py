"""The embed player: what it plays and credits, its language, its options, the pages it
refuses, its headers (framing allowed for it alone, no cookies) and its weight."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from django.conf import settings
from django.contrib.staticfiles import finders

from tests.embeds.conftest import english_of

pytestmark = pytest.mark.django_db

CODE_BUDGET_BYTES = 60 * 1024


def embed_path(entry, media_id=None):
    return f"/embed/{entry.translation_key}/" + (f"{media_id}/" if media_id else "")


def policy(response):
    return {
        part.split()[0]: part.split()[1:] for part in response["Content-Security-Policy"].split(";") if part.strip()
    }


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def test_the_video_embed_plays_stream_then_mp4_with_poster_and_every_caption_track(client, video_entry):
    response = client.get(embed_path(video_entry))
    assert response.status_code == 200
    html = page(response)
    assert html.html["lang"] == "vi"
    video = html.find("video")
    assert video.has_attr("controls") and video.has_attr("playsinline")
    assert video["poster"].startswith("/files/")
    assert [source["type"] for source in video.find_all("source")] == ["application/vnd.apple.mpegurl", "video/mp4"]
    assert video.source["src"].endswith(".m3u8")
    tracks = {track["srclang"]: track for track in video.find_all("track")}
    assert set(tracks) == {"vi", "en"}
    assert tracks["vi"].has_attr("default") and not tracks["en"].has_attr("default")
    assert all(track["src"].endswith(".vtt") for track in tracks.values())
    for track in tracks.values():
        assert client.get(track["src"]).status_code == 200


def test_the_credit_line_names_the_community_and_licence_and_links_to_the_permalink(client, video_entry):
    credit = page(client.get(embed_path(video_entry))).find("footer", class_="credit")
    text = " ".join(credit.get_text(" ").split())
    for group in video_entry.ethnic_groups.all():
        assert group.name_vi in text
    assert video_entry.get_licence_display() in text
    assert video_entry.attribution in text
    links = {link["href"]: link for link in credit.find_all("a")}
    permalink = links[video_entry.get_permalink()]
    assert permalink["target"] == "_blank" and "noopener" in permalink["rel"]
    assert video_entry.title in permalink.get_text()
    assert video_entry.licence_url in links


def test_the_player_language_comes_from_lang_or_the_entry(client, video_entry):
    english = english_of(video_entry)
    html = page(client.get(embed_path(video_entry) + "?lang=en"))
    assert html.html["lang"] == "en"
    assert english.title in html.title.get_text()
    assert "community" in html.find("footer").get_text()
    assert html.find("track", srclang="en").has_attr("default")
    # An unknown language falls back to the entry's own.
    assert page(client.get(embed_path(video_entry) + "?lang=fr")).html["lang"] == "vi"


def test_the_embed_address_is_the_same_whatever_the_interface_language(client, video_entry):
    english = client.get(embed_path(video_entry), HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
    assert page(english).html["lang"] == "vi"


@pytest.mark.parametrize(
    ("query", "default_track"), [("", "vi"), ("?captions=en", "en"), ("?captions=off", None), ("?captions=xx", "vi")]
)
def test_the_captions_shown_at_first_can_be_chosen(client, video_entry, query, default_track):
    html = page(client.get(embed_path(video_entry) + query))
    shown = [track["srclang"] for track in html.find_all("track") if track.has_attr("default")]
    assert shown == ([default_track] if default_track else [])
    assert len(html.find_all("track")) == 2


@pytest.mark.parametrize(("value", "start"), [("42", "42"), ("12.5", "12.5"), ("-3", None), ("abc", None)])
def test_the_start_time_is_handed_to_the_player(client, video_entry, value, start):
    video = page(client.get(embed_path(video_entry) + f"?t={value}")).find("video")
    assert video.get("data-start") == start


def test_the_synced_transcript_is_offered_on_request(client, video_entry):
    assert not page(client.get(embed_path(video_entry))).find(class_="embed-transcript")
    media = video_entry.audio_video_blocks[0].value["media"]
    cues = media.captions.get(language="en").cues
    panel = page(client.get(embed_path(video_entry) + "?transcript=1&captions=en")).find(class_="embed-transcript")
    assert panel["lang"] == "en"
    lines = panel.find_all("button")
    assert [float(line["data-start"]) for line in lines] == [cue["start"] for cue in cues]
    assert cues[0]["text"] in lines[0].get_text()


def test_the_audio_embed_has_its_title_player_tracks_and_caption_line(client, audio_entry):
    response = client.get(embed_path(audio_entry))
    assert response.status_code == 200
    html = page(response)
    assert audio_entry.title in html.find(class_="embed-title").get_text()
    audio = html.find("audio")
    assert [source["type"] for source in audio.find_all("source")] == ["application/vnd.apple.mpegurl", "audio/mp4"]
    assert {track["srclang"] for track in audio.find_all("track")} == {"vi", "en"}
    assert html.find(class_="caption-line")


def test_a_recording_can_be_embedded_by_its_media_id(client, video_entry):
    media = video_entry.audio_video_blocks[0].value["media"]
    response = client.get(embed_path(video_entry, media.pk))
    assert response.status_code == 200
    assert page(response).find("video")


def test_entries_that_are_not_public_are_not_available(client, officer, hidden_entry):
    media = hidden_entry.audio_video_blocks[0].value["media"]
    client.force_login(officer)  # even staff get the public answer
    for path in (embed_path(hidden_entry), embed_path(hidden_entry, media.pk), embed_path(hidden_entry) + "?lang=en"):
        response = client.get(path)
        assert response.status_code == 404, path
        html = page(response)
        assert not html.find(["audio", "video"])
        assert hidden_entry.title not in response.content.decode()
        assert english_of(hidden_entry).title not in response.content.decode()
        assert html.find(class_="embed-title")
        # Framable, so the other site shows the notice rather than a broken frame.
        assert policy(response)["frame-ancestors"] == ["*"]
        assert "X-Frame-Options" not in response


def test_unknown_entries_media_and_entries_without_media_are_not_available(client, video_entry, entry_without_media):
    other_media = 10**6
    for path in (
        "/embed/00000000-0000-0000-0000-000000000000/",
        embed_path(video_entry, other_media),
        embed_path(entry_without_media),
    ):
        response = client.get(path)
        # Not redirected to a language prefix, where Wagtail's 404 would refuse framing.
        assert response.status_code == 404, path
        assert page(response).find(class_="embed-title")


def test_a_hidden_entry_answers_exactly_as_an_unknown_one(client, hidden_entry, video_entry):
    unknown = "00000000-0000-0000-0000-000000000000"
    media = hidden_entry.audio_video_blocks[0].value["media"]
    for suffix in ("", f"{media.pk}/", "?lang=en"):
        hidden = client.get(embed_path(hidden_entry) + suffix)
        expected = client.get(f"/embed/{unknown}/" + suffix)
        assert hidden.status_code == expected.status_code == 404
        assert hidden.content == expected.content
    assert client.get(embed_path(video_entry)).status_code == 200


def test_only_embed_pages_may_be_framed_by_other_sites(client, video_entry):
    embed = client.get(embed_path(video_entry))
    assert policy(embed)["frame-ancestors"] == ["*"]
    assert "X-Frame-Options" not in embed
    # The rest of the strict policy still applies to the embed.
    assert policy(embed)["script-src"] == ["'self'"]
    assert policy(embed)["default-src"] == ["'self'"]
    for path in (video_entry.url, english_of(video_entry).url, "/vi/", "/vi/khong-co/", "/oembed/"):
        response = client.get(path)
        assert policy(response)["frame-ancestors"] == ["'none'"], path
        assert response["X-Frame-Options"] == "DENY", path


def test_the_embed_sets_no_cookies(client, video_entry):
    for path in (embed_path(video_entry), embed_path(video_entry) + "?lang=en&transcript=1", "/embed/0/"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert not response.cookies, path
        assert "Set-Cookie" not in response, path
    assert not client.cookies


def test_the_embed_sets_no_cookies_for_a_signed_in_visitor_either(client, officer, video_entry):
    client.force_login(officer)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.get(embed_path(video_entry) + "?transcript=1")
    assert response.status_code == 200
    assert not response.cookies
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == session


def test_the_embed_has_no_inline_code_and_loads_only_from_the_archive(client, video_entry):
    html = page(client.get(embed_path(video_entry) + "?transcript=1"))
    for script in html.find_all("script"):
        assert script["src"].startswith(settings.STATIC_URL)
    assert not html.find_all("style")
    for element in html.find_all(True):
        assert "style" not in element.attrs, element.name
        assert not [name for name in element.attrs if name.startswith("on")]
    for element in html.find_all(["link", "script", "img", "source", "track", "video"]):
        for attribute in ("href", "src", "poster"):
            value = element.get(attribute, "")
            if value and element.get("rel") != ["canonical"]:
                assert value.startswith("/"), f"{element.name} loads {value}"


def static_size(url: str) -> int:
    return Path(finders.find(url.removeprefix(settings.STATIC_URL))).stat().st_size


@pytest.mark.parametrize("kind", ["video", "audio"])
def test_the_embed_code_weighs_under_60_kb(client, video_entry, audio_entry, kind):
    entry = video_entry if kind == "video" else audio_entry
    response = client.get(embed_path(entry) + "?transcript=1")
    html = page(response)
    code = [element["href"] for element in html.find_all("link", rel="stylesheet")]
    code += [element["src"] for element in html.find_all("script")]
    # embed.js adds the video player's script; hls.js comes only on play, where needed.
    code += [element["data-player-script"] for element in html.find_all("video", attrs={"data-player-script": True})]
    total = len(response.content) + sum(static_size(url) for url in code)
    assert total < CODE_BUDGET_BYTES, f"{total} bytes"


@pytest.mark.parametrize("kind", ["video", "audio"])
def test_nothing_of_the_recording_is_fetched_before_play(client, video_entry, audio_entry, kind):
    entry = video_entry if kind == "video" else audio_entry
    for path in (embed_path(entry), entry.url):
        html = page(client.get(path))
        player = html.find("main").find(kind)
        assert player["preload"] == "none", path
        if kind == "video":  # behind a sensitivity notice the poster waits too (data-poster)
            assert (player.get("poster") or player.get("data-poster")).startswith("/files/")


@pytest.mark.parametrize("language, label", [("vi", "Chỉ nghe"), ("en", "Audio only")])
def test_video_players_offer_an_audio_only_switch(client, video_entry, language, label):
    english = english_of(video_entry)
    for path, entry in ((embed_path(video_entry) + f"?lang={language}", video_entry), (None, video_entry)):
        url = path or (english.url if language == "en" else entry.url)
        html = page(client.get(url))
        video = html.find("main").find("video")
        switch = video.parent.find("button", attrs={"data-audio-only": True})
        assert switch is not None, url
        assert switch["type"] == "button" and switch["aria-pressed"] == "false" and switch.get_text(strip=True) == label
        # Shown by player.js, which needs the master playlist and knows where hls.js is.
        assert switch.has_attr("hidden")
        assert video["data-stream"] == video.find("source")["src"] and video["data-stream"].endswith(".m3u8")
        assert finders.find(video["data-hls-library"].removeprefix(settings.STATIC_URL))
        assert finders.find(video["data-player-script"].removeprefix(settings.STATIC_URL))


def test_an_audio_player_has_no_audio_only_switch(client, audio_entry):
    html = page(client.get(embed_path(audio_entry)))
    assert html.find("audio") is not None and html.find("button", attrs={"data-audio-only": True}) is None
