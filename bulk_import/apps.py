from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulkImportConfig(AppConfig):
    name = "bulk_import"
    verbose_name = _("Bulk import")
