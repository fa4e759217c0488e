"""A caption track's language is one of the archive's languages, stored as the BCP 47 tag
the players' <track srclang> and their default-track choice use: the two-letter code where
one exists (vi, en: the site's languages, so captions in the page's language are on by
default), else the ISO 639-3 code (tyz for Tày)."""

from heritage.folding import fold

# ISO 639-3 → ISO 639-1 for the archive's languages that have a two-letter code (BCP 47
# prefers it).
TWO_LETTER_CODES = {"vie": "vi", "eng": "en", "lao": "lo", "khm": "km", "zho": "zh", "fra": "fr", "tha": "th"}


def caption_code(iso_639_3: str) -> str:
    return TWO_LETTER_CODES.get(iso_639_3, iso_639_3)


def caption_language_choices(languages) -> list[tuple[str, str]]:
    """(tag, "name (tag)") for each language with an ISO 639-3 code, sorted by name."""
    choices = {caption_code(language.iso_639_3): str(language.name) for language in languages if language.iso_639_3}
    return sorted(((code, f"{name} ({code})") for code, name in choices.items()), key=lambda choice: fold(choice[1]))


def known_caption_codes(languages) -> dict[str, str]:
    """Every way a track's language was written before it was a choice (the tag, either
    ISO code, the Vietnamese or English name, with or without marks, "Tiếng …") → the tag."""
    codes: dict[str, str] = {}
    for language in languages:
        if not language.iso_639_3:
            continue
        tag = caption_code(language.iso_639_3)
        for spelling in (tag, language.iso_639_3, language.code, language.name_vi, language.name_en):
            codes[fold(spelling).strip()] = tag
        codes[fold(language.name_vi).removeprefix("tieng ").strip()] = tag
    return codes


def to_caption_code(value: str, languages) -> str | None:
    return known_caption_codes(languages).get(fold(value).strip())
