"""The open-data API: filters by code (no 500 for any value), its OpenAPI description
(valid, and every documented parameter works while every parameter the API takes is
documented), the researchers' page, and the anonymous rate limit."""

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches

from wagtail.models import Site

from api_docs.description import example_url, openapi_description
from heritage.api import ArchivePagesAPIViewSet
from heritage.models import EntryPage, FestivalPage, RecordingPage

pytestmark = pytest.mark.django_db
LISTING = "/api/v2/pages/"
# DRF's JSONP cache-buster, not a filter.
NOT_FILTERS = {"_"}


@pytest.fixture(autouse=True)
def _fresh_throttle():
    for cache in caches.all():
        cache.clear()
    yield


def ids(client, **params) -> set[int]:
    response = client.get(LISTING, {"limit": 100, **params})
    assert response.status_code == 200, response.content[:300]
    data = response.json()
    assert data["meta"]["total_count"] <= 100
    return {item["id"] for item in data["items"]}


def public():
    return EntryPage.objects.visible_to(AnonymousUser())


def test_group_filter_by_code_answers_the_groups_entries(client):
    entry = public().filter(ethnic_groups__code="co-tu").first()
    assert entry is not None
    expected = set(public().filter(ethnic_groups__code="co-tu").values_list("pk", flat=True))
    assert ids(client, ethnic_group="co-tu") == expected
    # The issue's own address, which answered 500.
    assert ids(client, type="heritage.FestivalPage", ethnic_groups="co-tu") == set(
        public().type(FestivalPage).filter(ethnic_groups__code="co-tu").values_list("pk", flat=True)
    )
    assert ids(client, ethnic_group="no-such-group") == set()


def test_place_filter_includes_places_within(client):
    from heritage.models import Place
    from heritage.models.entries import EntryPlace

    entry = public().filter(places__isnull=False).first()
    province = entry.places.first().place
    assert entry.pk in ids(client, place=province.code)
    other = public().exclude(places__place=province).first()
    assert other.pk not in ids(client, place=province.code)  # control
    commune = Place.objects.create(code="xa-thu", name_vi="Xã Thử", kind=Place.Kind.COMMUNE, parent=province)
    EntryPlace.objects.create(entry=other, place=commune)
    assert other.pk in ids(client, place=province.code)
    assert ids(client, place="xa-thu") == {other.pk}


def test_language_filter_by_iso_code(client):
    recording = public().type(RecordingPage).first().specific
    language = recording.content_languages.exclude(iso_639_3="").first()
    assert language is not None
    assert recording.pk in ids(client, language=language.iso_639_3)
    assert recording.pk in ids(client, language=language.code)
    assert recording.pk not in ids(client, language="zzz")


def test_type_by_short_name(client):
    festivals = ids(client, type="festival")
    assert festivals == set(public().type(FestivalPage).values_list("pk", flat=True))
    assert ids(client, type="festival,recording") >= festivals
    assert client.get(LISTING, {"type": "nonsense"}).status_code == 400


def test_restricted_entries_stay_out_of_filtered_answers(client, django_user_model):
    restricted = EntryPage.objects.filter(access_level="restricted").first()
    codes = list(restricted.ethnic_groups.values_list("code", flat=True))
    assert codes
    assert restricted.pk not in ids(client, ethnic_group=",".join(codes))
    client.force_login(django_user_model.objects.get(username="officer"))
    assert restricted.pk in ids(client, ethnic_group=",".join(codes), locale=restricted.locale.language_code)


FILTER_NAMES = [
    "ethnic_group",
    "ethnic_groups",
    "place",
    "language",
    "type",
    "documented_on",
    "licence",
    "tags",
    "access_level",
    "native_title",
    "places",
    "contributors",
    "media",
    "body",
    "id",
    "locale",
    "order",
]


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(FILTER_NAMES), value=st.text(max_size=30), typed=st.booleans())
def test_no_filter_value_answers_500(client, name, value, typed):
    params = {name: value, **({"type": "festival"} if typed and name != "type" else {})}
    response = client.get(LISTING, params)
    # Wagtail answers an unknown locale with 404.
    assert response.status_code in (200, 400, 404), (params, response.status_code)


def test_openapi_description_is_valid_and_served(client):
    validate(openapi_description())
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json() == openapi_description()


def listing_parameters() -> list[dict]:
    return openapi_description()["paths"][LISTING]["get"]["parameters"]


def test_every_documented_filter_works_against_the_api(client):
    entry = public().first()
    # Page ids differ from one archive to another: the tree filters take real ones here.
    page_ids = {"descendant_of": entry.get_parent().pk, "ancestor_of": entry.pk, "translation_of": entry.pk}
    page_ids["site"] = Site.objects.get(is_default_site=True).hostname
    for parameter in listing_parameters():
        if parameter["name"] in page_ids:
            parameter = {**parameter, "example": page_ids[parameter["name"]]}
        url = example_url(LISTING, parameter)
        if parameter["name"] in {"licence", "tags", "documented_on", "fields"}:
            url += "&type=festival"
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:200])
    # Positive control: an undocumented parameter is refused, so 200 above means taken.
    assert client.get(LISTING, {"colour": "red"}).status_code == 400


def test_every_parameter_the_api_takes_is_documented():
    documented = {parameter["name"] for parameter in listing_parameters()}
    assert set(ArchivePagesAPIViewSet.known_query_parameters) - NOT_FILTERS <= documented


@pytest.mark.parametrize(("path", "heading"), [("/vi/api/", "API dữ liệu mở"), ("/en/api/", "Open-data API")])
def test_researchers_page_is_rendered_from_the_description(client, path, heading):
    html = client.get(path).content.decode()
    assert f"<h1>{heading}</h1>" in html
    for parameter in listing_parameters():
        assert f"<code>{parameter['name']}</code>" in html
    assert "cdn" not in html.lower()


def test_anonymous_callers_are_throttled_politely(client, settings, django_user_model):
    settings.API_ANON_RATE = "3/minute"
    for _ in range(3):
        assert client.get(LISTING).status_code == 200
    refused = client.get(LISTING)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    # Another address is counted on its own.
    assert client.get(LISTING, REMOTE_ADDR="10.1.2.3").status_code == 200
    # A signed-in researcher is not an anonymous caller.
    client.force_login(django_user_model.objects.get(username="researcher"))
    assert client.get(LISTING).status_code == 200
