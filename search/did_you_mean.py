"""A "did you mean": a spelling from the archive's own vocabulary for a query that finds
nothing ("Đam Sam" → "Đăm San", "hemp weavng" → "hemp weaving").

The vocabulary is the titles of public entries in the visitor's language and the names of
ethnic groups (with their other names), places and languages. Words are compared folded,
so a query typed without tone marks gets the marked spelling back. It is built once per
language and number of words, and rebuilt when an entry is published or unpublished."""

import re
from difflib import SequenceMatcher
from functools import lru_cache

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max

from heritage.folding import fold
from heritage.models import EntryPage, EthnicGroup, Language, Place
from search.query_syntax import wanted_words

# How alike (difflib's ratio) a spelling must be to be offered.
MIN_LIKENESS = 0.8
MAX_WORDS = 4
_WORD = re.compile(r"\w+(?:'\w+)*")


def did_you_mean(query: str, language: str) -> str | None:
    """A spelling of the query's words from the vocabulary, or None when there is none
    different from what was typed."""
    words = _WORD.findall(wanted_words(query))
    if not words or len(words) > MAX_WORDS:
        return None
    folded = " ".join(fold(word) for word in words)
    state = _entries_state(language)
    spelled = _closest(folded, _vocabulary(language, len(words), *state))
    if spelled is None:
        spelled = " ".join(_closest(fold(word), _vocabulary(language, 1, *state)) or word for word in words)
    if fold(spelled) == folded:
        return None
    return spelled.lower() if query == query.lower() else spelled


def _closest(folded: str, spellings: dict[int, dict[str, str]]) -> str | None:
    """The spelling whose folded form is most like `folded` (and alike enough); only
    spellings of about the same length can be."""
    exact = spellings.get(len(folded), {}).get(folded)
    if exact is not None:
        return exact
    best, best_likeness = None, MIN_LIKENESS
    matcher = SequenceMatcher(b=folded, autojunk=False)
    for length in range(len(folded) - 2, len(folded) + 3):
        for candidate, spelling in spellings.get(length, {}).items():
            matcher.set_seq1(candidate)
            if matcher.quick_ratio() >= best_likeness:
                likeness = matcher.ratio()
                if likeness > best_likeness or (likeness == best_likeness and best is None):
                    best, best_likeness = spelling, likeness
    return best


def _public_entries(language: str):
    return EntryPage.objects.visible_to(AnonymousUser()).filter(locale__language_code=language)


def _entries_state(language: str) -> tuple:
    """What the vocabulary depends on that changes often: the public entries."""
    state = _public_entries(language).aggregate(count=Count("pk"), latest=Max("last_published_at"))
    return state["count"], state["latest"]


@lru_cache(maxsize=8)
def _vocabulary(language: str, size: int, *state) -> dict[int, dict[str, str]]:
    """Runs of `size` consecutive words in every name and title of the vocabulary: length
    of the folded run → folded run → its spelling."""
    names = list(_public_entries(language).values_list("title", flat=True))
    for group in EthnicGroup.objects.all():
        names += [group.name_vi, group.name_en, *group.other_names.splitlines()]
    for model in (Place, Language):
        for name_vi, name_en in model.objects.values_list("name_vi", "name_en"):
            names += [name_vi, name_en]
    runs: dict[int, dict[str, str]] = {}
    for name in names:
        words = _WORD.findall(name)
        for start in range(len(words) - size + 1):
            run = words[start : start + size]
            folded = " ".join(fold(word) for word in run)
            runs.setdefault(len(folded), {}).setdefault(folded, " ".join(run))
    return runs
