"""The upload form officers use for audio and video: it states the accepted formats and
size limit up front and refuses anything else with a message in the officer's language."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm
from wagtailmedia.forms import BaseMediaForm
from wagtailmedia.settings import wagtailmedia_settings

from media_pipeline.failures import MediaRejectedError
from media_pipeline.intake import check_image


def accepted_extensions(media_type: str) -> list[str]:
    if media_type == "audio":
        return list(wagtailmedia_settings.AUDIO_EXTENSIONS)
    return list(wagtailmedia_settings.VIDEO_EXTENSIONS)


def max_upload_bytes() -> int:
    return settings.MAX_MEDIA_UPLOAD_MB * 1024 * 1024


class MediaAssetForm(BaseMediaForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        media_type = self.instance.type or "video"
        if "file" in self.fields:
            self.fields["file"].help_text = _("Accepted formats: %(formats)s. Largest file: %(size)s.") % {
                "formats": ", ".join(accepted_extensions(media_type)),
                "size": filesizeformat(max_upload_bytes()),
            }

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded is None or not hasattr(uploaded, "size"):
            return uploaded
        media_type = self.instance.type or "video"
        extension = uploaded.name.rsplit(".", 1)[-1].lower() if "." in uploaded.name else ""
        if extension not in accepted_extensions(media_type):
            raise forms.ValidationError(
                _("“%(name)s” is not an accepted %(kind)s file. Accepted formats: %(formats)s."),
                params={
                    "name": uploaded.name,
                    "kind": _("audio") if media_type == "audio" else _("video"),
                    "formats": ", ".join(accepted_extensions(media_type)),
                },
                code="invalid_extension",
            )
        if uploaded.size == 0:
            raise forms.ValidationError(_("The file is empty."), code="empty")
        if uploaded.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is %(size)s; the largest accepted is %(limit)s."),
                params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(max_upload_bytes())},
                code="too_large",
            )
        return uploaded

    def clean_thumbnail(self):
        return _checked_image(self.cleaned_data.get("thumbnail"))


def _checked_image(uploaded):
    if uploaded is not None and hasattr(uploaded, "size"):
        try:
            check_image(uploaded)
        except MediaRejectedError as rejection:
            raise forms.ValidationError(str(rejection), code=rejection.code) from rejection
    return uploaded


class ImageForm(BaseImageForm):
    """Wagtail's image form; images whose declared size is a decompression bomb are refused."""

    def clean_file(self):
        return _checked_image(self.cleaned_data.get("file"))


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form, with the accepted formats stated next to the size limit."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            formats = _("Accepted formats: %(formats)s.") % {"formats": ", ".join(settings.WAGTAILDOCS_EXTENSIONS)}
            self.fields["file"].help_text = f"{formats} {self.fields['file'].help_text}".strip()
