"""The archive's query syntax, the same wherever a query is typed: "phrase", OR, -word and
-"phrase"; anything else is plain text. Each behaviour has its positive control: the same
words without the syntax."""

import unicodedata

import pytest

from django.utils import timezone

from modelsearch.query import And, Not, Or, Phrase, PlainText

from heritage.access import READ_BY_EVERYONE, AccessLevel
from heritage.models import EntryPage
from search.plain_text import plain_query, query_text
from search.query_syntax import parse, wanted_words

pytestmark = pytest.mark.django_db

KATE = "Lễ hội Katê của người Chăm"
OK_OM_BOK = "Lễ hội Ok Om Bok của người Khmer"
CHOL = "Tết Chôl Chnăm Thmây của người Khmer"


def titles(client, query: str, language: str = "vi") -> list[str]:
    response = client.get(f"/{language}/search/", {"q": query})
    assert response.status_code == 200
    return [result.entry.title for result in response.context["results"]]


def api_titles(client, query: str) -> list[str]:
    response = client.get("/api/v2/pages/", {"search": query, "type": "heritage.EntryPage", "fields": "title"})
    assert response.status_code == 200
    return [item["title"] for item in response.json()["items"]]


# What the parser makes of text ------------------------------------------------------------


def test_plain_words_stay_a_string_so_backends_run_them_as_before():
    assert parse("lễ hội Katê") == "lễ hội Katê"
    assert parse("") == ""
    assert parse("🎉 ;") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Chôl Chnăm"', Phrase("Chôl Chnăm")),
        ("Katê OR Khmer", Or([PlainText("Katê"), PlainText("Khmer")])),
        ("Khmer -Chôl", And([PlainText("Khmer"), Not(PlainText("Chôl"))])),
        ('Khmer -"Chôl Chnăm"', And([PlainText("Khmer"), Not(Phrase("Chôl Chnăm"))])),
        (
            'lễ Katê OR "Ok Om" hội',
            And([PlainText("lễ hội"), Or([PlainText("Katê"), Phrase("Ok Om")])]),
        ),
        ("a OR b OR c", Or([PlainText("a"), PlainText("b"), PlainText("c")])),
    ],
)
def test_the_syntax_becomes_modelsearch_queries(text, expected):
    assert repr(parse(text)) == repr(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"unterminated', "unterminated"),
        ('Katê "Chăm', "Katê Chăm"),
        ('"Katê"', "Katê"),  # a phrase of one word is that word
        ('""', ""),
        ("OR", "OR"),  # a lone operator is a word
        ("Katê OR", "Katê OR"),
        ("OR Katê", "OR Katê"),
        ("-Chôl", "Chôl"),  # nothing else to find: the minus is only text
        ("Katê -", "Katê"),
        ("Katê 🎉", "Katê"),
        ("or", "or"),  # only OR in capitals joins
    ],
)
def test_anything_else_is_plain_text(text, expected):
    assert parse(text) == expected


def test_wanted_words_leave_out_exclusions_and_operators():
    assert wanted_words('"Chôl Chnăm" OR Katê -Khmer') == "Chôl Chnăm Katê"


def test_queries_are_composed_nfc_and_bounded():
    decomposed = unicodedata.normalize("NFD", "Katê Chăm")
    assert decomposed != "Katê Chăm"
    assert query_text(decomposed) == "Katê Chăm"
    assert len(query_text("x" * 2000)) == 200
    assert query_text('a\x00"b\tc"') == 'a "b c"'


def test_autocomplete_receives_plain_words():
    assert plain_query('"Katê -Chôl OR', syntax=False) == "Katê -Chôl OR"
    assert isinstance(plain_query("Katê -Chôl"), And)


# What a visitor gets --------------------------------------------------------------------


def test_or_finds_either_side(client):
    assert KATE in titles(client, "Katê")
    assert OK_OM_BOK not in titles(client, "Katê")
    assert titles(client, "Katê Khmer") == []  # control: without OR both are required
    found = titles(client, "Katê OR Khmer")
    assert {KATE, OK_OM_BOK, CHOL} <= set(found)
    assert set(found) == set(titles(client, "Katê")) | set(titles(client, "Khmer"))
    either = titles(client, 'Katê OR "Ok Om Bok"')
    assert {KATE, OK_OM_BOK} <= set(either) and CHOL not in either
    # OR joins only its neighbours: the other words are still required.
    assert titles(client, "Lễ hội Katê OR Khmer -Chăm") == [OK_OM_BOK]


def test_an_emoji_does_not_empty_the_results(client):
    assert KATE in titles(client, "Katê 🎉")


def test_minus_leaves_out_what_the_visitor_excluded(client):
    assert {OK_OM_BOK, CHOL} <= set(titles(client, "Khmer"))  # control
    found = titles(client, "Khmer -Chôl")
    assert OK_OM_BOK in found
    assert CHOL not in found
    # Without tone marks too: the folded search must not bring it back.
    assert CHOL not in titles(client, "Khmer -Chol")
    assert CHOL not in titles(client, 'Khmer -"Chôl Chnăm"')
    assert CHOL in titles(client, 'Khmer -"Chnăm Chôl"')  # a phrase excludes only itself


def test_quotes_find_the_words_together_in_order(client):
    assert CHOL in titles(client, "Chnăm Chôl")  # control: words in any order
    assert CHOL in titles(client, '"Chôl Chnăm"')
    assert CHOL not in titles(client, '"Chnăm Chôl"')
    assert CHOL in titles(client, '"chol chnam"')  # a phrase typed without marks


def test_the_api_reads_the_same_syntax(client):
    assert CHOL not in api_titles(client, "Khmer -Chôl")
    assert OK_OM_BOK in api_titles(client, "Khmer -Chôl")
    assert KATE in api_titles(client, "Katê OR Khmer")


def test_the_csv_reads_the_same_syntax(client):
    response = client.get("/vi/search/", {"q": "Khmer -Chôl", "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert OK_OM_BOK in text and CHOL not in text


def test_a_query_typed_with_combining_marks_finds_the_same(client):
    for query in ("Katê", "Lễ hội Katê", "Chôl Chnăm"):
        decomposed = unicodedata.normalize("NFD", query)
        assert decomposed != query
        assert titles(client, decomposed) == titles(client, query) != []


def test_hint_under_the_search_box_in_both_languages(client):
    assert "Katê OR Khmer để tìm một trong hai" in client.get("/vi/search/").content.decode()
    assert "Katê OR Khmer for either" in client.get("/en/search/").content.decode()


# An empty query browses ------------------------------------------------------------------


def test_an_empty_search_lists_every_visible_entry_newest_first_with_facets(client):
    response = client.get("/vi/search/")
    assert response.status_code == 200
    public = EntryPage.objects.live().filter(locale__language_code="vi", access_level__in=READ_BY_EVERYONE)
    # The demo's embargoed entry stays out until its date.
    public = public.exclude(embargo_until__gt=timezone.localdate())
    assert response.context["results"].paginator.count == public.count() > 0
    shown = [result.entry for result in response.context["results"]]
    # Newest recordings first (the "date recorded" sort), undated entries last.
    assert response.context["sort"] == "date"
    dated = [entry.documented_on for entry in shown if entry.documented_on]
    assert len(dated) > 1 and dated == sorted(dated, reverse=True)
    assert [entry.documented_on for entry in shown][: len(dated)] == dated
    assert response.context["facets"]
    group_counts = next(item for item in response.context["facets"] if item.name == "group")
    assert sum(value.count for value in group_counts.values) >= public.count()
    hidden = EntryPage.objects.live().filter(locale__language_code="vi").exclude(access_level__in=READ_BY_EVERYONE)
    assert hidden.exists()
    assert not {entry.pk for entry in shown} & set(hidden.values_list("pk", flat=True))


# On a search node ------------------------------------------------------------------------


def test_the_node_query_combines_whole_entries_not_single_fields(db):
    """Compiled without sending anything. The node's leaf queries match across every field;
    an exclusion is a must_not over all of them, so a field holding "weaving" alone cannot
    bring back the entry that also says "hemp"."""
    from search.backends import OpenSearch2Backend

    backend = OpenSearch2Backend({"URLS": ["http://127.0.0.1:9"], "INDEX_PREFIX": "unused_"})
    compiler = backend.search("weaving -hemp", EntryPage).query_compiler
    fields = compiler.remapped_fields
    must = compiler.get_inner_query()["bool"]["must"]
    assert must[0]["multi_match"]["query"] == "weaving"
    excluded = must[1]["bool"]["must_not"][0]["multi_match"]
    assert excluded["query"] == "hemp"
    assert len(excluded["fields"]) == len(fields) > 1
    either = backend.search('festival OR "Ok Om"', EntryPage).query_compiler.get_inner_query()["bool"]
    assert either["minimum_should_match"] == 1
    assert either["should"][1]["multi_match"]["type"] == "phrase"


def test_text_saved_with_combining_marks_is_found_by_a_composed_query(client):
    """An officer may paste decomposed text; its folded copy is the same as the composed one."""
    page = EntryPage.objects.live().filter(access_level=AccessLevel.PUBLIC, locale__language_code="vi").first()
    page = page.specific
    page.title = unicodedata.normalize("NFD", "Lễ hội Xuống đồng Quỳnh Nhai")
    page.save_revision().publish()
    page.refresh_from_db()
    assert "xuong dong quynh nhai" in page.folded_text()
    for query in ("Xuống đồng Quỳnh Nhai", "xuong dong quynh nhai", unicodedata.normalize("NFD", "Quỳnh Nhai")):
        assert page.title in titles(client, query)
