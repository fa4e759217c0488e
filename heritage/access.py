"""Who may see what. An entry's access level is mirrored into a Wagtail page view
restriction, so that Wagtail itself keeps restricted entries out of page serving, the
sitemap and the API; the helpers here apply the same rule to listings and files.

Each level says two things: who may read an entry (its description) and who may have its
files (recordings, pictures and documents of its media section). "On request" reads like
public but keeps its files to staff. An access grant (access_requests/) opens one entry
and its files to one person until its end date, by address only: grants never add an
entry to listings, search, the sitemap or the API, and they are checked here at each
request against today's date, so an ended grant closes with no job to run."""

from contextvars import ContextVar
from datetime import date

from django.apps import apps
from django.contrib.auth.models import AnonymousUser, Group
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page, PageViewRestriction

from heritage.structure import structure


class AccessLevel(models.TextChoices):
    PUBLIC = "public", _("Public")
    ON_REQUEST = "on_request", _("Description public, media on request")
    RESEARCHERS = "researchers", _("Registered researchers only")
    RESTRICTED = "restricted", _("Restricted (sacred or not cleared for publication)")


OFFICERS = "Officers"
REVIEWERS = "Reviewers"
ADMINISTRATORS = "Administrators"
RESEARCHERS = "Researchers"

STAFF = [OFFICERS, REVIEWERS, ADMINISTRATORS]
# Groups allowed to read entries at each level that not everyone may read.
GROUPS_FOR_LEVEL = {
    AccessLevel.RESEARCHERS: [RESEARCHERS, *STAFF],
    AccessLevel.RESTRICTED: STAFF,
}
# Levels that everyone may read: their pages carry no view restriction.
READ_BY_EVERYONE = (AccessLevel.PUBLIC, AccessLevel.ON_REQUEST)
# What `own_level` reads of an entry.
_LEVEL_FIELDS = ("translation_key", "access_level", "consent_level", "embargo_until")
# Where a page being served keeps the access checks already made for this request.
_SERVING = "_access_while_served"
_applying = ContextVar("applying_access_level", default=False)
# Who may read an entry at each level, and who may have its files: 0 everyone,
# 1 researchers and staff, 2 staff (and, for one entry, the holders of its grants).
AUDIENCES = {
    AccessLevel.PUBLIC: (0, 0),
    AccessLevel.ON_REQUEST: (0, 2),
    AccessLevel.RESEARCHERS: (1, 1),
    AccessLevel.RESTRICTED: (2, 2),
}


def access_level_field(help_text: str) -> models.CharField:
    """The access level of an entry or of a recording: one definition for both."""
    return models.CharField(
        _("access"), max_length=20, choices=AccessLevel.choices, default=AccessLevel.PUBLIC, help_text=help_text
    )


def stricter(*levels: str) -> str:
    """The most open level that is at least as narrow as each of `levels`, for readers and
    for files alike: "on request" and "researchers only" together make "restricted", since
    no level keeps both the description to researchers and the files to staff."""
    reading = max(AUDIENCES[level][0] for level in levels)
    files = max(AUDIENCES[level][1] for level in levels)
    return next(level for level, (readers, holders) in AUDIENCES.items() if readers >= reading and holders >= files)


def opens_more_than(level: str, other: str) -> bool:
    """Whether `level` lets someone read an entry or have its files whom `other` does not."""
    return stricter(level, other) != level


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
    if level in READ_BY_EVERYONE:
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
    """The access levels whose entries `user` may read."""
    if user.is_superuser:
        return list(AccessLevel.values)
    if not user.is_authenticated:
        return list(READ_BY_EVERYONE)
    names = set(user.groups.values_list("name", flat=True))
    return [*READ_BY_EVERYONE, *(level for level, groups in GROUPS_FOR_LEVEL.items() if names & set(groups))]


def file_levels(user) -> list[str]:
    """The access levels whose entries' files `user` may have without a grant: those they
    may read, but "on request" only for staff."""
    levels = allowed_levels(user)
    if user.is_superuser or (user.is_authenticated and user.groups.filter(name__in=STAFF).exists()):
        return levels
    return [level for level in levels if level != AccessLevel.ON_REQUEST]


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
    pages that are not entries), consent included. While the page is served, the level
    found first is kept on it (`serving`)."""
    remembered = page.__dict__.get(_SERVING, {}).get("level")
    if remembered is not None:
        return remembered
    entry_model = apps.get_model("heritage", "EntryPage")
    if not issubclass(page.specific_class or Page, entry_model):
        level = AccessLevel.PUBLIC
    else:
        translations = entry_model.objects.filter(translation_key=page.translation_key).only(*_LEVEL_FIELDS)
        if _SERVING in page.__dict__:
            # In the same query: whether the page itself is restricted, for
            # `page_visible_to`, and what the language links need of each translation.
            restrictions = PageViewRestriction.objects.filter(page=OuterRef("pk"))
            translations = (
                translations.annotate(restricted=Exists(restrictions))
                .select_related("locale")
                .only(*_LEVEL_FIELDS, "url_path", "live", "locale")
            )
        levels = []
        for translation in translations:
            levels.append(own_level(translation))
            if _SERVING in page.__dict__:
                page.__dict__[_SERVING].setdefault("translations", []).append(translation)
                if translation.pk == page.pk:
                    page.__dict__[_SERVING]["restricted"] = translation.restricted
        level = stricter(*levels) if levels else AccessLevel.PUBLIC
    if _SERVING in page.__dict__:
        page.__dict__[_SERVING]["level"] = level
    return level


def served_translations(page: Page) -> list[Page] | None:
    """The translations of the entry being served (itself included, live or not, with
    their locale and address), when its access level has been read; else None."""
    return page.__dict__.get(_SERVING, {}).get("translations")


def serving(page: Page) -> None:
    """Mark `page` as the one being served to this request: the access checks that run
    several times while it is served (before serving, in its context, in its embed
    links) then ask the database once each. Only the serving hook calls this, on the
    page instance routed for this request, so nothing outlives the request."""
    page.__dict__.setdefault(_SERVING, {})


def page_visible_to(user, page: Page, levels: list[str] | None = None) -> bool:
    """Whether `visible_to` lets `page` through for `user` (at `levels`). For an anonymous
    visitor and a structure page (home, a listing: no access level of its own), the
    answer is read from the structure kept per generation (heritage/structure.py)."""
    memo = page.__dict__.get(_SERVING)
    key = ("visible", user.pk, tuple(allowed_levels(user) if levels is None else levels))
    if memo is not None and key in memo:
        return memo[key]
    known = structure()
    wider = memo.get(("visible", user.pk, tuple(allowed_levels(user)))) if memo is not None else None
    if wider and levels is not None and set(levels) <= set(allowed_levels(user)) and entry_level(page) in levels:
        # Visible at every level the user reads, and the entry's strictest level (all its
        # translations, consent and embargo) is among the narrower `levels`.
        visible = True
    elif not user.is_authenticated and page.pk in known.by_id:
        held = known.by_id[page.pk]
        visible = held.live and not known.restrictions_above(held)
    elif not user.is_authenticated and _served_entry_checked(page, key[2]):
        # The served entry's translations and own restriction are read once (`entry_level`);
        # every restriction hides a page from anonymous visitors, those above it are known.
        visible = (
            page.live
            and not memo["restricted"]
            and entry_level(page) in key[2]
            and not any(page.path.startswith(path) for path in known.restricted_branch_paths())
        )
    else:
        visible = visible_to(Page.objects.filter(pk=page.pk), user, levels=levels).exists()
    if memo is not None:
        memo[key] = visible
        if visible and not user.is_authenticated:
            memo["unrestricted"] = True
    return visible


def _served_entry_checked(page: Page, levels: tuple[str, ...]) -> bool:
    """Whether the served entry's level and own restriction are known (`entry_level`), for
    levels among those everyone reads (where "the entry's strictest level is among them"
    is what `visible_to` asks of every translation's access, consent and embargo)."""
    if _SERVING not in page.__dict__ or AccessLevel.PUBLIC not in levels or not set(levels) <= set(READ_BY_EVERYONE):
        return False
    entry_level(page)
    return "restricted" in page.__dict__[_SERVING]


def known_unrestricted(page: Page) -> bool:
    """Whether, while `page` is served, an anonymous visitor was found to see it: then no
    view restriction lies on it or above it (`visible_to` hides every restricted page
    from anonymous visitors)."""
    return page.__dict__.get(_SERVING, {}).get("unrestricted", False)


class KnownRestrictionsMixin:
    """For page models: Wagtail's own view-restriction check (two queries) is skipped for
    a page this request already found open to anonymous visitors."""

    def get_view_restrictions(self):
        if known_unrestricted(self):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


def visible_to(queryset: QuerySet, user, levels: list[str] | None = None) -> QuerySet:
    """Live pages from `queryset` that `user` may open: the one rule behind every public
    route (pages, listings, search, API, sitemap, embeds, files). Entries are checked on
    the access field of every translation and on the mirrored view restrictions, so
    either one alone suffices to hide an entry. Prefer `EntryPage.objects.visible_to(user)`
    for entries. `levels` narrows the levels let through (`file_levels` for files)."""
    queryset = queryset.live()
    user = user or AnonymousUser()
    if user.is_superuser:
        return queryset
    levels = allowed_levels(user) if levels is None else levels
    if "access_level" in {field.name for field in queryset.model._meta.get_fields()}:
        # A filter the search node applies too (it is indexed), so its totals and facet
        # counts never include entries the visitor may not see.
        queryset = queryset.filter(access_level__in=levels, consent_level__in=levels)
        if AccessLevel.RESTRICTED not in levels:
            queryset = queryset.filter(Q(embargo_until__isnull=True) | Q(embargo_until__lte=timezone.localdate()))
    queryset = queryset.exclude(translation_key__in=_entries_outside(levels))
    hidden = PageViewRestriction.objects.all()
    if user.is_authenticated:
        hidden = hidden.exclude(restriction_type=PageViewRestriction.GROUPS, groups__in=user.groups.all()).exclude(
            restriction_type=PageViewRestriction.LOGIN
        )
    return queryset.exclude(_restricted_q(hidden, anonymous=not user.is_authenticated))


def _entries_outside(levels: list[str]) -> QuerySet:
    """Translation keys of the entries with a translation at a level outside `levels`,
    by its access field, by its contributors' consent or by an embargo in force: whatever
    the queryset's model (`Page` in the API and for files), these fields hide an entry even
    when its mirrored restriction was changed by hand. Asked as what is outside (indexed
    fields), so only the few such entries are read, not every entry."""
    entry_model = apps.get_model("heritage", "EntryPage")
    others = [level for level in AccessLevel.values if level not in levels]
    outside = Q(access_level__in=others) | Q(consent_level__in=others) if others else Q()
    if AccessLevel.RESTRICTED not in levels:
        outside |= Q(embargo_until__gt=timezone.localdate())
    if not outside:
        return entry_model.objects.none().values("translation_key")
    return entry_model.objects.filter(outside).values("translation_key")


def entry_levels(entries: list) -> None:
    """Fill `entry_access_level` of each entry (`entry_level`) with one query for all of
    them, for pages that list many."""
    entry_model = apps.get_model("heritage", "EntryPage")
    keys = {entry.translation_key for entry in entries}
    by_key: dict = {}
    for translation in entry_model.objects.filter(translation_key__in=keys).only(*_LEVEL_FIELDS):
        by_key.setdefault(translation.translation_key, []).append(own_level(translation))
    for entry in entries:
        levels = by_key.get(entry.translation_key) or [own_level(entry)]
        entry.__dict__["entry_access_level"] = stricter(*levels)


def _restricted_q(restrictions: QuerySet, anonymous: bool = False) -> Q:
    """Pages under any of `restrictions`. Entries are leaves, so their restrictions (the
    many) are one subquery; the few on pages with children (structure pages) hide whole
    sections, and for anonymous visitors (every restriction hides) those are known from
    the structure kept per generation."""
    condition = Q(pk__in=restrictions.filter(page__numchild=0).values("page_id"))
    if anonymous:
        paths = structure().restricted_branch_paths()
    else:
        # Asked from the few restricted pages, not by joining every page to them (22 ms at 20,000 entries).
        sections = Page.objects.filter(pk__in=restrictions.values("page_id"), numchild__gt=0)
        paths = list(sections.values_list("path", flat=True))
    for path in paths:
        condition |= Q(path__startswith=path)
    return condition


def public_sections(home: Page) -> list[Page]:
    """The live children of a home page that no view restriction hides on them or above,
    specific, from the structure kept per generation: a home page holds only structure
    pages."""
    known = structure()
    return [child for child in known.children(home) if child.live and not known.restrictions_above(child)]


def user_may_view_page(user, page: Page) -> bool:
    """Whether `user` may open `page` at its address: by their groups, or by a grant."""
    readable = entry_level(page) in allowed_levels(user)
    return (readable and page_visible_to(user, page)) or holds_grant(user, page)


def files_open_to(user, page: Page) -> bool:
    """Whether `user` may have the files of the media section of `page` (an entry they may
    open): by their groups, or by a grant. People who work in the admin have every file
    (they preview drafts), as in heritage/files.py."""
    if user.has_perm("wagtailadmin.access_admin"):
        return True
    levels = file_levels(user)
    return (entry_level(page) in levels and page_visible_to(user, page, levels)) or holds_grant(user, page)


def active_grant(user, page: Page):
    """The grant in force today that opens the entry of `page` (any translation) to `user`,
    or None. A grant never opens an entry that consent has narrowed past its access level
    (a withdrawal closes grants too), nor a page that is not live."""
    if not user.is_authenticated or not page.live:
        return None
    grant_model = apps.get_model("access_requests", "AccessGrant")
    grant = grant_model.objects.in_force().filter(user=user, entry__translation_key=page.translation_key).first()
    if grant is None:
        return None
    translations = apps.get_model("heritage", "EntryPage").objects.filter(translation_key=page.translation_key)
    levels = translations.values_list("access_level", "consent_level")
    if any(opens_more_than(access, consent) for access, consent in levels) or _consent_closes_grants(page):
        return None
    return grant


def holds_grant(user, page: Page) -> bool:
    return active_grant(user, page) is not None


def grant_opening_recording(user, page: Page, media):
    """The grant of `user`'s that opens the recording `media` placed in `page`, or None: a
    recording whose own level is narrower than its entry's is not the grant's to open."""
    if opens_more_than(entry_level(page), media.access_level):
        return None
    return active_grant(user, page)


def _consent_closes_grants(page: Page) -> bool:
    """A person who withdrew, whose consent ended, or who agreed to no publication at all
    closes the entry to every grant."""
    from heritage.consent import records_in_force  # it imports this module
    from heritage.models.consent import ConsentScope

    today = timezone.localdate()
    return any(
        record.withdrawn_at is not None or record.has_ended(today) or record.scope == ConsentScope.NOT_PUBLISHED
        for record in records_in_force(page.translation_key)
    )


def may_ask_to_sign_in(user, page: Page) -> bool:
    """Whether a refusal of `page` may tell `user` that signing in could open it: only an
    anonymous visitor, and only for a researchers-only entry. Every other refusal is the
    same "not found" as for a page that does not exist."""
    return not user.is_authenticated and entry_level(page) == AccessLevel.RESEARCHERS


def may_ask_for_access(user, page: Page) -> bool:
    """Whether a refusal of `page` may offer `user` to ask for access: a signed-in visitor
    who is not (yet) a researcher, at a researchers-only entry. ("On request" entries
    offer it on their own page.)"""
    return user.is_authenticated and entry_level(page) == AccessLevel.RESEARCHERS and not user_may_view_page(user, page)
