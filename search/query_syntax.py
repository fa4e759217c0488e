"""The archive's query syntax: what a visitor types, read as the query every index runs.

- `"hát then"`: the words together, in this order (a phrase);
- `Katê OR Khmer`: either side (a word or a phrase) is enough; `OR` binds the two things
  beside it, and everything else is still required;
- `-Chôl`, `-"Chôl Chnăm"`: entries holding that word or phrase are left out;
- any other word is required.

Everything else is plain text and never an error: an unpaired `"` is left out, a lone `OR`
or `-` is a word or nothing, a query of exclusions only searches for those words, and a
term with no letter or digit (an emoji, punctuation) is left out, as no index holds it.

Only a query that uses the syntax becomes a query object (`PlainText`, `Phrase`, `Or`,
`And`, `Not` of modelsearch); one of plain words stays a string, so each backend runs it
exactly as before."""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from modelsearch.query import And, Not, Or, Phrase, PlainText, SearchQuery

OR = "OR"
_TERM = re.compile(r'(-?)"([^"]*)"|[^\s"]+')
_WORD_CHARACTER = re.compile(r"\w")


@dataclass(frozen=True)
class Term:
    """One word, or the words of a phrase, as typed."""

    text: str
    phrase: bool = False
    excluded: bool = False


def terms(text: str) -> list[Term | str]:
    """The query's terms in order, with `OR` kept as the string OR where it could join two."""
    if text.count('"') % 2:
        # An unpaired quote is the last one: everything before it pairs up.
        cut = text.rindex('"')
        text = text[:cut] + " " + text[cut + 1 :]
    found: list[Term | str] = []
    for match in _TERM.finditer(text):
        minus, quoted = match.group(1), match.group(2)
        if quoted is not None:
            words = [word for word in quoted.split() if _WORD_CHARACTER.search(word)]
            if words:
                found.append(Term(" ".join(words), phrase=len(words) > 1, excluded=bool(minus)))
            continue
        word = match.group(0)
        if word == OR:
            found.append(OR)
        elif word.startswith("-") and _WORD_CHARACTER.search(word[1:]):
            found.append(Term(word[1:], excluded=True))
        elif _WORD_CHARACTER.search(word):
            found.append(Term(word))
    return found


def groups(text: str) -> tuple[list[list[Term]], list[Term]]:
    """The required groups (each needs one of its terms: more than one where joined by OR)
    and the excluded terms."""
    found = terms(text)
    required: list[list[Term]] = []
    excluded: list[Term] = []
    joining = False
    for index, term in enumerate(found):
        if term == OR:
            before_is_term = bool(required) and index > 0 and isinstance(found[index - 1], Term)
            after = found[index + 1] if index + 1 < len(found) else None
            if before_is_term and isinstance(after, Term) and not after.excluded and not found[index - 1].excluded:
                joining = True
            else:
                required.append([Term(OR)])
            continue
        if term.excluded:
            excluded.append(term)
        elif joining:
            required[-1].append(term)
        else:
            required.append([term])
        joining = False
    if not required:
        # Nothing to find: the minus signs were only text.
        return [[replace(term, excluded=False)] for term in excluded], []
    return required, excluded


def parse(text: str) -> SearchQuery | str:
    """The query the backends run: a string of words when no syntax is used (empty when
    nothing searchable is left), else a modelsearch query."""
    required, excluded = groups(text)
    if not excluded and all(len(group) == 1 and not group[0].phrase for group in required):
        return " ".join(group[0].text for group in required)
    clauses: list[SearchQuery] = []
    words: list[str] = []
    for group in required:
        if len(group) == 1 and not group[0].phrase:
            words.append(group[0].text)
        elif len(group) == 1:
            clauses.append(_leaf(group[0]))
        else:
            clauses.append(Or([_leaf(term) for term in group]))
    if words:
        clauses.insert(0, PlainText(" ".join(words), operator="and"))
    clauses += [Not(_leaf(term)) for term in excluded]
    return clauses[0] if len(clauses) == 1 else And(clauses)


def wanted_words(text: str) -> str:
    """The words the visitor looks for (not those excluded), for marking them in results."""
    required, _ = groups(text)
    return " ".join(term.text for group in required for term in group)


def map_text(query: SearchQuery | str, change: Callable[[str], str]) -> SearchQuery | str:
    """The same query with `change` applied to every text in it (to fold or stem it)."""
    if isinstance(query, str):
        return change(query)
    if isinstance(query, PlainText):
        return PlainText(change(query.query_string), operator=query.operator, boost=query.boost)
    if isinstance(query, Phrase):
        return Phrase(change(query.query_string))
    if isinstance(query, Not):
        return Not(map_text(query.subquery, change))
    if isinstance(query, (And, Or)):
        return type(query)([map_text(subquery, change) for subquery in query.subqueries])
    return query


def whole_entry_query(query: SearchQuery, leaf: Callable[[PlainText | Phrase], dict]) -> dict:
    """A search node's query for the syntax, combined over whole entries: each word or
    phrase is matched by `leaf` across all fields, then And, Or and Not combine those.
    (modelsearch combines per field, so `Khmer -Chôl` would still return the Chôl entry
    through a field holding "Khmer" but not "Chôl".)"""
    if isinstance(query, And):
        return {"bool": {"must": [whole_entry_query(subquery, leaf) for subquery in query.subqueries]}}
    if isinstance(query, Or):
        return {
            "bool": {
                "should": [whole_entry_query(subquery, leaf) for subquery in query.subqueries],
                "minimum_should_match": 1,
            }
        }
    if isinstance(query, Not):
        return {"bool": {"must_not": [whole_entry_query(query.subquery, leaf)]}}
    return leaf(query)


def _leaf(term: Term) -> SearchQuery:
    return Phrase(term.text) if term.phrase else PlainText(term.text, operator="and")
