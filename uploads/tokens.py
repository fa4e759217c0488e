"""Short-lived signed tokens the admin's upload page puts into Upload-Metadata, so tusd's
pre-create hook knows which officer starts an upload and for what kind of item."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing

SALT = "uploads.token"


def issue_token(user, kind: str) -> str:
    return signing.dumps({"user": user.pk, "kind": kind}, salt=SALT, compress=False)


def read_token(token: str, kind: str):
    """The active user the token was issued to, or None when it is forged, expired, issued
    for another kind of item, or its user is gone or disabled."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.UPLOADS_TOKEN_MAX_AGE_SECONDS)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(payload, dict) or payload.get("kind") != kind:
        return None
    return get_user_model().objects.filter(pk=payload.get("user"), is_active=True).first()
