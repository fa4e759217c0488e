"""What the home page and the listings show of the archive as a whole (the ethnic groups
with entries, and their counts) is kept for anonymous visitors per page-cache generation
and day (heritage.models.site.for_visitor). Taking an entry out of public view, or
lifting an embargo on its day, shows on the next request; signed-in visitors get their
own answer (the positive control)."""

from datetime import timedelta

import pytest

from django.db.models import Count, Q
from django.utils import timezone

from heritage.access import AccessLevel
from heritage.embargo import apply_embargoes
from heritage.models import EthnicGroup, FestivalIndexPage, FestivalPage, HomePage
from tests.heritage.helpers import soup

pytestmark = pytest.mark.django_db


def _listing_options(client) -> set[str]:
    listing = FestivalIndexPage.objects.live().get(locale__language_code="vi")
    return {
        option["value"] for option in soup(client.get(listing.url)).select("#filter-group option") if option["value"]
    }


def _home_counts(client) -> dict[str, str]:
    home = HomePage.objects.live().get(locale__language_code="vi")
    chips = soup(client.get(home.url)).select("ul.chips li a")
    return {
        chip["href"].rstrip("/").rsplit("/", 1)[-1]: chip.select_one(".count").get_text(strip=True) for chip in chips
    }


def _sole_public_festival() -> tuple[EthnicGroup, FestivalPage]:
    """A group with exactly one live festival in Vietnamese, a public one."""
    festivals = Q(entries__festivalpage__isnull=False, entries__live=True, entries__locale__language_code="vi")
    group = EthnicGroup.objects.annotate(n=Count("entries", filter=festivals, distinct=True)).filter(n=1).first()
    entry = FestivalPage.objects.live().get(ethnic_groups=group, locale__language_code="vi")
    assert entry.access_level == AccessLevel.PUBLIC
    return group, entry


def _publish(entry, reviewer, **fields) -> None:
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.save_revision(user=reviewer).publish(user=reviewer)


def test_the_listing_filter_drops_a_group_whose_only_entry_leaves_public_view(client, reviewer, researcher):
    group, entry = _sole_public_festival()
    assert group.code in _listing_options(client)
    _publish(entry, reviewer, access_level=AccessLevel.RESEARCHERS)
    assert group.code not in _listing_options(client)
    client.force_login(researcher)
    assert group.code in _listing_options(client)


def test_the_home_counts_drop_an_entry_that_leaves_public_view(client, reviewer, researcher):
    before = _home_counts(client)
    code = next(iter(before))
    entry = FestivalPage.objects.live().filter(
        ethnic_groups__code=code, locale__language_code="vi", access_level=AccessLevel.PUBLIC
    ).first() or next(
        page.specific
        for page in EthnicGroup.objects.get(code=code).entries.live().filter(locale__language_code="vi")
        if page.access_level == AccessLevel.PUBLIC
    )
    _publish(entry, reviewer, access_level=AccessLevel.RESEARCHERS)
    assert _home_counts(client).get(code) != before[code]
    client.force_login(researcher)
    assert _home_counts(client)[code] == before[code]


def test_an_embargo_lifted_on_its_day_shows_on_the_next_request(client, reviewer, monkeypatch):
    group, entry = _sole_public_festival()
    today = timezone.localdate()
    _publish(entry, reviewer, embargo_until=today + timedelta(days=1))
    assert group.code not in _listing_options(client)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + timedelta(days=1))
    assert apply_embargoes() == 1
    assert group.code in _listing_options(client)
