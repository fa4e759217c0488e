"""Whether the visitor may play a recording placed in the page they are reading."""

from django import template
from django.contrib.auth.models import AnonymousUser

from heritage.access import grant_opening_recording
from media_pipeline.models import MediaAsset

register = template.Library()


@register.simple_tag(takes_context=True)
def recording_open(context, media: MediaAsset) -> bool:
    """`{% recording_open media as open %}`: the recording's own access level lets the
    visitor play it, or their access grant to the page being shown does (the page being
    shown already lets them read the page)."""
    request = context.get("request")
    user = getattr(request, "user", None) or AnonymousUser()
    if media.is_open_to(user):
        return True
    page = context.get("page")
    return page is not None and grant_opening_recording(user, page, media) is not None
