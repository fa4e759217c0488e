"""Sensitivity notices: what a community asks visitors to know before they see or hear
something (in the spirit of Local Contexts' TK Labels). Kept as data with their text in
both languages, chosen per entry and, for one recording, in its media block; shown on
the entry and before playback (heritage/notices.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel

from .bilingual import in_current_language


class SensitivityNotice(models.Model):
    code = models.SlugField(
        _("code"),
        unique=True,
        help_text=_("Short and stable: search links and the search index use it (e.g. “sacred”)."),
    )
    badge = models.CharField(
        _("badge"), max_length=4, help_text=_("One or two characters shown before the label, e.g. ✦.")
    )
    label_vi = models.CharField(_("label in Vietnamese"), max_length=100)
    label_en = models.CharField(_("label in English"), max_length=100)
    text_vi = models.TextField(_("notice in Vietnamese"))
    text_en = models.TextField(_("notice in English"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("badge"), FieldPanel("sort_order")]),
        FieldRowPanel([FieldPanel("label_vi"), FieldPanel("label_en")]),
        FieldPanel("text_vi"),
        FieldPanel("text_en"),
    ]

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("sensitivity notice")
        verbose_name_plural = _("sensitivity notices")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return in_current_language(self.label_vi, self.label_en)

    @property
    def text(self) -> str:
        return in_current_language(self.text_vi, self.text_en)
