"""Any text in a search box is a query: the archive's syntax ("phrase", OR, -word) where it
is well formed, plain words otherwise. Stray quotes, lone operators, punctuation, NUL, emoji
and very long queries never give an error, on the search page, its CSV, autocomplete and
the API, and the words around them still find what they name."""

import csv
import io

import pytest

from django.test import Client

from modelsearch.backends import get_search_backend
from modelsearch.query import PlainText

from heritage.access import AccessLevel
from heritage.models import EntryPage
from search.backends import Elasticsearch8Backend, OpenSearch2Backend
from search.plain_text import MAX_QUERY_LENGTH, plain_words
from search.views import spreadsheet_safe
from tests.heritage.helpers import distinctive_word, page_text

pytestmark = pytest.mark.django_db

HOSTILE_QUERIES = [
    '"',
    '""',
    '"unterminated',
    "\x00",
    "a\x00b",
    "OR",
    "NOT",
    "-word",
    "a OR b -c",
    "NEAR(a b)",
    "col:value",
    "*",
    "^",
    "(",
    "')",
    "\\",
    "%",
    "🙂 lễ",
    "\t\r\n",
    "x" * 2100,
    "Lễ " * 800,
    '-"',
    '-""',
    '"a" OR',
    "OR -",
    "- OR -",
    '"🎉"',
    '-"🎉" lễ',
    '"lễ hội" OR "',
    '"a\'b%s" -"c*d^" OR "NEAR(e f)"',
    '"{col}: x" OR -y',
    "a OR OR b",
    '"' * 201,
    '"lễ ' * 300,
]


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


@pytest.fixture
def entry(db):
    return EntryPage.objects.live().filter(access_level=AccessLevel.PUBLIC, locale__language_code="vi").first()


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def api_titles(client, query: str) -> list[str]:
    response = client.get("/api/v2/pages/", {"search": query, "type": "heritage.EntryPage", "fields": "title"})
    assert response.status_code == 200, response.content[:300]
    return [item["title"] for item in response.json()["items"]]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_no_query_is_an_error_anywhere(anonymous, query):
    for language in ("vi", "en"):
        assert anonymous.get(f"/{language}/search/", {"q": query}).status_code == 200
        response = anonymous.get(f"/{language}/search/", {"q": query, "format": "csv"})
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
        assert anonymous.get(f"/{language}/search/autocomplete/", {"q": query}).status_code == 200
    assert anonymous.get("/api/v2/pages/", {"search": query}).status_code == 200


@pytest.mark.parametrize("around", ['"{}', '{}"', '"{}"', "{}\x00", "-{}", "{} -", "({})", "{} 🙂", "* {} ;"])
def test_stray_syntax_around_a_word_still_finds_its_entry(client, entry, around):
    word = distinctive_word(entry)
    query = around.format(word)
    assert entry.title in page_text(client.get("/vi/search/", {"q": query}))
    rows = csv_rows(client.get("/vi/search/", {"q": query, "format": "csv"}))
    assert entry.title in [row[0] for row in rows[1:]]
    assert entry.title in api_titles(client, query)


def test_autocomplete_with_a_stray_quote_still_suggests(client, entry):
    prefix = distinctive_word(entry)[:4]
    response = client.get("/vi/search/autocomplete/", {"q": f'"{prefix}'})
    assert response.status_code == 200
    assert entry.title in [item["title"] for item in response.json()["entries"]]


def test_the_database_index_itself_takes_any_text(entry):
    backend = get_search_backend()
    word = distinctive_word(entry)
    assert entry.pk in [page.pk for page in backend.search(f'"{word}\x00', EntryPage.objects.live())]
    assert list(backend.autocomplete('"\x00', EntryPage)) == []


@pytest.mark.parametrize("backend_class", [Elasticsearch8Backend, OpenSearch2Backend])
def test_the_search_node_receives_plain_words_too(backend_class):
    """Compiled without sending anything: the node's query holds the same plain words."""
    backend = backend_class({"URLS": ["http://127.0.0.1:9"], "INDEX_PREFIX": "unused_"})
    for results in (backend.search('"lễ\x00 hội', EntryPage), backend.autocomplete('"lễ\x00', EntryPage)):
        query = results.query_compiler.query
        assert isinstance(query, PlainText)
        assert query.query_string in ("lễ hội", "lễ")


def test_plain_words_keep_text_and_drop_only_what_breaks_an_index():
    assert plain_words("  Lễ hội  Lồng Tồng ") == "Lễ hội Lồng Tồng"
    assert plain_words("H'Mông -x OR (y) *z 🙂 - ;") == "H'Mông -x OR (y) *z"
    assert plain_words('"Then" \x00\t\r\nTày\x7f') == "Then Tày"
    assert len(plain_words("a" * 5000)) == MAX_QUERY_LENGTH
    assert plain_words('"\x00') == ""


# CSV formula injection ---------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_would_run_as_formulas_are_neutralised(client, officer_title_change, start):
    entry, word = officer_title_change(start + 'HYPERLINK("http://evil.example/","{}")')
    rows = csv_rows(client.get("/vi/search/", {"q": word, "format": "csv"}))
    titles = [row[0] for row in rows[1:]]
    assert "'" + entry.title in titles
    assert entry.title not in titles


def test_csv_keeps_ordinary_text_intact(client, entry):
    rows = csv_rows(client.get("/vi/search/", {"q": distinctive_word(entry), "format": "csv"}))
    assert rows[0][0] == "title"
    row = next(row for row in rows[1:] if row[0] == entry.title)
    assert row[5].startswith("http") and not row[5].startswith("'")


def test_spreadsheet_safe_prefixes_only_formula_starts():
    assert spreadsheet_safe("=1+2") == "'=1+2"
    assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_safe("Lễ hội = vui") == "Lễ hội = vui"
    assert spreadsheet_safe("") == ""


@pytest.fixture
def officer_title_change(entry):
    """Publish the public entry under a hostile title holding a word no other title has."""

    def change(template: str):
        word = "zqxformula"
        page = entry.specific
        page.title = template.format(word)
        page.save_revision().publish()
        return EntryPage.objects.get(pk=page.pk), word

    return change
