"""Researchers never see the Wagtail admin: a signed-in person without admin access gets
the site's own refusal page for every /admin/ address (the sign-in form included), with
a way back to their account and a sign-out button."""

from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse


def has_admin_access(user: AbstractBaseUser) -> bool:
    return user.is_active and user.has_perm("wagtailadmin.access_admin")


def is_admin_path(url: str) -> bool:
    """Whether a path, or a URL of this site, leads into the admin (in any spelling that
    Django routes there)."""
    path = unquote(urlsplit(url).path)
    prefix = reverse("wagtailadmin_home")
    return path.startswith(prefix) or path == prefix.rstrip("/")


class AdminForStaffOnlyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if is_admin_path(request.path_info) and user.is_authenticated and not has_admin_access(user):
            return render(request, "accounts/admin_refused.html", status=403)
        return self.get_response(request)
