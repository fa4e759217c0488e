"""Whether the visitor may play a recording placed in the page they are reading."""

from django import template
from django.contrib.auth.models import AnonymousUser

from media_pipeline.models import MediaAsset

register = template.Library()


@register.filter
def open_to(media: MediaAsset, user) -> bool:
    """`{% if media|open_to:request.user %}`: the recording's own access level lets the
    visitor play it (the page being shown already lets them read the page)."""
    return media.is_open_to(user or AnonymousUser())
