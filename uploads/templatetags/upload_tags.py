from django import template
from django.conf import settings

from uploads.kinds import KINDS
from uploads.tokens import issue_token

register = template.Library()
# Small enough that a dropped link loses little, large enough for the S3 store's 5 MiB parts.
CHUNK_BYTES = 16 * 1024 * 1024


@register.inclusion_tag("uploads/resumable_upload.html", takes_context=True)
def resumable_upload(context, kind: str) -> dict:
    """The resumable upload panel for an admin upload page, when the officer may add `kind`."""
    user = context["request"].user
    upload_kind = KINDS[kind]
    allowed = upload_kind.may_add(user)
    return {
        "allowed": allowed,
        "kind": kind,
        "endpoint": settings.UPLOADS_TUSD_URL,
        "token": issue_token(user, kind) if allowed else "",
        "accept": ",".join(f".{extension}" for extension in upload_kind.extensions),
        "max_bytes": upload_kind.max_bytes,
        "chunk_bytes": CHUNK_BYTES,
    }
