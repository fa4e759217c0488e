"""Access to one entry for one person: a visitor's request, an officer's grant (answering
a request, or given directly), and the log of files served through grants. The rule that
reads grants is heritage/access.py (`active_grant`), at every request."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    entry = models.ForeignKey(
        "heritage.EntryPage", verbose_name=_("entry"), on_delete=models.CASCADE, related_name="access_requests"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requester"), on_delete=models.CASCADE, related_name="access_requests"
    )
    purpose = models.TextField(_("purpose"), max_length=2000)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    refusal_reason = models.TextField(_("reason for refusal"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"{self.requester} – {self.entry}"


class GrantQuerySet(models.QuerySet):
    def in_force(self) -> "GrantQuerySet":
        """Grants not revoked whose end date has not passed: a grant opens its entry through
        its end date (the archive's time zone) and is closed from the next day, with no job
        to run."""
        return self.filter(ends_on__gte=timezone.localdate(), revoked_at__isnull=True)


class AccessGrant(models.Model):
    entry = models.ForeignKey(
        "heritage.EntryPage", verbose_name=_("entry"), on_delete=models.CASCADE, related_name="access_grants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="access_grants"
    )
    ends_on = models.DateField(_("open until"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    # Empty for a grant an officer gave directly, without a request.
    request = models.OneToOneField(
        AccessRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="grant"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.user} – {self.entry}"

    @property
    def in_force(self) -> bool:
        return self.revoked_at is None and self.ends_on >= timezone.localdate()

    def log_file(self, name: str) -> None:
        FileAccess.objects.create(grant=self, user=self.user, entry=self.entry, file_name=name)


class FileAccess(models.Model):
    """One view or download of a file that was served only because of a grant."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE)
    entry = models.ForeignKey("heritage.EntryPage", verbose_name=_("entry"), on_delete=models.CASCADE)
    grant = models.ForeignKey(AccessGrant, on_delete=models.SET_NULL, null=True, related_name="file_accesses")
    file_name = models.CharField(_("file"), max_length=500)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("file served through a grant")
        verbose_name_plural = _("files served through grants")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.file_name}"
