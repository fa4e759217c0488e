"""Results show why they matched: the query's words marked (found with or without tone
marks), and caption lines that link to the player at their moment."""

from io import StringIO

import pytest

from django.core.management import call_command

from heritage.access import AccessLevel
from heritage.folding import fold
from heritage.models import EntryPage
from search.snippets import highlight, snippet


def test_words_are_marked_with_or_without_tone_marks_and_text_is_escaped():
    text = "Lễ hội <Lồng tồng> của người Tày, mừng mùa xuân."
    assert (
        str(highlight(text, "long tong"))
        == "Lễ hội &lt;<mark>Lồng</mark> <mark>tồng</mark>&gt; của người Tày, mừng mùa xuân."
    )
    assert (
        str(highlight(text, "Đ"))
        == str(highlight(text, ""))
        == "Lễ hội &lt;Lồng tồng&gt; của người Tày, mừng mùa xuân."
    )


def test_a_snippet_is_the_passage_around_the_first_match():
    text = " ".join(["mở đầu"] * 100) + " đây là đoạn có từ Khâu Vai ở giữa " + " ".join(["kết thúc"] * 100)
    found = str(snippet(text, "khau vai", length=80))
    assert found.startswith("… ") and found.endswith(" …")
    assert "<mark>Khâu</mark> <mark>Vai</mark>" in found
    assert len(found) < 80 + 60
    assert snippet(text, "sấm sét") is None


def _public_captioned_entry():
    for entry in (
        EntryPage.objects.live().filter(locale__language_code="vi", access_level=AccessLevel.PUBLIC).specific()
    ):
        for block in entry.audio_video_blocks:
            media = block.value["media"]
            tracks = list(media.captions.filter(language="vi")) if media else []
            if tracks and len(tracks[0].cues) > 1:
                return entry, tracks[0].cues[1]
    raise AssertionError("the demo has a public recording with Vietnamese captions")


@pytest.mark.django_db
def test_a_caption_line_links_to_its_moment_in_the_player(client):
    entry, cue = _public_captioned_entry()
    words = sorted(cue["text"].split(), key=len, reverse=True)[:2]
    query = fold(" ".join(words))
    response = client.get("/vi/search/", {"q": query})
    result = next(result for result in response.context["results"] if result.entry.pk == entry.pk)
    seconds = int(cue["start"])
    assert seconds > 0
    hit = next(hit for hit in result.cue_hits if hit.seconds == seconds)
    assert "<mark>" in str(hit.text) and hit.language == "vi"
    # The link names the recording the line belongs to, whose player carries that id.
    assert hit.media in {block.value["media"].pk for block in entry.audio_video_blocks}
    assert f'href="{entry.url}?t={seconds}&amp;media={hit.media}"' in response.content.decode()
    assert f'data-media="{hit.media}"' in client.get(entry.url).content.decode()
    assert all(result.entry.access_level == AccessLevel.PUBLIC for result in response.context["results"])


@pytest.mark.django_db
def test_decades_are_named_in_the_visitors_language(client):
    labels = {}
    for language in ("vi", "en"):
        response = client.get(f"/{language}/search/", {"type": ["festival", "custom", "recording"]})
        decades = next(facet for facet in response.context["facets"] if facet.name == "decade")
        labels[language] = decades.values[0].label
    assert labels["en"].endswith("s") and labels["en"][:4].isdigit()
    assert labels["vi"] == f"Thập niên {labels['en'][:4]}"


@pytest.mark.django_db
def test_catch_up_says_there_is_nothing_to_do_without_a_search_node():
    output = StringIO()
    call_command("catch_up_search_index", stdout=output)
    assert "No search node" in output.getvalue()
