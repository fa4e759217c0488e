from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IiifConfig(AppConfig):
    name = "iiif"
    verbose_name = _("IIIF manifests")
