"""Requests, decisions and direct grants, each decision mailed to the requester in their
language (accounts/emails.py)."""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from access_requests.models import AccessGrant, AccessRequest
from access_requests.rules import may_decide, may_grant_directly
from accounts.emails import language_of, send_to
from heritage.access import user_may_view_page
from heritage.models import EntryPage


def ask(user: AbstractBaseUser, entry: EntryPage, purpose: str) -> AccessRequest:
    """The user's request for the entry: a new one, or the one already waiting."""
    waiting = AccessRequest.objects.filter(
        requester=user, entry__translation_key=entry.translation_key, state=AccessRequest.State.PENDING
    ).first()
    return waiting or AccessRequest.objects.create(requester=user, entry=entry, purpose=purpose)


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
    _send(access_request.requester, "access_refused", access_request.entry, reason=reason)
    return access_request


def grant_directly(
    officer: AbstractBaseUser, user: AbstractBaseUser, entry: EntryPage, ends_on: date
) -> AccessGrant | None:
    """An officer's grant to a named person without a request, for any entry (a restricted
    one stays unlisted: the person reaches it by its address)."""
    if not may_grant_directly(officer):
        return None
    access_grant = AccessGrant.objects.create(entry=entry, user=user, ends_on=ends_on, granted_by=officer)
    _tell_granted(access_grant)
    return access_grant


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
