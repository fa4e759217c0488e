"""At most 15 SQL queries per public page for an anonymous visitor, and as many with one
media item on an entry as with fifty, with one entry in a listing as with fifty: no query
per card, per recording or per picture (issue 16). Counted with the page cache off, on the
second request (the first fills Wagtail's site and rendition caches, and reads the
structure each process keeps per generation: heritage/structure.py)."""

import html
import json

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from heritage.access import AccessLevel
from heritage.models import (
    CustomPage,
    EntryPage,
    EthnicGroup,
    EthnicGroupIndexPage,
    FestivalIndexPage,
    FestivalPage,
    HomePage,
    Place,
    PlaceIndexPage,
    RecordingPage,
)
from heritage.models.site import ENTRIES_PER_PAGE, index_page_for
from media_pipeline.models import CaptionTrack, MediaAsset, MediaStatus, Rendition
from tests.factories import FestivalPageFactory

MAX_QUERIES = 15
MANY = 50
CARD = '<li class="card'


def _count(client, url: str) -> tuple[int, str]:
    assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


def _public_entry(model) -> EntryPage:
    return (
        model.objects.live()
        .filter(locale__language_code="vi", access_level=AccessLevel.PUBLIC, consent_level=AccessLevel.PUBLIC)
        .exclude(media="[]")
        .order_by("pk")
        .first()
    )


def _index(model, language: str = "vi"):
    return model.objects.live().get(locale__language_code=language)


def _public_pages() -> dict[str, str]:
    groups = _index(EthnicGroupIndexPage)
    places = _index(PlaceIndexPage)
    recording = _public_entry(RecordingPage)
    return {
        "home (vi)": _index(HomePage).url,
        "home (en)": _index(HomePage, "en").url,
        **{
            f"listing of {entry_type._meta.model_name}": _index(index_page_for(entry_type)).url
            for entry_type in (FestivalPage, CustomPage, RecordingPage)
        },
        "ethnic groups": groups.url,
        "ethnic group": groups.url + EthnicGroupIndexPage.group_path(EthnicGroup.objects.get(code="tay")),
        "places": places.url,
        "place": places.url + "tuyen-quang/",
        "festival": _public_entry(FestivalPage).url,
        "custom": _public_entry(CustomPage).url,
        "recording": recording.url,
        "search, empty": "/vi/search/",
        "search, a query": "/vi/search/?q=then",
        "search, a query and facets": "/vi/search/?q=l%E1%BB%85+h%E1%BB%99i&group=tay&province=tuyen-quang",
        "embed": f"/embed/{recording.translation_key}/",
    }


PAGE_NAMES = [
    "home (vi)",
    "home (en)",
    "listing of festivalpage",
    "listing of custompage",
    "listing of recordingpage",
    "ethnic groups",
    "ethnic group",
    "places",
    "place",
    "festival",
    "custom",
    "recording",
    "search, empty",
    "search, a query",
    "search, a query and facets",
    "embed",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_a_public_page_takes_at_most_15_queries(client, name):
    pages = _public_pages()
    assert set(pages) == set(PAGE_NAMES)
    count, _ = _count(client, pages[name])
    assert count <= MAX_QUERIES, f"{name}: {count} queries"


def _copies_of_ready_media(count: int) -> list[MediaAsset]:
    """`count` copies of a ready demo recording (renditions and caption tracks too): of one,
    so that an embed of any of them reads the same (an audio one also shows a picture)."""
    original = MediaAsset.objects.filter(status=MediaStatus.READY, access_level=AccessLevel.PUBLIC).order_by("pk")[0]
    copies = []
    for number in range(count):
        copy = MediaAsset.objects.get(pk=original.pk)
        copy.pk = copy.id = None
        copy.title = f"{original.title} {number}"
        copies.append(copy)
    copies = MediaAsset.objects.bulk_create(copies)
    renditions, tracks = [], []
    for copy in copies:
        for rendition in original.renditions.all():
            rendition.pk, rendition.asset = None, copy
            renditions.append(rendition)
        for track in original.captions.all():
            track.pk, track.asset = None, copy
            tracks.append(track)
    Rendition.objects.bulk_create(renditions)
    CaptionTrack.objects.bulk_create(tracks)
    return copies


def _entry_with_media(count: int) -> FestivalPage:
    """A public festival whose media list holds `count` recordings and pictures, alternately."""
    images = [
        block.value["image"]
        for entry in EntryPage.objects.live().specific()
        for block in entry.media
        if block.block_type == "image"
    ]
    assert images
    recordings = _copies_of_ready_media((count + 1) // 2)
    media = []
    for number in range(count):
        if number % 2 == 0:
            value = {"media": recordings[number // 2].pk, "caption": "", "transcript": "", "notices": []}
            media.append({"type": "audio_video", "value": value})
        else:
            image = images[number % len(images)]
            media.append({"type": "image", "value": {"image": image.pk, "caption": f"Ảnh {number}", "alt_text": ""}})
    return FestivalPageFactory(parent=_index(FestivalIndexPage), media=json.dumps(media))


@pytest.mark.django_db
def test_an_entry_with_50_media_items_takes_as_many_queries_as_with_one_of_each_kind(client):
    one, many = _entry_with_media(2), _entry_with_media(MANY)

    one_count, one_html = _count(client, one.url)
    many_count, many_html = _count(client, many.url)

    assert one_html.count("data-media=") == one_html.count('class="figure"') == 1
    assert many_html.count("data-media=") == MANY // 2
    assert many_html.count('class="figure"') == MANY // 2
    assert many_count == one_count <= MAX_QUERIES


@pytest.mark.django_db
def test_an_embed_of_an_entry_with_50_recordings_takes_as_many_queries_as_with_one(client):
    one, many = _entry_with_media(2), _entry_with_media(MANY)
    last = many.audio_video_blocks[-1].value["media"]

    one_count, _ = _count(client, f"/embed/{one.translation_key}/")
    many_count, page = _count(client, f"/embed/{many.translation_key}/{last.pk}/")

    assert last.title in html.unescape(page)
    assert many_count == one_count <= MAX_QUERIES


def _listing_urls(group: EthnicGroup, province: Place) -> dict[str, str]:
    return {
        "festival listing": f"{_index(FestivalIndexPage).url}?group={group.code}",
        "ethnic group": _index(EthnicGroupIndexPage).url + EthnicGroupIndexPage.group_path(group),
        "place": f"{_index(PlaceIndexPage).url}{province.code}/",
        "search, facet": f"/vi/search/?group={group.code}",
        "search, a query": f"/vi/search/?q=nghi%E1%BB%87m&group={group.code}",
    }


def _group_and_province() -> tuple[EthnicGroup, Place]:
    """A group no demo entry has, and a new province."""
    group = EthnicGroup.objects.filter(entries__isnull=True).order_by("number").first()
    province = Place.objects.create(code="tinh-thu-nghiem", name_vi="Tỉnh Thử Nghiệm", kind=Place.Kind.PROVINCE)
    return group, province


def _add_entries(group: EthnicGroup, province: Place, count: int) -> None:
    for _ in range(count):
        entry = FestivalPageFactory(parent=_index(FestivalIndexPage), groups=[group])
        entry.places.create(place=province)
        entry.save_revision().publish()


@pytest.mark.django_db
@pytest.mark.parametrize("listing", ["festival listing", "ethnic group", "place", "search, facet", "search, a query"])
def test_a_listing_of_50_entries_takes_as_many_queries_as_a_listing_of_one(client, listing):
    group, province = _group_and_province()
    url = _listing_urls(group, province)[listing]
    _add_entries(group, province, 1)
    one_count, one_html = _count(client, url)

    _add_entries(group, province, MANY - 1)
    many_count, many_html = _count(client, url)

    assert one_html.count(CARD) == 1
    # The group page lists all of the group's entries; the others show a page of them.
    assert many_html.count(CARD) == (MANY if listing == "ethnic group" else ENTRIES_PER_PAGE)
    assert many_count == one_count <= MAX_QUERIES
