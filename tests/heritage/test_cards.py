"""An entry card names the entry's ethnic groups and places, in their order, on every page
that shows cards (home, listing, ethnic group, province), in both languages; and a
renamed group or place shows on the next request (what cards read is kept per
generation)."""

import pytest

from django.utils import timezone

from heritage.models import EntryPage, EthnicGroup, EthnicGroupIndexPage, FestivalIndexPage, HomePage, PlaceIndexPage
from tests.heritage.helpers import soup
from tests.heritage.test_site import public_entry


def _card_of(client, url: str, entry) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    for card in soup(response).select("li.card"):
        if card.find("a", href=entry.url):
            return " ".join(card.get_text(" ").split())
    raise AssertionError(f"no card for {entry.url} on {url}")


def _pages_with_cards(entry, language: str) -> list[str]:
    group = entry.ethnic_groups.order_by("number").first()
    province = entry.places.first().place.current_province()
    groups = EthnicGroupIndexPage.objects.live().get(locale__language_code=language)
    places = PlaceIndexPage.objects.live().get(locale__language_code=language)
    return [
        HomePage.objects.live().get(locale__language_code=language).url,
        FestivalIndexPage.objects.live().get(locale__language_code=language).url,
        groups.url + EthnicGroupIndexPage.group_path(group),
        f"{places.url}{province.code}/",
    ]


def _festival_with_groups_and_places(language: str):
    entry = public_entry(language, festivalpage__isnull=False, places__isnull=False, ethnic_groups__isnull=False)
    assert entry is not None
    # The newest entry, so that its card is on the first page of every list, home included.
    EntryPage.objects.filter(translation_key=entry.translation_key).update(first_published_at=timezone.now())
    return entry


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_card_names_the_entrys_groups_and_places_in_order(client, language):
    entry = _festival_with_groups_and_places(language)
    with_language = {"vi": "name_vi", "en": "name_en"}[language]
    groups = [getattr(group, with_language) or group.name_vi for group in entry.ethnic_groups.order_by("number")]
    places = [getattr(ep.place, with_language) or ep.place.name_vi for ep in entry.places.all()]
    for url in _pages_with_cards(entry, language):
        text = _card_of(client, url, entry)
        assert ", ".join(groups) in text, (url, text)
        assert ", ".join(places) in text, (url, text)


@pytest.mark.django_db
def test_a_renamed_group_and_place_show_on_the_next_cards(client):
    entry = _festival_with_groups_and_places("vi")
    urls = _pages_with_cards(entry, "vi")
    for url in urls:
        _card_of(client, url, entry)  # what cards read is now kept
    group = entry.ethnic_groups.order_by("number").first()
    place = entry.places.first().place
    group.name_vi, place.name_vi = "Nhóm Đổi Tên", "Nơi Đổi Tên"
    group.save()
    place.save()
    for url in urls:
        text = _card_of(client, url, entry)
        assert "Nhóm Đổi Tên" in text and "Nơi Đổi Tên" in text, (url, text)


@pytest.mark.django_db
def test_an_entry_page_lists_its_saved_groups_and_a_preview_its_unsaved_choice():
    entry = _festival_with_groups_and_places("vi")
    saved = list(entry.ethnic_groups.order_by("number"))
    assert EntryPage.objects.get(pk=entry.pk).specific.ordered_groups == saved
    other = EthnicGroup.objects.exclude(pk__in=[group.pk for group in saved]).order_by("number").first()
    preview = EntryPage.objects.get(pk=entry.pk).specific
    preview.ethnic_groups = [other]  # as the editor's preview holds it, unsaved
    assert preview.ordered_groups == [other]
