"""What a visitor types, made into the text and the query every search index receives.

Each search box (ours, autocomplete, the API's `?search=`, the admin's) reaches the index
through the archive's backends (search/backends.py), which pass every query through
`plain_query`: the text is made safe (`query_text`), then read with the archive's small
syntax (search/query_syntax.py) for searches, or as plain words for autocomplete. Any
input is a query: nothing a visitor types is an error."""

import re
import unicodedata

from modelsearch.query import PlainText, SearchQuery

from search.query_syntax import parse

MAX_QUERY_LENGTH = 200
# NUL and other control characters end or break a query string in SQLite and PostgreSQL.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_WORD_CHARACTER = re.compile(r"\w")


def query_text(query: str) -> str:
    """The query as the visitor meant it: composed (NFC, as phones may send letters and
    tone marks apart), at most MAX_QUERY_LENGTH characters, without control characters,
    single-spaced. Quotes and operators are kept for `parse`."""
    text = unicodedata.normalize("NFC", query[: MAX_QUERY_LENGTH * 2])[:MAX_QUERY_LENGTH]
    return " ".join(_CONTROL.sub(" ", text).split())


def plain_words(query: str) -> str:
    """The query's words with nothing an index could read as syntax (for autocomplete);
    empty when nothing searchable is left. A term with no letter or digit (a lone `-`, an
    emoji) is left out: no index holds it, and the database index would then find nothing."""
    terms = query_text(query).replace('"', " ").split()
    return " ".join(term for term in terms if _WORD_CHARACTER.search(term))


def plain_query(query: str | SearchQuery, syntax: bool = True) -> str | SearchQuery:
    """A query as the backends receive it: text is read with the query syntax (or, for
    autocomplete, as plain words); a modelsearch query keeps its shape, its plain text made
    plain."""
    if isinstance(query, str):
        return parse(query_text(query)) if syntax else plain_words(query)
    if isinstance(query, PlainText):
        return PlainText(plain_words(query.query_string), operator=query.operator, boost=query.boost)
    return query
