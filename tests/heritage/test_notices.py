"""Sensitivity notices: kept as data in both languages, shown on the entry and before a
recording plays (on the entry page and in the embed), with nothing of the player in the
page a browser loads until the visitor continues; offered as a search facet."""

import re

import pytest

from django.contrib.auth.models import AnonymousUser

from wagtail.models import Locale

from heritage.access import AccessLevel
from heritage.models import EntryPage, SensitivityNotice
from search.query import result_page
from tests.heritage.helpers import page_text

pytestmark = pytest.mark.django_db

# What a browser would fetch for a player: sources, captions, poster, waveform peaks.
PLAYER_FETCHES = re.compile(r"<source\b|<track\b|\sposter=|data-peaks-url=|<video\b|<audio\b")
POSTER = re.compile(r"\sposter=")
HELD = re.compile(r'<noscript class="notice-held">(.*?)</noscript>', re.DOTALL)


@pytest.fixture
def sacred_entry():
    """The demo's public entry with a recording and the sacred notice."""
    return EntryPage.objects.get(notices__code="sacred", locale__language_code="vi").specific


@pytest.fixture
def plain_entry():
    """A public entry with a recording and no notice."""
    entries = EntryPage.objects.filter(access_level=AccessLevel.PUBLIC, locale__language_code="vi", notices=None)
    return next(entry for entry in entries.specific().order_by("pk") if entry.audio_video_blocks)


def english(entry):
    return entry.get_translation(Locale.objects.get(language_code="en")).specific


def outside_gate(html: str) -> str:
    """The page as a browser with JavaScript builds it: a <noscript> is text there."""
    return HELD.sub("", html)


def test_the_standard_notices_are_seeded_in_both_languages():
    notices = {notice.code: notice for notice in SensitivityNotice.objects.all()}
    assert {"sacred", "deceased", "seasonal"} <= set(notices)
    assert notices["sacred"].label_vi.startswith("Thiêng") and "cho phép của cộng đồng" in notices["sacred"].label_vi
    assert notices["deceased"].label_en == "Contains images or voices of people who have died"
    assert "lễ hội" in notices["seasonal"].label_vi


@pytest.mark.parametrize(
    ("language", "label", "text"),
    [
        ("vi", "Thiêng: được chia sẻ với sự cho phép của cộng đồng", "xin xem và nghe với lòng tôn trọng"),
        ("en", "Sacred: shown with the community's permission", "please watch and listen with respect"),
    ],
)
def test_the_entry_page_shows_the_notice_before_playback(client, sacred_entry, language, label, text):
    entry = sacred_entry if language == "vi" else english(sacred_entry)
    response = client.get(entry.url)
    html = page_text(response)
    assert html.count(label) >= 2  # under the title, and before the player
    assert text in html
    assert ("Tiếp tục nghe, xem" if language == "vi" else "Continue to the recording") in html
    # Nothing of the player is in the page a browser with JavaScript loads: it waits as
    # text in a <noscript>, without its poster (shown without JavaScript, loading nothing).
    raw = response.content.decode()
    assert not PLAYER_FETCHES.search(outside_gate(raw))
    held = HELD.findall(raw)
    assert held and all("<source" in part and not POSTER.search(part) and 'preload="none"' in part for part in held)
    # ...and the notice comes first: its text precedes the player's markup.
    assert html.index(text) < html.index("<source")
    # The continue step is remembered per entry and notice.
    assert f'data-notice-entry="{entry.translation_key}"' in html and 'data-notice-codes="sacred"' in html


def test_an_entry_without_notices_plays_at_once(client, plain_entry):
    html = client.get(plain_entry.url).content.decode()
    assert "notice-gate" not in html and not HELD.search(html)
    assert PLAYER_FETCHES.search(html)


@pytest.mark.parametrize(("language", "text"), [("vi", "lòng tôn trọng"), ("en", "with respect")])
def test_the_embed_shows_the_notice_and_loads_nothing_before_continue(client, sacred_entry, language, text):
    response = client.get(f"/embed/{sacred_entry.translation_key}/", {"lang": language})
    assert response.status_code == 200
    html = page_text(response)
    assert text in html
    raw = response.content.decode()
    assert not PLAYER_FETCHES.search(outside_gate(raw)), "the player is outside the gate"
    (held,) = HELD.findall(raw)
    assert "<source" in held and 'preload="none"' in held and not POSTER.search(held)
    assert "notices.js" in html and "Set-Cookie" not in str(response.headers)


def test_the_embed_of_an_entry_without_notices_plays_at_once(client, plain_entry):
    html = page_text(client.get(f"/embed/{plain_entry.translation_key}/"))
    assert "notice-gate" not in html and PLAYER_FETCHES.search(html)


def test_a_notice_on_one_recording_gates_that_recording(client, plain_entry):
    assert "notice-gate" not in page_text(client.get(plain_entry.url))
    media = list(plain_entry.media.raw_data)
    first = next(block for block in media if block["type"] == "audio_video")
    first["value"]["notices"] = ["deceased"]
    plain_entry.media = media
    plain_entry.save_revision().publish()
    html = page_text(client.get(plain_entry.url))
    assert "Có hình ảnh hoặc giọng nói của người đã khuất" in html
    assert 'data-notice-codes="deceased"' in html
    embed = page_text(client.get(f"/embed/{plain_entry.translation_key}/", {"lang": "en"}))
    assert "people who have died" in embed and HELD.search(embed)


def _facet(response) -> dict[str, int]:
    for facet in response.context["facets"]:
        if facet.name == "notice":
            return {value.key: value.count for value in facet.values}
    return {}


def test_notices_are_a_search_facet_counted_and_filtered_in_sql(client, sacred_entry, officer):
    everything = client.get("/vi/search/")
    assert _facet(everything) == {"sacred": 1}
    assert "Thiêng: được chia sẻ với sự cho phép của cộng đồng" in page_text(everything)
    filtered = client.get("/vi/search/", {"notice": "sacred"})
    assert [result.entry.pk for result in filtered.context["results"]] == [sacred_entry.pk]
    assert "Sacred: shown with the community" in page_text(client.get("/en/search/"))
    # A hidden entry with the notice reaches no count; staff, who may see it, count it.
    restricted = EntryPage.objects.get(access_level=AccessLevel.RESTRICTED, locale__language_code="vi").specific
    restricted.notices.add(SensitivityNotice.objects.get(code="sacred"))
    restricted.save_revision().publish()
    vi = Locale.objects.get(language_code="vi")
    for user, expected in ((AnonymousUser(), 1), (officer, 2)):
        entries = EntryPage.objects.visible_to(user).filter(locale=vi)
        found = result_page(entries, "", {"notice": ["sacred"]}, False, 0, 20)
        assert (found.total, found.counts["notice"]["sacred"]) == (expected, expected)
    assert _facet(client.get("/vi/search/", {"notice": "sacred"})) == {"sacred": 1}
