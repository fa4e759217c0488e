"""Vietnamese folding: the text a visitor types without tone marks, as the index sees it.
Every mark is removed (Lễ → le, Lồng → long) and đ becomes d, which Unicode does not
decompose."""

import unicodedata

SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss"})


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(SPECIAL))
    return "".join(character for character in decomposed if not unicodedata.combining(character)).lower()
