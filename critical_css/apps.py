from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CriticalCssConfig(AppConfig):
    name = "critical_css"
    verbose_name = _("Critical CSS")
