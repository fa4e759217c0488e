from django.utils.translation import get_language


def in_current_language(vi: str, en: str) -> str:
    """Pick the English text for English visitors, falling back to Vietnamese."""
    if (get_language() or "vi").startswith("en") and en:
        return en
    return vi
