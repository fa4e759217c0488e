"""A researcher's registration: who they are, why they ask, and where the request
stands. Access requests (issue 15) will hang off this profile."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ResearcherProfile(models.Model):
    class State(models.TextChoices):
        PENDING_EMAIL = "pending_email", _("Waiting for email confirmation")
        PENDING_APPROVAL = "pending_approval", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="researcher_profile")
    institution = models.CharField(_("institution"), max_length=200)
    purpose = models.TextField(_("purpose of research"), max_length=2000)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING_EMAIL)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    refusal_reason = models.TextField(_("reason for refusal"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("researcher profile")
        verbose_name_plural = _("researcher profiles")
        ordering = ["registered_at"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class AccountMailAttempt(models.Model):
    """One submission of a form that mails an address anyone may type (registration,
    password reset): from which network, to which address (a digest, never the address),
    and whether a message went out. accounts/mail_limits.py counts the last hour's."""

    client = models.CharField(max_length=64, db_index=True)
    recipient = models.CharField(max_length=64, db_index=True)
    mailed = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.client}"
