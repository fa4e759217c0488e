"""Reference data: ethnic groups, languages and places, shipped as data and extended by
officers. Names are stored in both languages side by side rather than translated per
locale, because researchers search by every name at once."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.search import index

from heritage.folding import fold
from page_cache.memo import per_generation_function

from .bilingual import in_current_language


class LanguageFamily(models.TextChoices):
    AUSTROASIATIC = "austroasiatic", _("Austroasiatic")
    KRA_DAI = "kra_dai", _("Kra–Dai")
    HMONG_MIEN = "hmong_mien", _("Hmong–Mien")
    AUSTRONESIAN = "austronesian", _("Austronesian")
    SINO_TIBETAN = "sino_tibetan", _("Sino-Tibetan")


class EthnicGroup(index.Indexed, models.Model):
    number = models.PositiveSmallIntegerField(
        _("official number"), unique=True, help_text=_("Position in the official list of 54 groups.")
    )
    code = models.SlugField(_("code"), unique=True)
    name_vi = models.CharField(_("name in Vietnamese"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)
    other_names = models.TextField(
        _("other and historical names"),
        blank=True,
        help_text=_("One per line: local names, exonyms and older names researchers may search by."),
    )
    language_family = models.CharField(_("language family"), max_length=20, choices=LanguageFamily.choices)
    language_group_vi = models.CharField(_("language group (Vietnamese)"), max_length=100, blank=True)
    language_group_en = models.CharField(_("language group (English)"), max_length=100, blank=True)
    population_2019 = models.PositiveIntegerField(_("population (2019 census)"), null=True, blank=True)
    regions = models.ManyToManyField(
        "heritage.Place", verbose_name=_("main regions"), blank=True, related_name="main_ethnic_groups"
    )
    summary_vi = models.TextField(_("summary in Vietnamese"), blank=True)
    summary_en = models.TextField(_("summary in English"), blank=True)

    panels = [
        FieldRowPanel([FieldPanel("number"), FieldPanel("code")]),
        FieldRowPanel([FieldPanel("name_vi"), FieldPanel("name_en")]),
        FieldPanel("other_names"),
        MultiFieldPanel(
            [FieldPanel("language_family"), FieldPanel("language_group_vi"), FieldPanel("language_group_en")],
            heading=_("Language"),
        ),
        FieldPanel("population_2019"),
        FieldPanel("regions"),
        FieldPanel("summary_vi"),
        FieldPanel("summary_en"),
    ]
    search_fields = [
        index.SearchField("name_vi", boost=5),
        index.SearchField("name_en", boost=5),
        index.SearchField("other_names", boost=3),
        index.AutocompleteField("name_vi"),
        index.AutocompleteField("name_en"),
        index.AutocompleteField("other_names"),
    ]

    class Meta:
        ordering = ["number"]
        verbose_name = _("ethnic group")
        verbose_name_plural = _("ethnic groups")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_current_language(self.name_vi, self.name_en)

    @property
    def summary(self) -> str:
        return in_current_language(self.summary_vi, self.summary_en)

    @property
    def language_group(self) -> str:
        return in_current_language(self.language_group_vi, self.language_group_en)

    @property
    def other_names_list(self) -> list[str]:
        return [line.strip() for line in self.other_names.splitlines() if line.strip()]


class Language(index.Indexed, models.Model):
    code = models.SlugField(_("code"), unique=True, help_text=_("The ISO 639-3 code where one exists."))
    iso_639_3 = models.CharField(_("ISO 639-3 code"), max_length=3, blank=True)
    name_vi = models.CharField(_("name in Vietnamese"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)
    language_family = models.CharField(_("language family"), max_length=20, choices=LanguageFamily.choices, blank=True)
    ethnic_groups = models.ManyToManyField(
        EthnicGroup, verbose_name=_("ethnic groups"), blank=True, related_name="languages"
    )
    dialect_notes_vi = models.TextField(_("dialect notes (Vietnamese)"), blank=True)
    dialect_notes_en = models.TextField(_("dialect notes (English)"), blank=True)

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("iso_639_3")]),
        FieldRowPanel([FieldPanel("name_vi"), FieldPanel("name_en")]),
        FieldPanel("language_family"),
        FieldPanel("ethnic_groups"),
        FieldPanel("dialect_notes_vi"),
        FieldPanel("dialect_notes_en"),
    ]
    search_fields = [
        index.SearchField("name_vi", boost=3),
        index.SearchField("name_en", boost=3),
        index.SearchField("iso_639_3"),
        index.AutocompleteField("name_vi"),
        index.AutocompleteField("name_en"),
    ]

    class Meta:
        ordering = ["name_vi"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return f"{self.name} ({self.iso_639_3})" if self.iso_639_3 else self.name

    @property
    def name(self) -> str:
        return in_current_language(self.name_vi, self.name_en)


class Place(index.Indexed, models.Model):
    class Kind(models.TextChoices):
        CITY = "city", _("Centrally-run city")
        PROVINCE = "province", _("Province")
        FORMER_PROVINCE = "former_province", _("Former province (before July 2025)")
        COMMUNE = "commune", _("Commune or ward")
        VILLAGE = "village", _("Village")

    code = models.SlugField(_("code"), unique=True, max_length=100)
    name_vi = models.CharField(_("name in Vietnamese"), max_length=150)
    name_en = models.CharField(_("name in English"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("For a commune or village: the province or commune it belongs to today."),
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        help_text=_("For a former unit: the unit it is part of today."),
    )
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    # Both names without marks, so the editor's chooser finds "lang son" and "Lạng Sơn" alike
    # on every database (SQLite has no folding function to filter on).
    folded_names = models.TextField(editable=False, default="")

    panels = [
        FieldRowPanel([FieldPanel("name_vi"), FieldPanel("name_en")]),
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldPanel("parent"),
        FieldPanel("successor"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")], heading=_("Coordinates")),
    ]
    search_fields = [
        index.SearchField("name_vi", boost=3),
        index.SearchField("name_en"),
        index.AutocompleteField("name_vi"),
        index.FilterField("kind"),
    ]

    class Meta:
        ordering = ["name_vi"]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self) -> str:
        if self.kind == self.Kind.FORMER_PROVINCE:
            return f"{self.name} ({self.get_kind_display()})"
        if self.parent_id:
            return f"{self.name}, {self.parent.name}"
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.folded_names = fold(f"{self.name_vi} {self.name_en}".strip())
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "folded_names"}
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        return in_current_language(self.name_vi, self.name_en)

    @property
    def is_current_province(self) -> bool:
        return self.kind in (self.Kind.CITY, self.Kind.PROVINCE)

    def current_province(self) -> "Place | None":
        """Today's province-level unit that this place lies in."""
        place: Place | None = self
        seen = set()
        while place is not None and place.pk not in seen:
            seen.add(place.pk)
            if place.is_current_province:
                return place
            place = place.successor or place.parent
        return None


@per_generation_function
def _kept_groups_and_places() -> tuple[dict[int, EthnicGroup], dict[int, Place]]:
    places = Place.objects.in_bulk()
    for place in places.values():
        # Parents and successors from the same read, so `current_province()` asks nothing.
        place.parent = places.get(place.parent_id)
        place.successor = places.get(place.successor_id)
    return EthnicGroup.objects.in_bulk(), places


def groups_by_id() -> dict[int, EthnicGroup]:
    """Every ethnic group by id, kept per page-cache generation: read, never change."""
    return _kept_groups_and_places()[0]


def places_by_id() -> dict[int, Place]:
    """Every place by id with its parent and successor, kept per page-cache generation:
    read, never change."""
    return _kept_groups_and_places()[1]
