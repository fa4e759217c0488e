"""Who may see what. An entry's access level is mirrored into a Wagtail page view
restriction, so that Wagtail itself keeps restricted entries out of page serving, the
sitemap and the API; the helpers here apply the same rule to listings and files."""

from contextvars import ContextVar
from datetime import date

from django.apps import apps
from django.contrib.auth.models import AnonymousUser, Group
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page, PageViewRestriction


class AccessLevel(models.TextChoices):
    PUBLIC = "public", _("Public")
    RESEARCHERS = "researchers", _("Registered researchers only")
    RESTRICTED = "restricted", _("Restricted (sacred or not cleared for publication)")


OFFICERS = "Officers"
REVIEWERS = "Reviewers"
ADMINISTRATORS = "Administrators"
RESEARCHERS = "Researchers"

# Groups allowed to see each non-public level; staff groups see everything.
GROUPS_FOR_LEVEL = {
    AccessLevel.RESEARCHERS: [RESEARCHERS, OFFICERS, REVIEWERS, ADMINISTRATORS],
    AccessLevel.RESTRICTED: [OFFICERS, REVIEWERS, ADMINISTRATORS],
}
_applying = ContextVar("applying_access_level", default=False)
STRICTNESS = {AccessLevel.PUBLIC: 0, AccessLevel.RESEARCHERS: 1, AccessLevel.RESTRICTED: 2}


def access_level_field(help_text: str) -> models.CharField:
    """The access level of an entry or of a recording: one definition for both."""
    return models.CharField(
        _("access"), max_length=20, choices=AccessLevel.choices, default=AccessLevel.PUBLIC, help_text=help_text
    )


def stricter(*levels: str) -> str:
    return max(levels, key=lambda level: STRICTNESS[level])


def apply_access_level(page: Page, level: str) -> None:
    """Restrict the page and its translations to `level` or whatever stricter level a
    translation still carries: access belongs to the entry, not to one language."""
    translations = list(page.get_translations(inclusive=True).specific())
    for translation in translations:
        level = stricter(level, own_level(translation, default=level))
    token = _applying.set(True)
    try:
        for translation in translations:
            _restrict(translation, level)
    finally:
        _applying.reset(token)


def applying_access_level() -> bool:
    """Whether the restrictions now changing are being set by `apply_access_level`, not by hand."""
    return _applying.get()


def _restrict(page: Page, level: str) -> None:
    restrictions = PageViewRestriction.objects.filter(page=page)
    if level == AccessLevel.PUBLIC:
        restrictions.delete()
        return
    groups = list(Group.objects.filter(name__in=GROUPS_FOR_LEVEL[level]))
    restriction = restrictions.first()
    if restriction is None:
        restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    elif restriction.restriction_type != PageViewRestriction.GROUPS:
        restriction.restriction_type = PageViewRestriction.GROUPS
        restriction.password = ""
        restriction.save()
    restriction.groups.set(groups)
    restrictions.exclude(pk=restriction.pk).delete()


def allowed_levels(user) -> list[str]:
    """The access levels whose entries `user` may see."""
    if user.is_superuser:
        return list(AccessLevel.values)
    if not user.is_authenticated:
        return [AccessLevel.PUBLIC]
    names = set(user.groups.values_list("name", flat=True))
    return [AccessLevel.PUBLIC, *(level for level, groups in GROUPS_FOR_LEVEL.items() if names & set(groups))]


def own_level(page: Page, default: str = AccessLevel.PUBLIC) -> str:
    """A page's own access level: for an entry, its access field narrowed by what its
    contributors' consent allows (heritage/consent.py) and restricted while an embargo
    is in force (heritage/embargo.py)."""
    if under_embargo(page):
        return AccessLevel.RESTRICTED
    level = getattr(page, "access_level", default)
    return stricter(level, getattr(page, "consent_level", level))


def under_embargo(page: Page, today: date | None = None) -> bool:
    """Whether the entry is embargoed: restricted until its embargo date, open from that day."""
    until = getattr(page, "embargo_until", None)
    return until is not None and until > (today or timezone.localdate())


def entry_level(page: Page) -> str:
    """The strictest live access level among the page's translations ("public" for
    pages that are not entries), consent included."""
    levels = [own_level(translation) for translation in page.get_translations(inclusive=True).specific()]
    return stricter(*levels) if levels else AccessLevel.PUBLIC


def visible_to(queryset: QuerySet, user) -> QuerySet:
    """Live pages from `queryset` that `user` may open: the one rule behind every public
    route (pages, listings, search, API, sitemap, embeds, files). Entries are checked on
    the access field of every translation and on the mirrored view restrictions, so
    either one alone suffices to hide an entry. Prefer `EntryPage.objects.visible_to(user)`
    for entries."""
    queryset = queryset.live()
    user = user or AnonymousUser()
    if user.is_superuser:
        return queryset
    levels = allowed_levels(user)
    if "access_level" in {field.name for field in queryset.model._meta.get_fields()}:
        # A filter the search node applies too (it is indexed), so its totals and facet
        # counts never include entries the visitor may not see.
        queryset = queryset.filter(access_level__in=levels, consent_level__in=levels)
    queryset = queryset.exclude(translation_key__in=_entries_outside(levels))
    hidden = PageViewRestriction.objects.all()
    if user.is_authenticated:
        hidden = hidden.exclude(restriction_type=PageViewRestriction.GROUPS, groups__in=user.groups.all()).exclude(
            restriction_type=PageViewRestriction.LOGIN
        )
    return queryset.exclude(_restricted_q(hidden))


def _entries_outside(levels: list[str]) -> QuerySet:
    """Translation keys of the entries with a translation at a level outside `levels`,
    by its access field, by its contributors' consent or by an embargo in force: whatever the queryset's model
    (`Page` in the API and for files), these fields hide an entry even when its mirrored
    restriction was changed by hand."""
    entry_model = apps.get_model("heritage", "EntryPage")
    inside = Q(access_level__in=levels, consent_level__in=levels)
    if AccessLevel.RESTRICTED not in levels:
        inside &= Q(embargo_until__isnull=True) | Q(embargo_until__lte=timezone.localdate())
    return entry_model.objects.exclude(inside).values("translation_key")


def _restricted_q(restrictions: QuerySet) -> Q:
    """Pages under any of `restrictions`. Entries are leaves, so their restrictions (the
    many) are one subquery; the few on pages with children hide whole sections."""
    condition = Q(pk__in=restrictions.filter(page__numchild=0).values("page_id"))
    for path in restrictions.filter(page__numchild__gt=0).values_list("page__path", flat=True).distinct():
        condition |= Q(path__startswith=path)
    return condition


def user_may_view_page(user, page: Page) -> bool:
    return entry_level(page) in allowed_levels(user) and visible_to(Page.objects.filter(pk=page.pk), user).exists()


def may_ask_to_sign_in(user, page: Page) -> bool:
    """Whether a refusal of `page` may tell `user` that signing in could open it: only an
    anonymous visitor, and only for a researchers-only entry. Every other refusal is the
    same "not found" as for a page that does not exist."""
    return not user.is_authenticated and entry_level(page) == AccessLevel.RESEARCHERS
