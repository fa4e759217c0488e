"""Limits on account mail that anyone can trigger by typing an address: registration and
password reset. A network that submits too many such forms is answered 429 with
Retry-After; an address that has had its share of messages gets no more for a while,
although the page answers exactly as before (so the limit tells nothing about accounts)."""

import hashlib
import math
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import AccountMailAttempt
from heritage.client_address import client_address

WINDOW = timedelta(hours=1)


def _digest(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


def _recent():
    since = timezone.now() - WINDOW
    AccountMailAttempt.objects.filter(at__lt=since - WINDOW).delete()
    return AccountMailAttempt.objects.filter(at__gte=since)


def refusal(request: HttpRequest) -> HttpResponse | None:
    """The 429 page when the visitor's network has used up its submissions this hour."""
    recent = _recent().filter(client=client_address(request) or "")
    if recent.count() < settings.ACCOUNT_FORMS_PER_CLIENT:
        return None
    oldest = recent.order_by("at").values_list("at", flat=True).first()
    seconds = max(1, math.ceil((oldest + WINDOW - timezone.now()).total_seconds()))
    response = render(request, "accounts/too_many.html", {"minutes": math.ceil(seconds / 60)}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def may_mail(request: HttpRequest, address: str) -> bool:
    """Record one submission naming `address`; whether a message may go to it now."""
    recipient = _digest(address)
    mailed = _recent().filter(recipient=recipient, mailed=True).count() < settings.ACCOUNT_MAILS_PER_ADDRESS
    AccountMailAttempt.objects.create(client=client_address(request) or "", recipient=recipient, mailed=mailed)
    return mailed
