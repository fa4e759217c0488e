"""Who may ask for access to an entry, who decides, who grants directly and who reads
the log of files served through grants."""

from django.contrib.auth.models import AbstractBaseUser

from wagtail.models import Page

from heritage.access import (
    ADMINISTRATORS,
    OFFICERS,
    REVIEWERS,
    AccessLevel,
    entry_level,
    files_open_to,
    holds_grant,
    user_may_view_page,
)


def _in_groups(user: AbstractBaseUser, *names: str) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.groups.filter(name__in=names).exists()


DECIDERS = (OFFICERS, REVIEWERS)


def may_decide(user: AbstractBaseUser) -> bool:
    """Officers and Reviewers see the queue, grant, refuse and revoke."""
    return _in_groups(user, *DECIDERS)


def may_grant_directly(user: AbstractBaseUser) -> bool:
    """Officers give access to a named person without a request."""
    return _in_groups(user, OFFICERS)


def may_read_file_log(user: AbstractBaseUser) -> bool:
    return _in_groups(user, ADMINISTRATORS)


def may_request(user: AbstractBaseUser, page: Page) -> bool:
    """Whether `user` (signed in) may ask for access to the entry of `page`: an "on
    request" entry whose files they may not have yet, or a researchers-only entry they
    may not read yet."""
    if not user.is_authenticated or not page.live or holds_grant(user, page):
        return False
    level = entry_level(page)
    if level == AccessLevel.ON_REQUEST:
        return user_may_view_page(user, page) and not files_open_to(user, page)
    return level == AccessLevel.RESEARCHERS and not user_may_view_page(user, page)
