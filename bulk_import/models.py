from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedRow(models.Model):
    """A CSV row already imported, by its key: importing the same file again skips it."""

    key = models.CharField(_("import key"), max_length=200, unique=True)
    entry = models.ForeignKey(
        "heritage.EntryPage", verbose_name=_("entry"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_name = models.CharField(_("file imported"), max_length=255, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")

    def __str__(self) -> str:
        return self.key
