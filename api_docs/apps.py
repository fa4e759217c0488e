from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiDocsConfig(AppConfig):
    name = "api_docs"
    verbose_name = _("API documentation")
