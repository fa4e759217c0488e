"""Every message an account gets, in its recipient's language (the language kept in
Wagtail's user profile: the one a researcher registered in, or a staff member's admin
language), with links to the archive's public address (BASE_URL), never to whatever
host a request named."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from wagtail.users.models import UserProfile

from accounts.tokens import confirmation_token


@contextmanager
def language_of(user: AbstractBaseUser) -> Iterator[str]:
    language = UserProfile.get_for_user(user).get_preferred_language()
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        yield language


def absolute_url(viewname: str, *args) -> str:
    """The archive's public address of a view, in the active language."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(viewname, args=args)


def send_to(user: AbstractBaseUser, template: str, **context) -> None:
    """Send accounts/emails/<template>_subject.txt and _body.txt to `user`, in their language."""
    with language_of(user):
        context = {"user": user, "name": user.get_full_name() or user.get_username(), **context}
        subject = " ".join(render_to_string(f"accounts/emails/{template}_subject.txt", context).split())
        body = render_to_string(f"accounts/emails/{template}_body.txt", context)
    send_mail(subject, body, None, [user.email])


def _link_args(user: AbstractBaseUser, generator) -> tuple[str, str]:
    return urlsafe_base64_encode(force_bytes(user.pk)), generator.make_token(user)


def send_confirmation(user: AbstractBaseUser) -> None:
    with language_of(user):
        link = absolute_url("accounts:confirm", *_link_args(user, confirmation_token))
    send_to(user, "confirm", link=link)


def send_already_registered(user: AbstractBaseUser) -> None:
    with language_of(user):
        links = {"sign_in": absolute_url("accounts:login"), "reset": absolute_url("accounts:password-reset")}
    send_to(user, "already_registered", **links)


def send_password_reset(user: AbstractBaseUser) -> None:
    with language_of(user):
        link = absolute_url("accounts:password-reset-confirm", *_link_args(user, default_token_generator))
    send_to(user, "password_reset", link=link)


def send_awaiting_approval(approver: AbstractBaseUser, researcher: AbstractBaseUser) -> None:
    with language_of(approver):
        link = absolute_url("accounts_admin:pending")
    send_to(approver, "awaiting_approval", researcher=researcher, profile=researcher.researcher_profile, link=link)


def send_decision(user: AbstractBaseUser) -> None:
    with language_of(user):
        link = absolute_url("accounts:login")
    send_to(user, user.researcher_profile.state, link=link)
