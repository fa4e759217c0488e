"""The small stylesheet the first paint needs, inlined in <head> so that the text shows
before site.css arrives. The Content-Security-Policy allows exactly this stylesheet by its
hash (config/csp.py), so public pages still have no other inline style."""

import base64
import hashlib
from functools import cache

from django.conf import settings


@cache
def critical_css() -> str:
    return (settings.BASE_DIR / "static" / "css" / "critical.css").read_text(encoding="utf-8")


@cache
def critical_css_source() -> str:
    """The policy's source for the inlined stylesheet: 'sha256-...'."""
    digest = hashlib.sha256(critical_css().encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"
