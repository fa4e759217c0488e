from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.search import index

from heritage.folding import fold


class Contributor(index.Indexed, models.Model):
    """A person who shared, performed, made or collected what the archive holds."""

    class Kind(models.TextChoices):
        KNOWLEDGE_KEEPER = "knowledge_keeper", _("Knowledge keeper")
        PERFORMER = "performer", _("Performer")
        ARTISAN = "artisan", _("Artisan")
        COLLECTOR = "collector", _("Collector")
        COMMUNITY = "community", _("Community or village")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    ethnic_group = models.ForeignKey(
        "heritage.EthnicGroup", verbose_name=_("ethnic group"), null=True, blank=True, on_delete=models.SET_NULL
    )
    place = models.ForeignKey(
        "heritage.Place", verbose_name=_("place"), null=True, blank=True, on_delete=models.SET_NULL
    )
    biography = models.TextField(_("biography"), blank=True)
    # The name without marks, for the editor's chooser (see Place.folded_names).
    folded_name = models.TextField(editable=False, default="")

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("kind")]),
        FieldRowPanel([FieldPanel("ethnic_group"), FieldPanel("place")]),
        FieldPanel("biography"),
    ]
    search_fields = [index.SearchField("name", boost=3), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("contributor")
        verbose_name_plural = _("contributors")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.folded_name = fold(self.name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "folded_name"}
        super().save(*args, **kwargs)
