"""Where each kind of page may be created: officers only get sensible choices in the admin."""

import pytest

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from heritage.models import (
    CustomIndexPage,
    CustomPage,
    EntryPage,
    EthnicGroupIndexPage,
    FestivalIndexPage,
    FestivalPage,
    HomePage,
    PlaceIndexPage,
    RecordingIndexPage,
    RecordingPage,
)

ENTRY_UNDER_INDEX = {FestivalPage: FestivalIndexPage, CustomPage: CustomIndexPage, RecordingPage: RecordingIndexPage}
INDEX_PAGES = [FestivalIndexPage, CustomIndexPage, RecordingIndexPage, EthnicGroupIndexPage, PlaceIndexPage]


class PageTypeRules(WagtailPageTestCase):
    def test_each_entry_type_lives_only_under_its_own_listing(self):
        for entry_type, index_type in ENTRY_UNDER_INDEX.items():
            self.assertAllowedParentPageTypes(entry_type, {index_type})
            self.assertAllowedSubpageTypes(index_type, {entry_type})
            self.assertAllowedSubpageTypes(entry_type, set())

    def test_listing_and_browsing_pages_only_under_the_home_page(self):
        for index_type in INDEX_PAGES:
            self.assertAllowedParentPageTypes(index_type, {HomePage})
        self.assertAllowedSubpageTypes(HomePage, set(INDEX_PAGES))
        self.assertAllowedSubpageTypes(EthnicGroupIndexPage, set())
        self.assertAllowedSubpageTypes(PlaceIndexPage, set())

    def test_home_page_only_at_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertCanNotCreateAt(FestivalIndexPage, HomePage)  # already one there in the demo


@pytest.mark.django_db
def test_the_shared_entry_base_is_never_offered():
    assert EntryPage.is_creatable is False
    for parent in Page.objects.live().specific():
        assert not EntryPage.can_create_at(parent)


@pytest.mark.django_db
def test_a_festival_can_be_added_to_the_festival_listing_but_nowhere_else():
    festivals = FestivalIndexPage.objects.get(locale__language_code="vi")
    customs = CustomIndexPage.objects.get(locale__language_code="vi")
    home = HomePage.objects.get(locale__language_code="vi")
    assert FestivalPage.can_create_at(festivals)
    assert not FestivalPage.can_create_at(customs)
    assert not FestivalPage.can_create_at(home)
    assert not FestivalPage.can_create_at(Page.get_first_root_node())
    a_festival = FestivalPage.objects.first()
    assert not CustomPage.can_create_at(a_festival)
    assert not FestivalPage.can_create_at(a_festival)


@pytest.mark.django_db
def test_only_one_listing_of_each_kind_per_home_page():
    home = HomePage.objects.get(locale__language_code="vi")
    for index_type in INDEX_PAGES:
        assert index_type.objects.child_of(home).count() == 1
        assert not index_type.can_create_at(home)


@pytest.mark.django_db
def test_an_index_cannot_be_moved_out_from_under_the_home_page():
    festivals = FestivalIndexPage.objects.get(locale__language_code="vi")
    customs = CustomIndexPage.objects.get(locale__language_code="vi")
    assert not festivals.can_move_to(customs)
    assert not festivals.can_move_to(Page.get_first_root_node())


OWN_FACT = {
    FestivalPage: lambda entry: entry.lunar_date or entry.participants,
    CustomPage: lambda entry: entry.get_category_display(),
    RecordingPage: lambda entry: entry.get_genre_display(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_entry_type_shows_its_own_facts_and_has_a_section_on_group_pages(client, language):
    from django.utils import translation

    from heritage.models import ENTRY_TYPES
    from tests.heritage.helpers import soup

    for entry_type in ENTRY_TYPES:
        entry = entry_type.objects.live().filter(locale__language_code=language, access_level="public").first()
        facts = soup(client.get(entry.url)).select_one("dl.facts").get_text(" ", strip=True)
        with translation.override(language):
            own_facts = str(OWN_FACT[entry_type](entry))
        assert own_facts and own_facts in facts, (entry_type, facts)

        group = entry.ethnic_groups.first()
        groups_page = EthnicGroupIndexPage.objects.get(locale=entry.locale)
        page = soup(client.get(groups_page.url + groups_page.reverse_subpage("group_detail", args=[group.code])))
        headings = [heading.get_text(strip=True) for heading in page.select("article section h2")]
        with translation.override(language):
            assert headings == [str(kind._meta.verbose_name_plural).capitalize() for kind in ENTRY_TYPES]
        assert entry.title in page.get_text()
