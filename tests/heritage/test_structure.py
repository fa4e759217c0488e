"""The structure every page reads (sites, home and section pages, their view restrictions)
is kept in each process for one generation of the page cache (heritage/structure.py),
with the page cache off as well. A change made through another process reaches this one
only through the generation: these tests make it as another process would (writes that
send no signal here) and start a new generation as that process's signal would."""

import string

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from wagtail.models import Locale, Page, PageViewRestriction, Site

from heritage.access import GROUPS_FOR_LEVEL, AccessLevel
from heritage.models import EntryPage, EthnicGroupIndexPage, FestivalIndexPage, FestivalPage, HomePage
from heritage.structure import structure
from page_cache.generation import _new_generation
from page_cache.signal_handlers import watched
from tests.heritage.helpers import page_text, soup

pytestmark = pytest.mark.django_db


def _entry_on_home(client) -> EntryPage:
    """A public entry that the Vietnamese home page shows among its latest entries."""
    home = page_text(client.get("/vi/"))
    entries = EntryPage.objects.live().filter(
        locale__language_code="vi", access_level=AccessLevel.PUBLIC, consent_level=AccessLevel.PUBLIC
    )
    return next(entry for entry in entries.order_by("-first_published_at") if entry.title in home)


def _nav_links(response) -> set[str]:
    return {link["href"] for link in soup(response).select("nav.site-nav a")}


def _another_process_changes(write) -> None:
    """`write()` as another worker would make it: nothing is sent to this process's
    signal handlers; then that worker's handler starts a new generation."""
    write()
    _new_generation()


def _tables_read(client, url: str) -> set[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return {table for query in queries for table in ("wagtailcore_site", "wagtailcore_locale") if table in query["sql"]}


def test_pages_read_the_structure_once_per_generation_with_the_page_cache_off(client, settings):
    assert settings.PAGE_CACHE_SECONDS == 0
    client.get("/vi/")
    assert _tables_read(client, "/vi/") == set()
    # Control: a new generation makes the next page read the sites and locales again.
    _new_generation()
    assert _tables_read(client, "/vi/") == {"wagtailcore_site", "wagtailcore_locale"}


def test_a_section_restricted_through_another_process_leaves_every_page_at_once(client):
    entry = _entry_on_home(client)
    listing = entry.get_parent()
    # Positive control: before the change, the listing and its entry are open to everyone.
    assert client.get(listing.url).status_code == 200
    assert listing.url in _nav_links(client.get("/vi/"))
    assert client.get(entry.url).status_code == 200
    assert entry.title in page_text(client.get(listing.url))

    def restrict():
        restriction = PageViewRestriction.objects.bulk_create(
            [PageViewRestriction(page=listing, restriction_type=PageViewRestriction.GROUPS)]
        )[0]
        restriction.groups.through.objects.bulk_create(
            [
                restriction.groups.through(pageviewrestriction_id=restriction.pk, group_id=group.pk)
                for group in Group.objects.filter(name__in=GROUPS_FOR_LEVEL[AccessLevel.RESTRICTED])
            ]
        )

    _another_process_changes(restrict)

    assert client.get(listing.url).status_code == 404
    assert listing.url not in _nav_links(client.get("/vi/"))
    assert client.get(entry.url).status_code == 404
    assert entry.title not in page_text(client.get("/vi/"))
    # Another section is still there.
    groups = EthnicGroupIndexPage.objects.get(locale__language_code="vi")
    assert client.get(groups.url).status_code == 200


def test_a_section_unpublished_through_another_process_leaves_navigation_and_routing_at_once(client):
    groups = EthnicGroupIndexPage.objects.get(locale__language_code="vi")
    assert client.get(groups.url + "tay/").status_code == 200
    assert groups.url in _nav_links(client.get("/vi/"))

    _another_process_changes(lambda: Page.objects.filter(pk=groups.pk).update(live=False))

    assert client.get(groups.url).status_code == 404
    assert client.get(groups.url + "tay/").status_code == 404
    assert groups.url not in _nav_links(client.get("/vi/"))


def _english_link(client, url: str) -> str:
    return next(link["href"] for link in soup(client.get(url)).select("nav.lang-switch a") if link["hreflang"] == "en")


def test_a_translation_unpublished_through_another_process_leaves_the_language_links_at_once(client):
    listing = FestivalIndexPage.objects.get(locale__language_code="vi")
    english = FestivalIndexPage.objects.get(locale__language_code="en")
    assert _english_link(client, listing.url) == english.url

    _another_process_changes(lambda: Page.objects.filter(pk=english.pk).update(live=False))

    assert _english_link(client, listing.url) == HomePage.objects.get(locale__language_code="en").url
    assert client.get(english.url).status_code == 404


def test_consent_withdrawn_through_another_process_hides_the_entry_at_once(client):
    entry = _entry_on_home(client)
    assert client.get(entry.url).status_code == 200
    assert entry.title in page_text(client.get(entry.get_parent().url))

    _another_process_changes(lambda: EntryPage.objects.filter(pk=entry.pk).update(consent_level=AccessLevel.RESTRICTED))

    assert client.get(entry.url).status_code == 404
    assert entry.title not in page_text(client.get(entry.get_parent().url))
    assert entry.title not in page_text(client.get("/vi/"))


def test_every_model_the_structure_reads_is_watched():
    page_models = [model for model in apps.get_models() if issubclass(model, Page)]
    read = [Site, Locale, PageViewRestriction, PageViewRestriction.groups.through, *page_models]
    assert [model._meta.label for model in read if not watched(model)] == []
    # Control: a model no page shows is not watched.
    assert not watched(apps.get_model("sessions", "Session"))


def test_structure_holds_no_entry_and_every_page_above_one():
    known = structure()
    assert not any(isinstance(page, EntryPage) for page in known.pages)
    entry = FestivalPage.objects.live().first()
    assert [page.pk for page in known.ancestors_or_self(entry)] == list(
        entry.get_ancestors().values_list("pk", flat=True)
    )


# Slugs that exist somewhere in the tree, and some that do not.
def _slugs() -> list[str]:
    return sorted(set(Page.objects.values_list("slug", flat=True))) + ["tay", "tuyen-quang", "x", "ha-giang"]


def _comparable(route) -> tuple:
    """A route result with the views of routable pages as functions (bound methods of two
    instances of one page never compare equal)."""
    page, args, kwargs = route
    return page.pk, type(page), tuple(getattr(arg, "__func__", arg) for arg in args), kwargs


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_routing_finds_what_wagtails_walk_down_the_tree_finds(data):
    """Our one-step routing against Wagtail's own (`Page.route`, a slug at a time), on
    paths made of real slugs in any order and depth, and made-up ones."""
    slugs = _slugs()
    part = st.one_of(st.sampled_from(slugs), st.text(string.ascii_lowercase + "-", min_size=1, max_size=8))
    components = data.draw(st.lists(part, max_size=4))
    for language in ("vi", "en"):
        home = HomePage.objects.get(locale__language_code=language)
        request = RequestFactory().get("/")
        try:
            expected = Page.route(home, request, list(components))
        except Exception as error:  # noqa: BLE001 - compared below
            expected = type(error)
        try:
            found = home.route(request, list(components))
        except Exception as error:  # noqa: BLE001
            found = type(error)
        if isinstance(expected, type):
            assert found is expected, (language, components)
        else:
            assert found is not None and not isinstance(found, type), (language, components, found)
            assert _comparable(found) == _comparable(expected), (language, components)


def test_the_page_served_is_a_copy_that_takes_nothing_of_the_request_back_to_the_structure(client):
    home = HomePage.objects.get(locale__language_code="vi")
    assert client.get(home.url).status_code == 200
    held = structure().by_id[home.pk]
    assert [name for name in vars(held) if "served" in name] == []
    # Control: the page actually served carries this request's access checks.
    response = client.get(home.url)
    assert "_access_while_served" in vars(response.context["page"])
