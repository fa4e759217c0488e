from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatasetsConfig(AppConfig):
    name = "datasets"
    verbose_name = _("Open datasets")

    def ready(self) -> None:
        from . import signal_handlers  # noqa: F401
