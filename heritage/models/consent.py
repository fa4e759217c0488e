"""What each person in an entry agreed to: the record an officer keeps of a contributor's
consent, with its evidence, and its withdrawal. heritage/consent.py acts on them."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel

from heritage.access import AccessLevel


class ConsentScope(models.TextChoices):
    PUBLIC = "public", _("Public")
    RESEARCHERS = "researchers", _("Researchers only")
    COMMUNITY = "community", _("Community only")
    NOT_PUBLISHED = "not_published", _("Not to be published")


# The archive has no community group of its own, so "community only" is kept to the
# staff who hold the material for the community, as "not to be published" is.
LEVEL_FOR_SCOPE = {
    ConsentScope.PUBLIC: AccessLevel.PUBLIC,
    ConsentScope.RESEARCHERS: AccessLevel.RESEARCHERS,
    ConsentScope.COMMUNITY: AccessLevel.RESTRICTED,
    ConsentScope.NOT_PUBLISHED: AccessLevel.RESTRICTED,
}


class ConsentRecord(models.Model):
    """One person's consent for one entry (and its translations). A person's latest record
    for an entry is the one in force; a withdrawn or expired record allows nothing."""

    entry = models.ForeignKey(
        "heritage.EntryPage", verbose_name=_("entry"), on_delete=models.CASCADE, related_name="consent_records"
    )
    contributor = models.ForeignKey(
        "heritage.Contributor", verbose_name=_("person"), on_delete=models.PROTECT, related_name="consent_records"
    )
    scope = models.CharField(_("agreed to"), max_length=20, choices=ConsentScope.choices)
    given_on = models.DateField(_("given on"), null=True, help_text=_("When the person gave this consent."))
    ends_on = models.DateField(
        _("ends on"),
        null=True,
        blank=True,
        help_text=_("Optional. After this date the consent counts as withdrawn."),
    )
    evidence = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("evidence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("A signed form or a recording of oral consent. Only staff can ever open it."),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("entry"),
        FieldRowPanel([FieldPanel("contributor"), FieldPanel("scope")]),
        FieldRowPanel([FieldPanel("given_on"), FieldPanel("ends_on")]),
        FieldPanel("evidence"),
        FieldPanel("note"),
    ]

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self) -> str:
        return f"{self.contributor} – {self.entry.title}"

    def clean(self) -> None:
        """A record is about one person and one entry for good: moving it (a withdrawal
        above all) to another entry or person would open the first one."""
        if self.pk is None:
            return
        stored = type(self).objects.filter(pk=self.pk).values("entry_id", "contributor_id").first()
        if stored and (stored["entry_id"], stored["contributor_id"]) != (self.entry_id, self.contributor_id):
            raise ValidationError(_("A consent record stays with its entry and person; record new consent instead."))

    def has_ended(self, today: date | None = None) -> bool:
        return self.ends_on is not None and self.ends_on < (today or timezone.localdate())

    def allowed_level(self, today: date | None = None) -> str:
        """The most open access level this record allows: none (restricted) once withdrawn
        or ended."""
        if self.withdrawn_at is not None or self.has_ended(today):
            return AccessLevel.RESTRICTED
        return LEVEL_FOR_SCOPE[self.scope]

    @property
    def status_label(self) -> str:
        if self.withdrawn_at is not None:
            return str(_("Withdrawn"))
        if self.has_ended():
            return str(_("Ended"))
        return str(self.get_scope_display())
