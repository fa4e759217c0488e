"""English stemming on the database index: on the English site "festivals" finds
"festival", as the search node's English analyzer does."""

import pytest

from wagtail.models import Locale

from heritage.models import EntryPage
from heritage.stemming import added_stems, stem_words

pytestmark = pytest.mark.django_db

OK_OM_BOK_EN = "Ok Om Bok festival of the Khmer"


def titles(client, query: str, language: str) -> list[str]:
    response = client.get(f"/{language}/search/", {"q": query})
    assert response.status_code == 200
    return [result.entry.title for result in response.context["results"]]


def test_english_words_reduce_to_their_stems():
    assert stem_words("moon worship Festivals") == "moon worship festiv"
    assert stem_words("festival festive") == "festiv festiv"
    assert added_stems("festival of the moon weaving") == "festiv weav"


def test_moon_worship_festivals_finds_the_moon_worship_festival(client):
    assert OK_OM_BOK_EN in titles(client, "moon worship festival", "en")  # control: as written
    assert OK_OM_BOK_EN in titles(client, "moon worship festivals", "en")
    assert OK_OM_BOK_EN in titles(client, "worshipping the moon", "en")
    # Stems widen, they do not loosen: every word still has to match.
    assert OK_OM_BOK_EN not in titles(client, "moon worship weavings", "en")


def test_stems_respect_the_syntax(client):
    assert OK_OM_BOK_EN in titles(client, '"moon worship" festivals', "en")
    assert OK_OM_BOK_EN not in titles(client, "festivals -moon", "en")


def test_only_english_entries_index_english_stems():
    english = EntryPage.objects.live().filter(locale__language_code="en", title=OK_OM_BOK_EN).first().specific
    vietnamese = english.get_translation(Locale.objects.get(language_code="vi")).specific
    assert " festiv " in f" {english.folded_text()} "
    assert " festiv " not in f" {vietnamese.folded_text()} "
