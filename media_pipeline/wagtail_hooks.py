from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet
from wagtailmedia.widgets import AdminMediaChooser

from heritage.access import AccessLevel, stricter
from heritage.models import Language
from media_pipeline import admin_views
from media_pipeline.caption_languages import caption_language_choices
from media_pipeline.models import CaptionTrack, MediaAsset


@hooks.register("register_admin_urls")
def register_media_pipeline_urls():
    urls = [
        path("<int:pk>/status/", admin_views.status, name="status"),
        path("<int:pk>/retry/", admin_views.retry_preparation, name="retry"),
    ]
    return [path("media-pipeline/", include((urls, "media_pipeline"), namespace="media_pipeline"))]


@hooks.register("insert_editor_js")
def show_recording_states_in_the_editor() -> str:
    return format_html(
        '<script src="{}" data-media-status-pattern="{}"></script>',
        static("js/media-status.js"),
        reverse("media_pipeline:status", args=[0]),
    )


class CaptionCreateView(CreateView):
    """Opened from a recording's page with `?asset=<id>`, the recording is filled in."""

    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance()
        asset_id = self.request.GET.get("asset", "")
        if asset_id.isdigit() and MediaAsset.objects.filter(pk=asset_id).exists():
            instance = instance or self.model()
            instance.asset_id = int(asset_id)
        return instance


class CaptionTrackForm(WagtailAdminModelForm):
    """The language is chosen from the archive's languages (media_pipeline/caption_languages.py);
    a track still holding an old free-text value shows it, marked, rather than losing it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = caption_language_choices(Language.objects.all())
        current = self.instance.language
        if current and current not in dict(choices):
            choices.insert(0, (current, _("“%(value)s” (not a language of the archive)") % {"value": current}))
        self.fields["language"] = forms.ChoiceField(
            label=_("language"),
            choices=[("", "---------"), *choices],
            help_text=_("Captions in the page's language are shown by default."),
        )


class CaptionTrackViewSet(SnippetViewSet):
    model = CaptionTrack
    icon = "media"
    menu_label = _("Captions and transcripts")
    menu_order = 310
    add_to_admin_menu = True
    add_view_class = CaptionCreateView
    list_display = ["label", "language", "kind", "asset"]
    list_filter = ["kind", "language"]
    edit_handler = ObjectList(
        [
            FieldPanel("asset", widget=AdminMediaChooser),
            FieldPanel("language"),
            FieldPanel("label"),
            FieldPanel("kind"),
            FieldPanel("file"),
        ],
        base_form_class=CaptionTrackForm,
    )


register_snippet(CaptionTrackViewSet)


def warn_of_stricter_recordings(request: HttpRequest, page: Page) -> None:
    """After a page is saved: name each recording in it whose own access level is
    stricter than the page's, since visitors of the page see "not available" there."""
    page = page.specific
    page_level = getattr(page, "access_level", AccessLevel.PUBLIC)
    for block in getattr(page, "audio_video_blocks", []):
        media = block.value["media"]
        if media is not None and stricter(media.access_level, page_level) != page_level:
            messages.warning(
                request,
                _(
                    "“%(recording)s” is restricted to fewer people (%(recording_level)s) than this page "
                    "(%(page_level)s): visitors of the page see “not available” in its place."
                )
                % {
                    "recording": media.title,
                    "recording_level": media.get_access_level_display(),
                    "page_level": AccessLevel(page_level).label,
                },
                fail_silently=True,  # hooks also run for requests made outside the middleware
            )


hooks.register("after_create_page", warn_of_stricter_recordings)
hooks.register("after_edit_page", warn_of_stricter_recordings)
