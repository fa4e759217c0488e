"""What the archive has told harvesters: one row per entry that was ever public, kept
after the entry leaves the public (withdrawn, restricted, unpublished, deleted) so that
harvesters learn to drop it (OAI-PMH "persistent" deleted records)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HarvestRecord(models.Model):
    translation_key = models.UUIDField(_("entry"), unique=True)
    datestamp = models.DateTimeField(_("datestamp"), db_index=True)
    deleted = models.BooleanField(_("deleted"), default=False)
    # The set specs the entry was in when last public, each between spaces and with its
    # parent set (" group group:co-tu type type:recording "), so a set is one LIKE filter
    # that also finds deleted records.
    set_specs = models.TextField(_("sets"), blank=True)

    class Meta:
        ordering = ["datestamp", "translation_key"]
        verbose_name = _("harvest record")
        verbose_name_plural = _("harvest records")

    def __str__(self) -> str:
        return f"{self.translation_key} ({'deleted' if self.deleted else 'public'})"
