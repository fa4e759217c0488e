"""Whole pages for anonymous visitors come from the page cache, and any change that
alters what a public page shows takes the entry off every cached page at once."""

import gzip
import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Locale

from heritage.access import AccessLevel
from heritage.consent import withdraw
from heritage.models import ConsentRecord, EntryPage, EthnicGroupIndexPage, PlaceIndexPage
from heritage.models.site import HomePage
from page_cache.generation import current_generation
from page_cache.middleware import STATUS_HEADER, AnonymousPageCacheMiddleware
from tests.heritage.helpers import distinctive_word, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    """A public recording entry with a ready recording and consent records, in Vietnamese."""
    return EntryPage.objects.get(slug="de-dat-de-nuoc-muong", locale__language_code="vi").specific


def pages_showing(entry: EntryPage) -> dict[str, str]:
    group = entry.ethnic_groups.first()
    place = entry.places.first().place
    groups = EthnicGroupIndexPage.objects.get(locale=entry.locale)
    places = PlaceIndexPage.objects.get(locale=entry.locale)
    home = HomePage.objects.get(locale=entry.locale)
    return {
        "entry": entry.url,
        "listing": f"{entry.get_parent().url}?group={group.code}",
        "group": groups.url + groups.group_path(group).lstrip("/"),
        "place": places.url + places.get_resolver().reverse("place_detail", place.code).lstrip("/"),
        "home": home.url,
        "search": f"{reverse('search')}?q={distinctive_word(entry)}",
    }


def _shows(response, entry) -> bool:
    return response.status_code == 200 and entry.title in page_text(response)


def _warm(client, urls: dict[str, str], entry) -> None:
    """Visit each page twice; the second visit is the cached copy, and it shows the entry."""
    for name, url in urls.items():
        first = client.get(url)
        assert first.status_code == 200, name
        again = client.get(url)
        assert again[STATUS_HEADER] == "hit", name
        assert _shows(again, entry), name


def test_a_second_anonymous_visit_is_served_from_cache_without_sql(
    client, page_cache, entry, django_assert_num_queries
):
    for name, url in pages_showing(entry).items():
        first = client.get(url)
        assert first.status_code == 200 and first[STATUS_HEADER] == "miss", name
        with django_assert_num_queries(0):
            again = client.get(url)
        assert again[STATUS_HEADER] == "hit", name
        assert again.content == first.content, name


def test_with_the_cache_off_every_visit_renders_the_page(client, page_cache, settings, entry):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(entry.url)
    assert STATUS_HEADER not in client.get(entry.url)


def _restrict(entry, officer):
    entry.access_level = AccessLevel.RESTRICTED
    entry.save_revision(user=officer).publish(user=officer)


def _unpublish(entry, officer):
    entry.unpublish(user=officer)


def _withdraw_consent(entry, officer):
    withdraw(ConsentRecord.objects.filter(entry=entry).first(), officer)


@pytest.mark.parametrize("change", [_restrict, _unpublish, _withdraw_consent])
def test_an_entry_taken_out_of_public_view_leaves_every_cached_page_at_once(
    client, page_cache, entry, reviewer, change
):
    urls = pages_showing(entry)
    _warm(client, urls, entry)
    change(entry, reviewer)
    still_shown = [name for name, url in urls.items() if _shows(client.get(url), entry)]
    assert still_shown == []


def test_a_renamed_group_shows_its_new_name_on_every_cached_page_at_once(client, page_cache, entry):
    urls = pages_showing(entry)
    _warm(client, urls, entry)
    group = entry.ethnic_groups.first()
    group.name_vi = "Nhóm đổi tên kiểm thử"
    group.save()
    for name in ("entry", "group"):
        assert "Nhóm đổi tên kiểm thử" in page_text(client.get(urls[name])), name


def test_a_recording_restricted_on_its_own_leaves_the_cached_entry_page(client, page_cache, entry):
    recording = entry.audio_video_blocks[0].value["media"]
    stream = recording.stream.url
    assert stream in client.get(entry.url).content.decode()
    assert client.get(entry.url)[STATUS_HEADER] == "hit"
    recording.access_level = AccessLevel.RESTRICTED
    recording.save()
    assert stream not in client.get(entry.url).content.decode()


def test_a_recording_that_finishes_processing_reaches_the_cached_page(client, page_cache, entry):
    """Publishing a run's renditions writes without model signals; the cache is dropped anyway."""
    from media_pipeline.jobs import process

    client.get(entry.url)
    assert client.get(entry.url)[STATUS_HEADER] == "hit"
    recording = entry.audio_video_blocks[0].value["media"]
    assert process(recording.pk) == "ready"
    assert client.get(entry.url)[STATUS_HEADER] == "miss"


def test_a_new_day_renders_pages_afresh_for_embargoes_that_open(client, page_cache, entry, monkeypatch):
    client.get(entry.url)
    assert client.get(entry.url)[STATUS_HEADER] == "hit"
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr("page_cache.middleware.timezone.localdate", lambda: tomorrow)
    assert client.get(entry.url)[STATUS_HEADER] == "miss"


def test_a_signed_in_researcher_neither_gets_nor_fills_the_cache(client, page_cache, entry, researcher):
    urls = pages_showing(entry)
    _warm(client, urls, entry)
    stored = len(list(page_cache._list_cache_files()))
    client.force_login(researcher)
    for name, url in urls.items():
        response = client.get(url)
        assert STATUS_HEADER not in response, name
        assert researcher.get_username() in page_text(response) or researcher.get_full_name() in page_text(response)
    restricted = EntryPage.objects.filter(access_level=AccessLevel.RESEARCHERS, locale=entry.locale).first()
    assert client.get(restricted.url).status_code == 200
    assert len(list(page_cache._list_cache_files())) == stored
    client.logout()
    anonymous = client.get(urls["entry"])
    assert anonymous[STATUS_HEADER] == "hit" and "Sign out" not in page_text(anonymous)
    assert client.get(restricted.url).status_code != 200


def test_vietnamese_and_english_pages_are_cached_apart(client, page_cache, entry):
    entry_en = entry.get_translation(Locale.objects.get(language_code="en"))
    for url in (entry.url, entry_en.url, entry.url, entry_en.url):
        client.get(url)
    vi, en = client.get(entry.url), client.get(entry_en.url)
    assert vi[STATUS_HEADER] == en[STATUS_HEADER] == "hit"
    assert '<html lang="vi">' in vi.content.decode() and '<html lang="en">' in en.content.decode()
    assert entry.title in page_text(vi) and entry_en.title in page_text(en)


def test_pages_are_gzipped_for_browsers_that_take_it_and_plain_for_others(client, page_cache, entry):
    for _ in range(2):
        zipped = client.get(entry.url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        plain = client.get(entry.url)
    assert zipped[STATUS_HEADER] == plain[STATUS_HEADER] == "hit"
    assert zipped["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert gzip.decompress(zipped.content).decode().count(entry.title) == plain.content.decode().count(entry.title) > 0
    assert "Accept-Encoding" in zipped["Vary"]


def test_a_head_request_is_answered_from_the_cache_without_a_body(client, page_cache, entry):
    full = client.get(entry.url)
    head = client.head(entry.url)
    assert head[STATUS_HEADER] == "hit" and head.content == b""
    assert head["Content-Type"] == full["Content-Type"]


def _stored(cache) -> int:
    """Pages stored, besides the generation (which every page view reads, cached or not)."""
    current_generation()
    return sum(1 for _ in cache._list_cache_files()) - 1


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(st.characters(codec="utf-8", categories=("L", "N", "P")), min_size=1, max_size=20))
def test_query_parameters_pages_do_not_read_are_never_cached(client, page_cache, entry, name):
    if name in {"q", "page", "sort", "group", "place", "province", "type", "language", "decade", "has", "notice"}:
        return
    before = _stored(page_cache)
    response = client.get(entry.url, {name: "x"})
    assert STATUS_HEADER not in response
    assert _stored(page_cache) == before


def test_a_flood_of_searches_stays_within_the_cache_limit(client, page_cache):
    client.get(reverse("search"), {"q": "lễ"})
    assert client.get(reverse("search"), {"q": "lễ"})[STATUS_HEADER] == "hit"
    for number in range(120):
        client.get(reverse("search"), {"q": f"từ{number}"})
    assert _stored(page_cache) <= 40  # MAX_ENTRIES


def test_an_overlong_query_string_is_not_cached(client, page_cache):
    response = client.get(reverse("search"), {"q": "lễ hội " * 40})
    assert response.status_code == 200 and STATUS_HEADER not in response


def _middleware_response(view):
    request = RequestFactory().get("/vi/")
    request.user = AnonymousUser()
    return AnonymousPageCacheMiddleware(view)(request)


def test_a_page_that_holds_a_csrf_token_or_sets_a_cookie_is_never_cached(page_cache):
    from django.http import HttpResponse

    def with_token(request):
        return HttpResponse(f"<form>{get_token(request)}</form>", content_type="text/html")

    def with_cookie(request):
        response = HttpResponse("<p>hello</p>", content_type="text/html")
        response.set_cookie("visitor", "1")
        return response

    def plain(request):
        return HttpResponse("<p>hello</p>", content_type="text/html")

    assert STATUS_HEADER not in _middleware_response(with_token)
    assert STATUS_HEADER not in _middleware_response(with_cookie)
    assert _middleware_response(plain)[STATUS_HEADER] == "miss"
    assert _middleware_response(plain)[STATUS_HEADER] == "hit"


def test_a_visitor_with_a_session_or_pending_message_is_not_served_the_cached_page(client, page_cache, entry):
    client.get(entry.url)
    assert client.get(entry.url)[STATUS_HEADER] == "hit"
    client.cookies["messages"] = "pending"
    assert STATUS_HEADER not in client.get(entry.url)
    del client.cookies["messages"]
    client.cookies["sessionid"] = "someone"
    assert STATUS_HEADER not in client.get(entry.url)


def test_the_notice_gate_is_the_same_for_every_visitor(client, page_cache):
    """Continuing past a sensitivity notice is remembered in the visitor's browser
    (static/js/notices.js), never on the server: the cached page holds the recording behind
    its gate for everyone."""
    gated = next(
        page
        for page in EntryPage.objects.live().public().filter(locale__language_code="vi").specific()
        if 'class="notice-gate' in client.get(page.url).content.decode()
    )
    cached = client.get(gated.url)
    assert cached[STATUS_HEADER] == "hit"
    assert re.search(r'<noscript class="notice-held"', cached.content.decode())
    assert "is-continued" not in cached.content.decode()
