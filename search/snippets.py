"""What a result shows of why it matched: the query's words marked in its text, found with
or without tone marks, and the caption lines that contain them, each with the second to
start that recording's player at."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from heritage.folding import fold

SNIPPET_LENGTH = 220
CUES_PER_ENTRY = 3
MIN_TERM_LENGTH = 2


@dataclass
class CueHit:
    seconds: int
    text: SafeString
    language: str
    # The recording (MediaAsset id) the caption belongs to: its player is the one to seek.
    media: int


def query_terms(query: str) -> list[str]:
    return [term for term in re.findall(r"\w+", fold(query)) if len(term) >= MIN_TERM_LENGTH]


# Each character folded, as a str.translate table filled as characters are met.
_FOLDED_CHARACTERS: dict[int, str] = {}


def _folded_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """The folded text, and for each of its characters the index of the original one."""
    characters = set(text)
    for character in characters:
        if ord(character) not in _FOLDED_CHARACTERS:
            _FOLDED_CHARACTERS[ord(character)] = fold(character)
    if all(len(_FOLDED_CHARACTERS[ord(character)]) == 1 for character in characters):
        # One character for one (nearly always): the offsets are the positions themselves.
        return text.translate(_FOLDED_CHARACTERS), range(len(text))
    folded, offsets = [], []
    for index, character in enumerate(text):
        for folded_character in _FOLDED_CHARACTERS[ord(character)]:
            folded.append(folded_character)
            offsets.append(index)
    return "".join(folded), offsets


def _spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where words starting with a query term are, in the original text."""
    if not terms:
        return []
    folded, offsets = _folded_with_offsets(text)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(term) for term in terms) + r")\w*")
    return [(offsets[match.start()], offsets[match.end() - 1] + 1) for match in pattern.finditer(folded)]


def _marked(text: str, spans: list[tuple[int, int]]) -> SafeString:
    parts, position = [], 0
    for start, end in spans:
        parts += [escape(text[position:start]), "<mark>", escape(text[start:end]), "</mark>"]
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))


def highlight(text: str, query: str) -> SafeString:
    return _marked(text, _spans(text, query_terms(query)))


def snippet(text: str, query: str, length: int = SNIPPET_LENGTH) -> SafeString | None:
    """The stretch of `text` around the first match, with every match marked; None when
    nothing matches."""
    text = " ".join(text.split())
    spans = _spans(text, query_terms(query))
    if not spans:
        return None
    start = max(0, spans[0][0] - length // 4)
    if start:
        start = text.find(" ", start) + 1 or start
    end = min(len(text), start + length)
    if end < len(text) and text.rfind(" ", spans[0][1], end) > 0:
        end = text.rfind(" ", spans[0][1], end)
    inside = [(max(a, start) - start, min(b, end) - start) for a, b in spans if a < end and b > start]
    marked = _marked(text[start:end], inside)
    return mark_safe(("… " if start else "") + marked + (" …" if end < len(text) else ""))


def cue_hits(entry, query: str, language: str) -> list[CueHit]:
    """Caption lines of the entry's recordings that hold every word of the query, those in
    the visitor's language first."""
    terms = query_terms(query)
    if not terms:
        return []
    patterns = [re.compile(r"\b" + re.escape(term)) for term in terms]
    hits = []
    for block in entry.shared_audio_video_blocks:
        media = block.value["media"]
        if media is None:
            continue
        tracks = sorted(media.captions.all(), key=lambda track: track.language != language)
        for track in tracks:
            for cue in track.cues:
                folded = fold(cue["text"])
                if all(pattern.search(folded) for pattern in patterns):
                    hits.append(CueHit(int(cue["start"]), highlight(cue["text"], query), track.language, media.pk))
                    if len(hits) == CUES_PER_ENTRY:
                        return hits
    return hits
