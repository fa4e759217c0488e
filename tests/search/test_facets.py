"""Researchers narrow results by group, province, type, language, decade and media, sort
them, and take the whole result set away as CSV; hidden entries never show in any of it."""

import csv
import io
import re
from collections import Counter

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from heritage.access import READ_BY_EVERYONE, AccessLevel
from heritage.models import EntryPage
from tests.heritage.helpers import distinctive_word

pytestmark = pytest.mark.django_db


def search(client, **params):
    response = client.get("/vi/search/", params)
    assert response.status_code == 200
    return response


def facet(response, name: str) -> dict[str, int]:
    for item in response.context["facets"]:
        if item.name == name:
            return {value.key: value.count for value in item.values}
    return {}


def titles(response) -> list[str]:
    return [result.entry.title for result in response.context["results"]]


def test_facets_count_the_results_and_filters_narrow_them(client):
    everything = search(client, q="le hoi")
    total = everything.context["results"].paginator.count
    assert total > 1
    assert sum(facet(everything, "type").values()) == total
    groups = facet(everything, "group")
    code, count = max(groups.items(), key=lambda item: item[1])
    narrowed = search(client, q="le hoi", group=code)
    assert narrowed.context["results"].paginator.count == count
    for entry in (result.entry for result in narrowed.context["results"]):
        assert code in {group.code for group in entry.ethnic_groups.all()}
    # The chosen value is marked and its link removes it again.
    chosen = next(value for item in narrowed.context["facets"] for value in item.values if value.key == code)
    assert chosen.selected and f"group={code}" not in chosen.url


def test_browsing_by_filters_alone_and_media_facets(client):
    recordings = search(client, type="recording")
    assert (
        recordings.context["results"].paginator.count
        == EntryPage.objects.filter(
            content_type__model="recordingpage",
            locale__language_code="vi",
            live=True,
            access_level__in=READ_BY_EVERYONE,
        ).count()
    )
    has = facet(search(client, has="video"), "has")
    assert has["video"] == search(client, has="video").context["results"].paginator.count
    assert "transcript" in facet(recordings, "has")
    assert facet(recordings, "language"), "recordings have languages to narrow by"


def test_hidden_entries_never_reach_results_counts_or_csv(client, django_user_model):
    restricted = EntryPage.objects.filter(access_level=AccessLevel.RESTRICTED, locale__language_code="vi").first()
    word = distinctive_word(restricted)
    kind = restricted.specific_class.__name__.lower().removesuffix("page")

    def seen() -> tuple[list[bool], int]:
        response = search(client, q=word)
        assert sum(facet(response, "type").values()) == response.context["results"].paginator.count
        found = [
            restricted.title in titles(response),
            restricted.title in titles(search(client, type=kind)),
            restricted.title in client.get("/vi/search/", {"q": word, "format": "csv"}).getvalue().decode(),
        ]
        return found, facet(response, "type").get(kind, 0)

    found, anonymous_count = seen()
    assert found == [False] * 3
    # The same calls, by an officer allowed to see the entry, find and count it.
    client.force_login(django_user_model.objects.get(username="officer"))
    found, officer_count = seen()
    assert found == [True] * 3
    assert officer_count > anonymous_count


def test_results_sort_by_date_recorded(client):
    # The recordings: most of the demo's dated entries are among them.
    by_relevance = search(client, q="ban ghi")
    response = search(client, q="ban ghi", sort="date")
    dates = [result.entry.documented_on for result in response.context["results"] if result.entry.documented_on]
    assert len(dates) >= 3, "enough dated results to tell an order"
    assert dates == sorted(dates, reverse=True)
    relevance_dates = [r.entry.documented_on for r in by_relevance.context["results"] if r.entry.documented_on]
    assert sorted(relevance_dates) == sorted(dates) and relevance_dates != dates, "sorting changed the order"


def test_csv_holds_the_whole_result_set_with_stable_links_and_licences(client):
    page_view = search(client, q="le hoi")
    response = client.get("/vi/search/", {"q": "le hoi", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert len(rows) == page_view.context["results"].paginator.count
    first = rows[0]
    assert first["url"].startswith("http") and "/e/" in first["url"]
    assert first["licence"] and first["ethnic_groups"] and first["places"]
    assert [row["title"] for row in rows][: len(titles(page_view))] == titles(page_view)


def test_a_query_matching_too_much_keeps_the_best_matches_and_says_so(client, monkeypatch):
    monkeypatch.setattr("search.query.MAX_MATCHES", 2)
    response = client.get("/en/search/", {"q": "festival"})
    assert response.context["results"].paginator.count == 2
    assert "These are the 2 best matches" in response.content.decode().replace("\n", " ")


def test_a_page_past_the_last_shows_the_last_page_and_the_count_is_the_total(client):
    everything = {"type": ["festival", "custom", "recording"]}
    first = search(client, **everything)
    last = search(client, **everything, page="99")
    assert last.context["results"].number == first.context["results"].paginator.num_pages
    assert titles(last) and last.context["total"] == first.context["total"] == first.context["results"].paginator.count
    shown = re.search(r'class="result-count"[^>]*>\s*(\d+)', first.content.decode())
    assert shown and int(shown.group(1)) == first.context["total"]


def test_a_page_of_results_loads_its_cards_recordings_and_captions_at_once(client, monkeypatch):
    def page_of(size: int) -> tuple[Counter, list]:
        monkeypatch.setattr("search.views.ENTRIES_PER_PAGE", size)
        with CaptureQueriesContext(connection) as queries:
            response = search(client, q="ban ghi")
        tables = Counter(re.search(r'FROM "(\w+)"', query["sql"]).group(1) for query in queries.captured_queries)
        return tables, list(response.context["results"])

    # The first search also reads what is kept per generation (page_cache/memo.py).
    page_of(1)
    one_tables, one = page_of(1)
    many_tables, many = page_of(20)
    assert len(one) == 1 and len([result for result in many if result.entry.audio_video_blocks]) >= 3
    for table in ("media_pipeline_mediaasset", "media_pipeline_captiontrack", "heritage_entryplace"):
        assert many_tables[table] == one_tables[table], table
