"""Login throttling (django-axes): failures are counted per account whatever the address,
and per address across accounts, each against its own limit; a lock lifts after the
cool-off; the lockout answer is a page of the site. Both login forms (the admin's and the
site's) go through Django's `authenticate`, so both are counted."""

import math
from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_lockout_parameters
from axes.models import AccessAttempt

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def failure_limits() -> dict[str, int]:
    """Failures allowed within the cool-off, by lockout parameter (AXES_LOCKOUT_PARAMETERS)."""
    return {"username": settings.AXES_FAILURE_LIMIT, "ip_address": settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS}


class ThrottlingHandler(AxesDatabaseHandler):
    """Axes' database handler with one limit per lockout parameter instead of one for all."""

    def _counted_attempts(self, request: HttpRequest, credentials: dict | None) -> list[tuple[QuerySet, int]]:
        """Each parameter's attempts within the cool-off, with that parameter's limit."""
        limits = failure_limits()
        parameters = get_lockout_parameters(request, credentials)
        return list(zip(self.get_user_attempts(request, credentials), (limits[p] for p in parameters), strict=True))

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """Axes compares this one number with AXES_FAILURE_LIMIT (the per-account limit), so
        each parameter's count is scaled to it: the answer reaches the limit exactly when
        some parameter reaches its own."""
        account_limit = settings.AXES_FAILURE_LIMIT
        counted = self._counted_attempts(request, credentials)
        return max((_failures(attempts) * account_limit // limit for attempts, limit in counted), default=0)

    def locked_until(self, request: HttpRequest, credentials: dict | None = None) -> datetime | None:
        """When every parameter that reached its limit has fallen back below it."""
        cool_off = get_cool_off(request)
        until = None
        for attempts, limit in self._counted_attempts(request, credentials):
            remaining = _failures(attempts)
            # A record keeps its last failure's time: it drops out whole, the oldest first.
            for failures, last in attempts.order_by("attempt_time").values_list("failures_since_start", "attempt_time"):
                if remaining < limit:
                    break
                remaining -= failures
                expiry = last + cool_off
                until = expiry if until is None else max(until, expiry)
        return until

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """A correct password clears its account's failures from this address only: not the
        address's failures on other accounts (an attacker holding one account would reset
        its spraying count), nor other addresses' failures on this account."""
        attempts = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials), ip_address=request.axes_ip_address
        )
        count, _ = attempts.delete()
        return count


def _failures(attempts: QuerySet) -> int:
    return sum(attempts.values_list("failures_since_start", flat=True))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 Too Many Requests, a page saying when to try again."""
    # None when the lock lifted between the refusal and this page.
    until = AxesProxyHandler.get_implementation().locked_until(request, credentials) or timezone.now()
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    response = render(request, "lockout.html", {"until": until, "minutes": math.ceil(seconds / 60)}, status=429)
    response["Retry-After"] = str(seconds)
    return response
