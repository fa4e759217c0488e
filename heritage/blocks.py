"""StreamField blocks shared by every entry type. Stream keys are stable: renaming one
needs a data migration."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtailmedia.blocks import AbstractMediaChooserBlock


def notice_choices() -> list[tuple[str, str]]:
    """The sensitivity notices an editor may add to one recording, by code."""
    from heritage.models import SensitivityNotice

    return [(notice.code, notice.label) for notice in SensitivityNotice.objects.all()]


class MediaChooserBlock(AbstractMediaChooserBlock):
    def render_basic(self, value, context=None) -> str:
        return value.title if value else ""

    def clean(self, value):
        value = super().clean(value)
        if value is not None and value.status == "failed":
            raise ValidationError(
                _("“%(title)s” could not be prepared for the web and cannot be used. Choose another recording.")
                % {"title": value.title}
            )
        return value


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=300)
    alt_text = blocks.CharBlock(
        label=_("text alternative"),
        required=False,
        max_length=300,
        help_text=_("Describe the image for people who cannot see it. Leave empty for the caption."),
    )

    class Meta:
        icon = "image"
        template = "heritage/blocks/image_with_caption_block.html"
        label = _("Image")
        preview_value = {"caption": _("Women of the village weaving brocade")}


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quotation"))
    source = blocks.CharBlock(label=_("source"), required=False)

    class Meta:
        icon = "openquote"
        template = "heritage/blocks/quote_block.html"
        label = _("Quotation")
        preview_value = {"text": _("We sing so that the rice grows."), "source": _("A village elder")}


class AudioVideoBlock(blocks.StructBlock):
    media = MediaChooserBlock(label=_("audio or video"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=300)
    transcript = blocks.TextBlock(
        label=_("transcript"),
        required=False,
        help_text=_("What is said or sung, one line per utterance. Shown under the player."),
    )
    notices = blocks.MultipleChoiceBlock(
        label=_("sensitivity notices for this recording"),
        choices=notice_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Besides the entry's own notices, shown before this recording plays."),
    )

    class Meta:
        icon = "media"
        template = "heritage/blocks/audio_video_block.html"
        label = _("Audio or video")
        preview_value = {"caption": _("A song recorded in the village")}


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    description = blocks.CharBlock(label=_("description"), required=False, max_length=300)

    class Meta:
        icon = "doc-full"
        template = "heritage/blocks/document_block.html"
        label = _("Document")
        preview_value = {"description": _("Field notes, scanned")}


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link"],
        icon="pilcrow",
        template="heritage/blocks/paragraph_block.html",
        preview_value=_("<p>The festival opens with a procession to the fields.</p>"),
    )
    image = ImageWithCaptionBlock()
    quote = QuoteBlock()


class MediaBlock(blocks.StreamBlock):
    audio_video = AudioVideoBlock()
    image = ImageWithCaptionBlock()
    document = DocumentBlock()
