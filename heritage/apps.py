from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

REFERENCE_DATA_MIGRATION = ("heritage", "0002_reference_data")


def index_reference_data_after_loading(plan=None, **kwargs) -> None:
    if any((migration.app_label, migration.name) == REFERENCE_DATA_MIGRATION and not backwards
           for migration, backwards in plan or []):  # fmt: skip
        from heritage.reference_data.load import index_reference_data

        index_reference_data()


class HeritageConfig(AppConfig):
    name = "heritage"
    verbose_name = _("Heritage archive")

    def ready(self) -> None:
        # Publishing needs a reviewer: the guard on saving, and Localize's update view.
        from . import publishing, signal_handlers, translations  # noqa: F401
        from .slugs import use_vietnamese_slugs_in_the_editor

        use_vietnamese_slugs_in_the_editor()

        post_migrate.connect(index_reference_data_after_loading, sender=self)
