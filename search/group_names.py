"""Ethnic-group names in a query, read where they mean a group.

A group's names (Vietnamese, English, other and historical names) are read from the
ethnic-group table once per page-cache generation (page_cache/memo.py), which any
saved group replaces, so an edited name counts at once. A
name is recognised in a query

- typed with its tone marks, anywhere in the query ("cồng chiêng Ê Đê", "Thổ"), or
- typed without marks, when it is the whole query ("tho", "katu", "yao").

Without marks a name is an ordinary word too ("mong" is to wish, "de" is "để"), so it
is never expanded inside a longer query."""

import re
import unicodedata
from dataclasses import dataclass, field

from heritage.folding import fold
from page_cache.memo import per_generation_function

_WORD = re.compile(r"[\w']+")


@dataclass
class GroupName:
    """A span of the query that names one or more groups (the same name can belong to
    several: "Thổ" is a name of the Thổ, and an older one of the Tày and the Khmer)."""

    text: str
    codes: list[str]


@dataclass
class QueryReading:
    names: list[GroupName] = field(default_factory=list)
    # The query's other words, in order.
    rest: str = ""
    # True when the whole query is a group name: only that group's entries match.
    whole: bool = False


def words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


@per_generation_function
def group_names() -> dict[tuple[str, ...], list[str]]:
    """Every name of every group, as lowercase words → the codes of the groups it names."""
    from heritage.models import EthnicGroup

    names: dict[tuple[str, ...], list[str]] = {}
    for code, name_vi, name_en, other_names in EthnicGroup.objects.values_list(
        "code", "name_vi", "name_en", "other_names"
    ):
        for name in [name_vi, name_en, *other_names.splitlines()]:
            key = tuple(words(name))
            if key and code not in names.setdefault(key, []):
                names[key].append(code)
    return names


# Each name folded, filled as names are met: folding every name on every query cost more
# than the rest of reading it.
_FOLDED_NAMES: dict[tuple[str, ...], str] = {}


def _folded(key: tuple[str, ...]) -> str:
    if key not in _FOLDED_NAMES:
        _FOLDED_NAMES[key] = fold(" ".join(key))
    return _FOLDED_NAMES[key]


def read_query(query: str, names: dict[tuple[str, ...], list[str]]) -> QueryReading:
    typed = words(query)
    if not typed:
        return QueryReading(rest=query)
    whole = _whole_name(tuple(typed), names)
    if whole:
        return QueryReading([GroupName(" ".join(typed), whole)], whole=True)
    marked = {key: codes for key, codes in names.items() if _folded(key) != " ".join(key)}
    longest = max((len(key) for key in marked), default=0)
    found, rest, position = [], [], 0
    while position < len(typed):
        for length in range(min(longest, len(typed) - position), 0, -1):
            span = tuple(typed[position : position + length])
            if span in marked:
                found.append(GroupName(" ".join(span), marked[span]))
                position += length
                break
        else:
            rest.append(typed[position])
            position += 1
    if not found:
        return QueryReading(rest=query)
    return QueryReading(found, " ".join(rest))


def _whole_name(typed: tuple[str, ...], names: dict[tuple[str, ...], list[str]]) -> list[str]:
    """The groups the whole query names: with its marks as typed, or, typed without any,
    every group with a name that folds to it."""
    folded = fold(" ".join(typed))
    if folded != " ".join(typed):
        return names.get(typed, [])
    codes: list[str] = []
    for key, key_codes in names.items():
        if _folded(key) == folded:
            codes += [code for code in key_codes if code not in codes]
    return codes
