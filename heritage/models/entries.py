"""Archive entries: festivals, customs and language recordings. They share one concrete
base, EntryPage, so that listings, browsing and access checks work across all types."""

from django import forms
from django.db import models
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
    TitleFieldPanel,
)
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from heritage.access import (
    AccessLevel,
    KnownRestrictionsMixin,
    access_level_field,
    entry_level,
    files_open_to,
    own_level,
    stricter,
    under_embargo,
    visible_to,
)
from heritage.addresses import absolute_url
from heritage.blocks import BodyBlock, MediaBlock
from heritage.consent_panel import ConsentPanel
from heritage.folding import fold
from heritage.serializers import (
    EntryPlaceSerializer,
    EthnicGroupSerializer,
    LanguageSerializer,
    LicenceField,
    PublicContributorsField,
    SharedMediaField,
)
from heritage.slugs import VietnameseSlugMixin
from heritage.stemming import added_stems
from heritage.widgets import FilterableCheckboxSelectMultiple

from .notices import SensitivityNotice
from .reference import groups_by_id, places_by_id


class Licence(models.TextChoices):
    CC_BY = "cc-by-4.0", "CC BY 4.0"
    CC_BY_SA = "cc-by-sa-4.0", "CC BY-SA 4.0"
    CC_BY_NC = "cc-by-nc-4.0", "CC BY-NC 4.0"
    CC_BY_NC_SA = "cc-by-nc-sa-4.0", "CC BY-NC-SA 4.0"
    CC0 = "cc0-1.0", "CC0 1.0"
    IN_COPYRIGHT_EDUCATIONAL = "in-copyright-educational", _("In copyright – educational use permitted")
    IN_COPYRIGHT = "in-copyright", _("In copyright")
    COPYRIGHT_NOT_EVALUATED = "not-evaluated", _("Copyright not evaluated")


LICENCE_URLS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
    Licence.CC_BY_NC_SA: "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
    Licence.IN_COPYRIGHT_EDUCATIONAL: "https://rightsstatements.org/vocab/InC-EDU/1.0/",
    Licence.IN_COPYRIGHT: "https://rightsstatements.org/vocab/InC/1.0/",
    Licence.COPYRIGHT_NOT_EVALUATED: "https://rightsstatements.org/vocab/CNE/1.0/",
}


class EntryTag(TaggedItemBase):
    content_object = ParentalKey("heritage.EntryPage", on_delete=models.CASCADE, related_name="tagged_items")


# A language finds the entries in it by its names and its ISO 639-3 code ("tyz", "mtq").
LANGUAGE_SEARCH_FIELDS = [
    index.SearchField("name_vi"),
    index.SearchField("name_en"),
    index.SearchField("iso_639_3"),
    index.SearchField("code"),
]


class EntryQuerySet(PageQuerySet):
    def visible_to(self, user) -> "EntryQuerySet":
        """Live entries that `user` may open: the question every public route asks."""
        return visible_to(self, user)


class EntryPageManager(PageManager.from_queryset(EntryQuerySet)):
    pass


class EntryPage(KnownRestrictionsMixin, VietnameseSlugMixin, Page):
    """Fields and behaviour shared by every archive entry. Not created directly."""

    objects = EntryPageManager()

    native_title = models.CharField(_("title in the community's language"), max_length=255, blank=True)
    native_title_language = models.ForeignKey(
        "heritage.Language",
        verbose_name=_("language of that title"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(
        _("summary"), max_length=600, help_text=_("One or two sentences shown in listings and link previews.")
    )
    body = StreamField(BodyBlock(), verbose_name=_("description"), blank=True)
    media = StreamField(MediaBlock(), verbose_name=_("media"), blank=True)
    ethnic_groups = ParentalManyToManyField(
        "heritage.EthnicGroup", verbose_name=_("ethnic groups"), related_name="entries"
    )
    tags = ClusterTaggableManager(through=EntryTag, blank=True, verbose_name=_("tags"))
    documented_on = models.DateField(
        _("recorded or documented on"), null=True, blank=True, help_text=_("When the material was recorded.")
    )
    licence = models.CharField(
        _("licence or rights statement"), max_length=40, choices=Licence.choices, default=Licence.CC_BY_NC
    )
    attribution = models.CharField(
        _("attribution"), max_length=300, help_text=_("Who must be credited when the material is reused.")
    )
    rights_note = models.TextField(_("rights note"), blank=True)
    access_level = access_level_field(
        _(
            "Registered researchers only, or restricted for sacred material and anything the "
            "community has not cleared for publication. Applies to the page and to its files."
        )
    )
    embargo_until = models.DateField(
        _("restricted until"),
        null=True,
        blank=True,
        help_text=_(
            "An embargo: until this date only staff see the entry, whatever its access. It opens by itself on "
            "that date, never wider than its access and its people's consent allow."
        ),
    )
    notices = ParentalManyToManyField(
        "heritage.SensitivityNotice",
        verbose_name=_("sensitivity notices"),
        blank=True,
        related_name="entries",
        help_text=_("Shown on the entry and before its recordings play; visitors continue once per visit."),
    )
    # The most open level the contributors' consent allowed when last applied
    # (heritage/consent.py): narrowed at once when consent narrows, opened again only by
    # publishing. Kept out of revisions (see with_content_json).
    consent_level = models.CharField(
        _("access allowed by consent"),
        max_length=20,
        choices=AccessLevel.choices,
        default=AccessLevel.PUBLIC,
        editable=False,
    )

    is_creatable = False
    subpage_types: list[str] = []
    # Each entry type shows its own facts on its page (beside the shared ones).
    facts_template = ""
    # Shown on an ethnic group's page when the group has no entry of this type.
    none_for_group_message = ""

    search_fields = Page.search_fields + [
        index.SearchField("native_title", boost=3),
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        # A group's other names are found through search/group_names.py, not as text: folded,
        # many are ordinary words ("Tống" would make "long tong" find the Pà Thẻn).
        index.RelatedFields("ethnic_groups", [index.SearchField("name_vi"), index.SearchField("name_en")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.RelatedFields("native_title_language", LANGUAGE_SEARCH_FIELDS),
        index.SearchField("folded_text"),
        index.AutocompleteField("folded_title"),
        index.FilterField("access_level"),
        index.FilterField("consent_level"),
        index.FilterField("embargo_until"),
        index.FilterField("documented_on"),
    ]

    api_fields = [
        APIField("native_title"),
        APIField("summary"),
        APIField("body"),
        APIField("media", serializer=SharedMediaField()),
        APIField("ethnic_groups", serializer=EthnicGroupSerializer(many=True)),
        APIField("places", serializer=EntryPlaceSerializer(many=True)),
        APIField("contributors", serializer=PublicContributorsField()),
        APIField("tags"),
        APIField("documented_on"),
        APIField("licence", serializer=LicenceField()),
        APIField("access_level"),
    ]

    description_panels = [
        TitleFieldPanel("title"),
        FieldRowPanel([FieldPanel("native_title"), FieldPanel("native_title_language")]),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    about_panels = [
        FieldPanel("ethnic_groups", widget=FilterableCheckboxSelectMultiple),
        InlinePanel("places", label=_("Places"), min_num=1),
        FieldPanel("documented_on"),
        FieldPanel("tags"),
    ]
    rights_panels = [
        FieldPanel("access_level"),
        FieldPanel("embargo_until"),
        FieldPanel("notices", widget=forms.CheckboxSelectMultiple),
        FieldPanel("licence"),
        FieldPanel("attribution"),
        FieldPanel("rights_note"),
        InlinePanel("contributors", label=_("People")),
        ConsentPanel(heading=_("Consent")),
    ]
    type_panels: list = []

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        # Every public route asks which entries are outside the visitor's levels
        # (heritage/access.py): the few that are, found without reading every entry.
        indexes = [
            models.Index(fields=["access_level"], name="entry_access_level"),
            models.Index(fields=["consent_level"], name="entry_consent_level"),
            models.Index(fields=["embargo_until"], name="entry_embargo_until"),
        ]

    @classmethod
    def build_edit_handler(cls) -> TabbedInterface:
        return TabbedInterface(
            [
                ObjectList(cls.description_panels, heading=_("Description")),
                ObjectList(cls.type_panels + cls.about_panels, heading=_("Details")),
                ObjectList([FieldPanel("media")], heading=_("Media")),
                ObjectList(cls.rights_panels, heading=_("Rights and access")),
                ObjectList(cls.promote_panels, heading=_("Promote")),
                ObjectList(cls.settings_panels, heading=_("Settings"), classname="settings"),
            ]
        )

    def with_content_json(self, content):
        """A revision never brings back the consent level it was saved with: consent is
        the archive's record of people, not part of the page's content."""
        page = super().with_content_json(content)
        page.consent_level = self.consent_level
        return page

    @property
    def effective_level(self) -> str:
        """Who may see this translation: its access level, narrowed by consent and by an
        embargo in force."""
        return own_level(self)

    @property
    def under_embargo(self) -> bool:
        return under_embargo(self)

    @cached_property
    def entry_notices(self) -> list[SensitivityNotice]:
        """The entry's sensitivity notices, chosen in any of its languages: like access, a
        notice belongs to the entry, not to one translation."""
        elsewhere = SensitivityNotice.objects.filter(entries__translation_key=self.translation_key)
        if self.pk and "notices" not in getattr(self, "_cluster_related_objects", {}):
            # Saved and unchanged in memory (not a preview): its own are among the others.
            return sorted(elsewhere.distinct(), key=lambda notice: (notice.sort_order, notice.code))
        own = list(self.notices.all())
        notices = {notice.pk: notice for notice in [*own, *elsewhere.exclude(pk__in=[notice.pk for notice in own])]}
        return sorted(notices.values(), key=lambda notice: (notice.sort_order, notice.code))

    @cached_property
    def recording_notice_codes(self) -> dict[int, set[str]]:
        """Media id → the notice codes chosen for that recording in any of the entry's languages."""
        codes: dict[int, set[str]] = {}
        streams = [self.media.raw_data]
        others = EntryPage.objects.filter(translation_key=self.translation_key).exclude(pk=self.pk)
        streams += [getattr(media, "raw_data", media) or [] for media in others.values_list("media", flat=True)]
        for stream in streams:
            for block in stream:
                if block.get("type") == "audio_video" and block["value"].get("media"):
                    codes.setdefault(block["value"]["media"], set()).update(block["value"].get("notices") or [])
        return codes

    def get_permalink(self) -> str:
        """A short link that keeps working when the title or place in the tree changes."""
        return absolute_url(reverse("entry-permalink", args=[self.translation_key]))

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS.get(self.licence, "")

    @cached_property
    def ordered_groups(self) -> list:
        """The entry's ethnic groups in the official order: for a saved entry, their ids
        are read and the groups taken from those kept per generation; a preview's
        unsaved choice is read as it stands."""
        if not self.pk or "ethnic_groups" in getattr(self, "_cluster_related_objects", {}):
            return list(self.ethnic_groups.all())
        groups = groups_by_id()
        ids = self.ethnic_groups.through.objects.filter(entrypage_id=self.pk).values_list("ethnicgroup_id", flat=True)
        return sorted((groups[pk] for pk in ids if pk in groups), key=lambda group: group.number)

    @cached_property
    def ordered_places(self) -> list["EntryPlace"]:
        places = places_by_id()
        entry_places = list(self.places.all())
        for entry_place in entry_places:
            if entry_place.place_id in places:
                entry_place.place = places[entry_place.place_id]
        return entry_places

    @cached_property
    def public_contributors(self) -> list["EntryContributor"]:
        return [c for c in self.contributors.select_related("contributor") if c.may_be_named]

    @cached_property
    def files_on_request(self) -> bool:
        """Whether everyone may read the entry but only staff and grantees have its files."""
        return self.entry_access_level == AccessLevel.ON_REQUEST

    @cached_property
    def entry_access_level(self) -> str:
        """The entry's level across its translations (`entry_level`); lists of entries fill
        it for all of them at once (`heritage.access.entry_levels`)."""
        return entry_level(self)

    def get_context(self, request, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["files_open"] = files_open_to(request.user, self)
        if context["files_open"]:
            # The players' sources and caption tracks, for all recordings at once.
            assets = [block.value["media"] for block in self.audio_video_blocks if block.value["media"] is not None]
            prefetch_related_objects(assets, "renditions", "captions")
        return context

    @cached_property
    def first_image(self):
        """The picture of cards and link previews: never one of files kept on request."""
        media = [] if self.files_on_request else list(self.media)
        for block in media + list(self.body):
            if block.block_type == "image":
                return block.value["image"]
        return None

    def languages_in_entry(self) -> list:
        """The languages a researcher may search this entry by."""
        return [self.native_title_language] if self.native_title_language else []

    def folded_title(self) -> str:
        return fold(f"{self.title} {self.native_title}")

    def folded_text(self) -> str:
        """Everything a visitor may look for in this entry, folded (no tone marks, đ as d),
        so that a query typed without marks matches on every search backend; in English,
        with the English stems of its words (heritage/stemming.py)."""
        parts = [self.title, self.native_title, self.summary]
        parts += self.body.stream_block.get_searchable_content(self.body)
        for block in self.shared_media_blocks:
            parts += block.block.get_searchable_content(block.value)
        for group in self.ethnic_groups.all():
            parts += [group.name_vi, group.name_en]
        for entry_place in self.places.select_related("place"):
            parts += [entry_place.name_as_recorded, entry_place.place.name_vi, entry_place.place.name_en]
        parts += [tag.name for tag in self.tags.all()]
        for language in self.languages_in_entry():
            parts += [language.name_vi, language.name_en]
        for block in self.shared_audio_video_blocks:
            if block.value["media"] is not None:
                for track in block.value["media"].captions.all():
                    parts += [cue["text"] for cue in track.cues]
        folded = fold(" ".join(part for part in parts if part))
        if self.locale.language_code == "en":
            # The database index has no English analyzer: its stems let "festivals" find "festival".
            folded += " " + added_stems(folded)
        return folded

    @cached_property
    def audio_video_blocks(self) -> list:
        # By position, so that the other blocks (pictures, documents) are not loaded.
        return [self.media[index] for index, raw in enumerate(self.media.raw_data) if raw["type"] == "audio_video"]

    @cached_property
    def shared_media_blocks(self) -> list:
        """The media blocks everyone who may read this entry may also see: all but the
        recordings whose own access level is stricter than the entry's (those show as
        "not available"), and none when the files are on request. Only these are indexed
        for search and listed in the API."""
        if self.files_on_request:
            return []
        return [block for block in self.media if not self._stricter_recording(block)]

    @property
    def shared_audio_video_blocks(self) -> list:
        """The recordings of `shared_media_blocks`, found without loading the other blocks."""
        if self.files_on_request:
            return []
        return [block for block in self.audio_video_blocks if not self._stricter_recording(block)]

    def _stricter_recording(self, block) -> bool:
        media = block.value["media"] if block.block_type == "audio_video" else None
        return media is not None and stricter(media.access_level, self.effective_level) != self.effective_level

    @property
    def entry_type_label(self) -> str:
        return str(self.specific_class._meta.verbose_name)


class EntryPlace(Orderable):
    entry = ParentalKey(EntryPage, on_delete=models.CASCADE, related_name="places")
    place = models.ForeignKey(
        "heritage.Place",
        verbose_name=_("place today"),
        on_delete=models.PROTECT,
        related_name="entry_places",
        help_text=_("Today's province, commune or village. Add communes and villages under Reference data › Places."),
    )
    name_as_recorded = models.CharField(
        _("place name as recorded"),
        max_length=255,
        blank=True,
        help_text=_("As written at the time of recording, e.g. with the former province."),
    )

    panels = [
        FieldPanel(
            "place",
            help_text=_(
                "Today's province, commune or village: search with or without tone marks, "
                "or add a missing commune or village in the chooser."
            ),
        ),
        FieldPanel("name_as_recorded"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("place")

    def __str__(self) -> str:
        return self.name_as_recorded or str(self.place)


class ContributorRole(models.TextChoices):
    KNOWLEDGE_KEEPER = "knowledge_keeper", _("Knowledge keeper")
    SPEAKER = "speaker", _("Speaker")
    SINGER = "singer", _("Singer")
    PERFORMER = "performer", _("Performer")
    NARRATOR = "narrator", _("Narrator")
    ARTISAN = "artisan", _("Artisan")
    INTERVIEWER = "interviewer", _("Interviewer")
    TRANSLATOR = "translator", _("Translator")
    COLLECTOR = "collector", _("Collector")


class EntryContributor(Orderable):
    entry = ParentalKey(EntryPage, on_delete=models.CASCADE, related_name="contributors")
    contributor = models.ForeignKey(
        "heritage.Contributor", verbose_name=_("person"), on_delete=models.PROTECT, related_name="entry_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=ContributorRole.choices)
    # Kept from before consent records (migration 0004 copied it into each person's record).
    consent_note = models.TextField(_("consent"), blank=True)
    may_be_named = models.BooleanField(_("may be named publicly"), default=True)

    panels = [
        FieldRowPanel([FieldPanel("contributor"), FieldPanel("role")]),
        FieldPanel("may_be_named"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("person")


class FestivalPage(EntryPage):
    class Frequency(models.TextChoices):
        YEARLY = "yearly", _("Every year")
        EVERY_FEW_YEARS = "every_few_years", _("Every few years")
        IRREGULAR = "irregular", _("Irregular, when needed")
        ONCE = "once", _("Held once")

    lunar_date = models.CharField(_("lunar calendar date"), max_length=200, blank=True)
    solar_date = models.CharField(_("solar calendar date"), max_length=200, blank=True)
    frequency = models.CharField(_("how often"), max_length=20, choices=Frequency.choices, blank=True)
    participants = models.TextField(_("who takes part"), blank=True)

    parent_page_types = ["heritage.FestivalIndexPage"]
    subpage_types: list[str] = []
    template = "heritage/entry_page.html"
    facts_template = "heritage/facts/festival.html"
    none_for_group_message = _("No festivals of this group have been published yet.")
    search_fields = EntryPage.search_fields + [index.SearchField("participants")]
    api_fields = EntryPage.api_fields + [
        APIField("lunar_date"),
        APIField("solar_date"),
        APIField("frequency"),
        APIField("participants"),
    ]
    type_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("lunar_date"), FieldPanel("solar_date")]),
                FieldPanel("frequency"),
                FieldPanel("participants"),
            ],
            heading=_("When and who"),
        )
    ]

    class Meta:
        verbose_name = _("festival")
        verbose_name_plural = _("festivals")


class CustomPage(EntryPage):
    class Category(models.TextChoices):
        LIFE_CYCLE = "life_cycle", _("Life-cycle rites")
        BELIEFS = "beliefs", _("Beliefs and rituals")
        FARMING = "farming", _("Farming and livelihood")
        CRAFTS = "crafts", _("Crafts")
        COSTUME = "costume", _("Costume")
        CUISINE = "cuisine", _("Cuisine")
        ARCHITECTURE = "architecture", _("Architecture")
        MUSIC_DANCE = "music_dance", _("Music and dance")
        SOCIAL = "social", _("Social customs and law")
        MEDICINE = "medicine", _("Traditional medicine")

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)

    parent_page_types = ["heritage.CustomIndexPage"]
    subpage_types: list[str] = []
    template = "heritage/entry_page.html"
    facts_template = "heritage/facts/custom.html"
    none_for_group_message = _("No customs of this group have been published yet.")
    api_fields = EntryPage.api_fields + [APIField("category")]
    type_panels = [FieldPanel("category")]

    class Meta:
        verbose_name = _("custom")
        verbose_name_plural = _("customs")


class RecordingPage(EntryPage):
    class Genre(models.TextChoices):
        SONG = "song", _("Song")
        TALE = "tale", _("Tale")
        EPIC = "epic", _("Epic")
        PRAYER = "prayer", _("Prayer")
        CONVERSATION = "conversation", _("Conversation")
        WORD_LIST = "word_list", _("Word list")
        ORAL_HISTORY = "oral_history", _("Oral history")

    genre = models.CharField(_("genre"), max_length=20, choices=Genre.choices)
    content_languages = ParentalManyToManyField(
        "heritage.Language",
        verbose_name=_("languages spoken or sung"),
        related_name="recordings_in",
    )
    described_language = models.ForeignKey(
        "heritage.Language",
        verbose_name=_("language described"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recordings_describing",
        help_text=_("For word lists and elicitation: the language the recording documents."),
    )
    translation_languages = ParentalManyToManyField(
        "heritage.Language",
        verbose_name=_("translations into"),
        blank=True,
        related_name="recordings_translated_into",
    )

    parent_page_types = ["heritage.RecordingIndexPage"]

    def languages_in_entry(self) -> list:
        languages = [*super().languages_in_entry(), *self.content_languages.all()]
        if self.described_language:
            languages.append(self.described_language)
        return languages

    subpage_types: list[str] = []
    template = "heritage/entry_page.html"
    facts_template = "heritage/facts/recording.html"
    none_for_group_message = _("No recordings of this group have been published yet.")
    search_fields = EntryPage.search_fields + [
        index.RelatedFields("content_languages", LANGUAGE_SEARCH_FIELDS),
        index.RelatedFields("described_language", LANGUAGE_SEARCH_FIELDS),
    ]
    api_fields = EntryPage.api_fields + [
        APIField("genre"),
        APIField("content_languages", serializer=LanguageSerializer(many=True)),
        APIField("described_language", serializer=LanguageSerializer()),
        APIField("translation_languages", serializer=LanguageSerializer(many=True)),
    ]
    type_panels = [
        FieldPanel("genre"),
        FieldPanel("content_languages", widget=FilterableCheckboxSelectMultiple),
        FieldPanel("described_language"),
        FieldPanel("translation_languages", widget=FilterableCheckboxSelectMultiple),
    ]

    class Meta:
        verbose_name = _("language recording")
        verbose_name_plural = _("language recordings")


# The entry types, in the order the site shows them: the one list that listings, group
# pages, the demo and the editor read (see docs/content-model.md, "Adding an entry type").
ENTRY_TYPES: tuple[type[EntryPage], ...] = (FestivalPage, CustomPage, RecordingPage)

for entry_class in ENTRY_TYPES:
    entry_class.edit_handler = entry_class.build_edit_handler()
