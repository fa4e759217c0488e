"""English stemming for the database index, which has no English analyzer: "festivals",
"festival" and "festive" all become "festiv", in the indexed copy of an English entry's
text and in a query on the English site. (A search node stems with its own `english`
analyzer.)"""

import re
from functools import cache

import snowballstemmer

from heritage.folding import fold

_WORD = re.compile(r"\w+")


@cache
def _stemmer():
    return snowballstemmer.stemmer("english")


def stem_words(text: str) -> str:
    """Each word of the text, folded, as its English stem, in order."""
    return " ".join(_stemmer().stemWords(_WORD.findall(fold(text))))


def added_stems(folded_text: str) -> str:
    """The stems of the text's words that differ from the words themselves, once each: what
    an index of the text lacks to find every form of its English words."""
    words = set(_WORD.findall(folded_text))
    return " ".join(sorted({stem for stem in _stemmer().stemWords(sorted(words)) if stem not in words}))
