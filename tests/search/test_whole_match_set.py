"""On the database index the total, the facet counts, the filters and the date order cover
every match, not only the best ones that pages reach, and matches come best first in the
order modelsearch itself gives."""

import pytest

from django.contrib.auth.models import AnonymousUser

from wagtail.models import Locale

from heritage.access import visible_to
from heritage.models import EntryPage
from heritage.stemming import stem_words
from search.database_index import ranked_ids
from search.facets import entry_values

pytestmark = pytest.mark.django_db

QUERY = "festival"


def every_match(query: str = QUERY, language: str = "en") -> list[int]:
    """The oracle: modelsearch's own results for the query, then for its English stems (as
    the English site searches), with no limit."""
    entries = visible_to(EntryPage.objects.filter(locale=Locale.objects.get(language_code=language)), AnonymousUser())
    exact = [page.pk for page in entries.search(query, operator="and")]
    stemmed = [page.pk for page in entries.search(stem_words(query), operator="and") if page.pk not in exact]
    return exact + stemmed


def facet(response, name: str) -> dict[str, int]:
    for item in response.context["facets"]:
        if item.name == name:
            return {value.key: value.count for value in item.values}
    return {}


@pytest.fixture
def pages_reach_two(monkeypatch):
    monkeypatch.setattr("search.query.MAX_MATCHES", 2)


def test_total_and_counts_cover_matches_the_pages_do_not_reach(client, pages_reach_two):
    matches = every_match()
    assert len(matches) > 2, "more matches than the pages reach"
    response = client.get("/en/search/", {"q": QUERY})
    assert response.context["results"].paginator.count == 2
    assert response.context["total"] == len(matches)
    assert sum(facet(response, "type").values()) == len(matches)
    values = entry_values(matches)
    groups = facet(response, "group")
    assert groups and all(count == sum(code in values["group"][pk] for pk in matches) for code, count in groups.items())
    assert facet(response, "has") == {
        key: sum(key in values["has"][pk] for pk in matches) for key in facet(response, "has")
    }


def test_a_filter_narrows_every_match_and_its_count_is_what_it_gives(client, pages_reach_two):
    matches = every_match()
    values = entry_values(matches)
    everything = client.get("/en/search/", {"q": QUERY})
    named = [item.name for item in everything.context["facets"]]
    assert {"group", "province", "type"} <= set(named)
    for name in named:
        key, count = max(facet(everything, name).items(), key=lambda item: item[1])
        narrowed = client.get("/en/search/", {"q": QUERY, name: key})
        expected = [pk for pk in matches if key in values[name][pk]]
        assert narrowed.context["total"] == count == len(expected), name
        assert {result.entry.pk for result in narrowed.context["results"]} <= set(expected)


def test_sorting_by_date_orders_every_match(client, monkeypatch):
    # The recordings: most of the demo's dated entries are among them.
    matches = every_match("ban ghi", "vi")
    dates = dict(EntryPage.objects.filter(pk__in=matches).values_list("pk", "documented_on"))
    newest = max(date for date in dates.values() if date)
    position = next(index for index, pk in enumerate(matches) if dates[pk] == newest)
    assert position >= 1, "the newest recording is not the best match"
    # Pages reach only the best matches before it.
    monkeypatch.setattr("search.query.MAX_MATCHES", position)
    by_date = client.get("/vi/search/", {"q": "ban ghi", "sort": "date"}).context["results"]
    assert [result.entry.documented_on for result in by_date][0] == newest


@pytest.mark.parametrize("query", ["festival", "le hoi", "Lễ hội", "moon", "ban ghi"])
def test_matches_come_in_modelsearchs_order(query):
    entries = visible_to(EntryPage.objects.all(), AnonymousUser())
    expected = [page.pk for page in entries.search(query, operator="and")]
    visible = set(expected)
    ranked = [pk for pk in ranked_ids(entries.search(query, operator="and")) if pk in visible]
    assert expected and ranked == expected
