from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet
from wagtailmedia.widgets import AdminMediaChooser

from media_pipeline import admin_views
from media_pipeline.models import CaptionTrack, MediaAsset


@hooks.register("register_admin_urls")
def register_media_pipeline_urls():
    urls = [
        path("<int:pk>/status/", admin_views.status, name="status"),
        path("<int:pk>/retry/", admin_views.retry_preparation, name="retry"),
    ]
    return [path("media-pipeline/", include((urls, "media_pipeline"), namespace="media_pipeline"))]


class CaptionCreateView(CreateView):
    """Opened from a recording's page with `?asset=<id>`, the recording is filled in."""

    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance()
        asset_id = self.request.GET.get("asset", "")
        if asset_id.isdigit() and MediaAsset.objects.filter(pk=asset_id).exists():
            instance = instance or self.model()
            instance.asset_id = int(asset_id)
        return instance


class CaptionTrackViewSet(SnippetViewSet):
    model = CaptionTrack
    icon = "media"
    menu_label = _("Captions and transcripts")
    menu_order = 310
    add_to_admin_menu = True
    add_view_class = CaptionCreateView
    list_display = ["label", "language", "kind", "asset"]
    list_filter = ["kind", "language"]
    panels = [
        FieldPanel("asset", widget=AdminMediaChooser),
        FieldPanel("language"),
        FieldPanel("label"),
        FieldPanel("kind"),
        FieldPanel("file"),
    ]


register_snippet(CaptionTrackViewSet)
