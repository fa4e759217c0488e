"""The archive's addresses and the visitor's language, asked the same way everywhere."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """`path` as a full address: on the host the visitor used when there is a request,
    else on the archive's public address (BASE_URL), as citation links use."""
    if not path or path.startswith(("http://", "https://")):
        return path
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def current_language() -> str:
    """The language being served ("vi" or "en")."""
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]
