"""What a visitor types, made into the plain words every search index receives.

Each search box (ours, autocomplete, the API's `?search=`, the admin's) reaches the index
through the archive's backends (search/backends.py), which pass every query through
`plain_words`. Until queries get a syntax, any input is plain text: quotes, operators and
punctuation are just characters, never an error."""

import re

from modelsearch.query import PlainText

MAX_QUERY_LENGTH = 200
# The database index (SQLite FTS5) reads `"` as the end of a quoted term; NUL and other
# control characters end or break a query string in SQLite and PostgreSQL.
_NOT_TEXT = re.compile(r'["\x00-\x1f\x7f-\x9f]')
_WORD_CHARACTER = re.compile(r"\w")


def plain_words(query: str) -> str:
    """The query's words, at most MAX_QUERY_LENGTH characters, with nothing an index could
    read as syntax; empty when nothing searchable is left. A term with no letter or digit
    (a lone `-`, an emoji) is left out: no index holds it, and the database index would
    then find nothing at all."""
    terms = _NOT_TEXT.sub(" ", query[:MAX_QUERY_LENGTH]).split()
    return " ".join(term for term in terms if _WORD_CHARACTER.search(term))


def plain_query(query):
    """A query as the backends receive it (a string or a modelsearch query), made plain."""
    if isinstance(query, str):
        return plain_words(query)
    if isinstance(query, PlainText):
        return PlainText(plain_words(query.query_string), operator=query.operator, boost=query.boost)
    return query
