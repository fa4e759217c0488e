"""The upload forms officers use for audio and video, images and documents. They state the
accepted formats and size limit up front, refuse anything else with a message in the
officer's language, shorten long file names instead of refusing them, and never let a
hostile file reach a library that would answer with a server error."""

from django import forms
from django.conf import settings
from django.forms.forms import NON_FIELD_ERRORS
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm
from wagtailmedia.forms import BaseMediaForm, format_extensions_for_accept_value
from wagtailmedia.models import ALLOWED_EXTENSIONS_THUMBNAIL
from wagtailmedia.settings import wagtailmedia_settings

from heritage.access import opens_more_than
from media_pipeline.access import may_open_recordings
from media_pipeline.failures import MediaRejectedError, failure_message
from media_pipeline.file_names import fitting_upload_name
from media_pipeline.intake import CheckedUpload, Limits, check_image, extension_of, inspect_upload


def accepted_extensions() -> list[str]:
    """Every audio and video format, on both forms: the content decides which it is."""
    extensions = [*wagtailmedia_settings.AUDIO_EXTENSIONS, *wagtailmedia_settings.VIDEO_EXTENSIONS]
    return list(dict.fromkeys(extensions))


def max_upload_bytes() -> int:
    return settings.MAX_MEDIA_UPLOAD_MB * 1024 * 1024


class MediaAssetForm(BaseMediaForm):
    def __init__(self, *args, **kwargs) -> None:
        self.user = kwargs.get("user")
        super().__init__(*args, **kwargs)
        self.checked_upload: CheckedUpload | None = None
        if "file" in self.fields:
            field = self.fields["file"]
            field.max_length = None  # long names are shortened in clean_file, not refused
            field.widget.attrs["accept"] = format_extensions_for_accept_value(accepted_extensions())
            field.help_text = _(
                "Accepted formats: %(formats)s. Largest file: %(size)s. A file without a picture is kept as audio."
            ) % {"formats": ", ".join(accepted_extensions()), "size": filesizeformat(max_upload_bytes())}
        if "access_level" in self.fields:
            # Uploaders that post only the file (the multiple uploader, scripts) keep the default.
            self.fields["access_level"].required = False

    def clean_access_level(self) -> str:
        # A recording's model default is public; an edit that leaves the field out keeps its level.
        level = self.cleaned_data.get("access_level") or self.instance.access_level
        if self.instance.pk is not None and not may_open_recordings(self.user):
            stored = type(self.instance).objects.filter(pk=self.instance.pk).values_list("access_level", flat=True)
            if stored and opens_more_than(level, stored[0]):
                raise forms.ValidationError(
                    _("Only a reviewer may open a recording to more people. Keep its level, or ask a reviewer."),
                    code="needs_reviewer",
                )
        return level

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded is None or not hasattr(uploaded, "size"):
            return uploaded
        if extension_of(uploaded.name) not in accepted_extensions():
            raise forms.ValidationError(
                _("“%(name)s” is not an accepted %(kind)s file. Accepted formats: %(formats)s."),
                params={
                    "name": uploaded.name,
                    "kind": _("audio") if self.instance.type == "audio" else _("video"),
                    "formats": ", ".join(accepted_extensions()),
                },
                code="not_accepted",
            )
        if uploaded.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is %(size)s; the largest accepted is %(limit)s."),
                params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(max_upload_bytes())},
                code="too_large",
            )
        uploaded.name = fitting_upload_name(uploaded.name, self._meta.model._meta.get_field("file"))
        try:
            self.checked_upload = inspect_upload(uploaded, Limits.from_settings())
        except MediaRejectedError as rejection:
            raise forms.ValidationError(str(rejection), code=rejection.code) from rejection
        self._refuse_duplicate(self.checked_upload.sha256)
        self.instance.type = self.checked_upload.media_type
        return uploaded

    def _refuse_duplicate(self, sha256: str) -> None:
        """Refused rather than kept twice: the original is already stored, so nothing is lost,
        and the officer is sent to it instead of transcoding the same file again."""
        existing = self._meta.model.objects.filter(sha256=sha256).exclude(pk=self.instance.pk).order_by("pk").first()
        if existing is not None:
            message = format_html(
                _(
                    "This file is already in the archive as “{title}”. Nothing was saved: "
                    '<a href="{url}">open the existing item</a>.'
                ),
                title=existing.title,
                url=reverse("wagtailmedia:edit", args=[existing.pk]),
            )
            raise forms.ValidationError(message, code="duplicate")

    def clean_thumbnail(self):
        thumbnail = self.cleaned_data.get("thumbnail")
        uploaded = thumbnail is not None and hasattr(thumbnail, "size")
        if uploaded and extension_of(thumbnail.name) not in ALLOWED_EXTENSIONS_THUMBNAIL:
            raise forms.ValidationError(
                _("The poster must be one of: %(formats)s."),
                params={"formats": ", ".join(ALLOWED_EXTENSIONS_THUMBNAIL)},
                code="not_accepted",
            )
        return _checked_image(thumbnail)

    def _post_clean(self) -> None:
        super()._post_clean()
        # wagtailmedia's model compares the extension with the form's kind (so the audio form
        # refused an audio-only .mp4) and, after a refused file, adds an English line about an
        # empty extension. The extensions were checked above and the content decides the kind.
        errors = self._errors.get(NON_FIELD_ERRORS)
        if errors:
            errors.data = [error for error in errors.data if getattr(error, "code", None) != "invalid_extension"]
            if not errors.data:
                del self._errors[NON_FIELD_ERRORS]

    def save(self, commit: bool = True):
        asset = super().save(commit=commit)
        if commit and self.checked_upload is not None:
            # Saving a new original clears its checksum; the one taken at upload is what the
            # job checks the stored copy against, and what finds the next duplicate.
            self._meta.model.objects.filter(pk=asset.pk).update(
                sha256=self.checked_upload.sha256, size_bytes=self.checked_upload.size
            )
            asset.sha256, asset.size_bytes = self.checked_upload.sha256, self.checked_upload.size
        return asset


def _checked_image(uploaded):
    if uploaded is not None and hasattr(uploaded, "size"):
        try:
            check_image(uploaded)
        except MediaRejectedError as rejection:
            raise forms.ValidationError(str(rejection), code=rejection.code) from rejection
    return uploaded


class CheckedImageField(WagtailImageField):
    """Wagtail's image field with the archive's check first. Wagtail opens the upload with
    Willow and Pillow before any form check runs, and lets most of their errors on broken
    files through as a server error."""

    def to_python(self, data):
        if data is None or data in self.empty_values:
            return super().to_python(data)
        try:
            if hasattr(data, "read"):
                _checked_image(data)
            return super().to_python(data)
        except forms.ValidationError:
            raise
        except Exception as error:  # any parser error on an untrusted file is a refusal
            raise forms.ValidationError(failure_message("image_unreadable"), code="image_unreadable") from error


class ImageForm(BaseImageForm):
    """Wagtail's image form, on the single and the multiple uploader: broken images and
    images whose declared size is a decompression bomb are refused."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            field = self.fields["file"]
            self.fields["file"] = CheckedImageField(label=field.label, required=field.required, widget=field.widget)


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form, with the accepted formats stated next to the size limit and
    long names shortened to fit."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            formats = _("Accepted formats: %(formats)s.") % {"formats": ", ".join(settings.WAGTAILDOCS_EXTENSIONS)}
            self.fields["file"].help_text = f"{formats} {self.fields['file'].help_text}".strip()

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded is not None and hasattr(uploaded, "size"):
            uploaded.name = fitting_upload_name(uploaded.name, self._meta.model._meta.get_field("file"))
        return uploaded
