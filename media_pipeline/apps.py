import warnings

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class MediaPipelineConfig(AppConfig):
    name = "media_pipeline"
    verbose_name = _("Media pipeline")

    def ready(self) -> None:
        from PIL import Image

        # An image declaring more pixels than allowed is refused everywhere Pillow opens
        # one (uploads, Wagtail's renditions), not merely warned about.
        Image.MAX_IMAGE_PIXELS = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
        warnings.simplefilter("error", Image.DecompressionBombWarning)

        from media_pipeline import signal_handlers  # noqa: F401
