from django.utils.translation import gettext_lazy as _

from wagtailmedia.models import AbstractMedia


class MediaAsset(AbstractMedia):
    """An uploaded audio or video original, as officers see it in the media library."""

    admin_form_fields = ("title", "file", "collection", "thumbnail", "tags")

    class Meta(AbstractMedia.Meta):
        verbose_name = _("audio or video")
        verbose_name_plural = _("audio and video")
