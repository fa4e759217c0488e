from heritage.addresses import current_language


def in_current_language(vi: str, en: str) -> str:
    """Pick the English text for English visitors, falling back to Vietnamese."""
    if current_language() == "en" and en:
        return en
    return vi
