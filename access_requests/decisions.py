"""Requests, decisions, direct grants and revocations. A new request is mailed to the
people who decide; each decision to the requester; each in its recipient's language
(accounts/emails.py). Decisions are written to the entry's audit log."""

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log

from access_requests.models import AccessGrant, AccessRequest
from access_requests.rules import DECIDERS, may_decide, may_grant_directly
from accounts.emails import absolute_url, language_of, send_to
from heritage.access import user_may_view_page
from heritage.models import EntryPage

GRANTED = "access_requests.grant"
REFUSED = "access_requests.refuse"
REVOKED = "access_requests.revoke"
LOG_ACTIONS = {
    GRANTED: (_("Access granted"), _("Access to this entry granted to one person")),
    REFUSED: (_("Access refused"), _("A request for access to this entry refused")),
    REVOKED: (_("Access revoked"), _("A grant of access to this entry revoked before its end date")),
}


def ask(user: AbstractBaseUser, entry: EntryPage, purpose: str) -> AccessRequest:
    """The user's request for the entry: a new one, mailed to everyone who decides, or
    the one already waiting (mailed once only)."""
    waiting = AccessRequest.objects.filter(
        requester=user, entry__translation_key=entry.translation_key, state=AccessRequest.State.PENDING
    ).first()
    if waiting:
        return waiting
    access_request = AccessRequest.objects.create(requester=user, entry=entry, purpose=purpose)
    for decider in deciders().exclude(pk=user.pk):
        with language_of(decider):
            link = absolute_url("access_requests_admin:queue")
        send_to(decider, "access_requested", access_request=access_request, entry=entry, link=link)
    return access_request


def deciders():
    """Active Officers and Reviewers with an email address (superusers decide too, but are
    not mailed: the groups are the archive's working staff)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=DECIDERS)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _pending(request_pk: int, officer: AbstractBaseUser) -> AccessRequest | None:
    if not may_decide(officer):
        return None
    return (
        AccessRequest.objects.select_for_update()
        .filter(pk=request_pk, state=AccessRequest.State.PENDING)
        .exclude(requester=officer)
        .first()
    )


def grant(request_pk: int, officer: AbstractBaseUser, ends_on: date) -> AccessGrant | None:
    """Grant a waiting request until `ends_on`; None when there is no such request or
    `officer` may not decide on it (nobody decides on their own request)."""
    with transaction.atomic():
        access_request = _pending(request_pk, officer)
        if access_request is None:
            return None
        access_request.state = AccessRequest.State.GRANTED
        access_request.decided_by, access_request.decided_at = officer, timezone.now()
        access_request.save()
        access_grant = AccessGrant.objects.create(
            entry=access_request.entry,
            user=access_request.requester,
            ends_on=ends_on,
            granted_by=officer,
            request=access_request,
        )
    _log(access_grant.entry, GRANTED, officer, access_grant.user, ends_on=str(ends_on))
    _tell_granted(access_grant)
    return access_grant


def refuse(request_pk: int, officer: AbstractBaseUser, reason: str) -> AccessRequest | None:
    with transaction.atomic():
        access_request = _pending(request_pk, officer)
        if access_request is None:
            return None
        access_request.state = AccessRequest.State.REFUSED
        access_request.decided_by, access_request.decided_at = officer, timezone.now()
        access_request.refusal_reason = reason
        access_request.save()
    _log(access_request.entry, REFUSED, officer, access_request.requester)
    _send(access_request.requester, "access_refused", access_request.entry, reason=reason)
    return access_request


def revoke(grant_pk: int, officer: AbstractBaseUser) -> AccessGrant | None:
    """Close a grant in force before its end date, at once; None when there is no such
    grant or `officer` may not decide."""
    if not may_decide(officer):
        return None
    with transaction.atomic():
        access_grant = AccessGrant.objects.in_force().select_for_update().filter(pk=grant_pk).first()
        if access_grant is None:
            return None
        access_grant.revoked_at, access_grant.revoked_by = timezone.now(), officer
        access_grant.save(update_fields=["revoked_at", "revoked_by"])
    _log(access_grant.entry, REVOKED, officer, access_grant.user)
    _send(access_grant.user, "access_revoked", access_grant.entry)
    return access_grant


def grant_directly(
    officer: AbstractBaseUser, user: AbstractBaseUser, entry: EntryPage, ends_on: date
) -> AccessGrant | None:
    """An officer's grant to a named person without a request, for any entry (a restricted
    one stays unlisted: the person reaches it by its address)."""
    if not may_grant_directly(officer):
        return None
    access_grant = AccessGrant.objects.create(entry=entry, user=user, ends_on=ends_on, granted_by=officer)
    _log(entry, GRANTED, officer, user, ends_on=str(ends_on))
    _tell_granted(access_grant)
    return access_grant


def _log(entry: EntryPage, action: str, officer: AbstractBaseUser, person: AbstractBaseUser, **data) -> None:
    log(instance=entry, action=action, user=officer, data={"person": person.get_username(), **data})


def _tell_granted(access_grant: AccessGrant) -> None:
    with language_of(access_grant.user):
        ends_on = date_format(access_grant.ends_on, "DATE_FORMAT")
    _send(access_grant.user, "access_granted", access_grant.entry, ends_on=ends_on)


def _send(user: AbstractBaseUser, template: str, entry: EntryPage, **context) -> None:
    """The entry named in the recipient's language when it has that translation, and only
    to someone who may open it (a refused researchers-only entry stays unnamed)."""
    with language_of(user) as language:
        translations = EntryPage.objects.filter(translation_key=entry.translation_key)
        named = translations.filter(locale__language_code=language).first() or entry
    title = named.title if user_may_view_page(user, named) else ""
    send_to(user, template, title=title, link=named.get_permalink(), **context)
