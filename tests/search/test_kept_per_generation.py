"""The search page keeps group names, places, labels and what each entry's recordings are
between requests (page_cache/memo.py); a change shows on the next search at once,
and an entry hidden from a visitor leaves the kept counts at once too."""

import pytest

from django.contrib.auth.models import AnonymousUser

from heritage.access import AccessLevel, visible_to
from heritage.models import EntryPage, EntryPlace, EthnicGroup, Place
from media_pipeline.models import MediaAsset

pytestmark = pytest.mark.django_db


def public_entries():
    return visible_to(EntryPage.objects.filter(locale__language_code="vi"), AnonymousUser()).order_by("pk")


def facet(response, name: str) -> dict[str, tuple[str, int]]:
    for item in response.context["facets"]:
        if item.name == name:
            return {value.key: (value.label, value.count) for value in item.values}
    return {}


def test_a_renamed_group_shows_its_new_name_in_facets_and_cards_at_once(client):
    group = EthnicGroup.objects.get(code="tay")
    before = client.get("/vi/search/?group=tay")
    assert facet(before, "group")["tay"][0] == group.name_vi

    group.name_vi = "Tày mới đặt tên"
    group.save()
    after = client.get("/vi/search/?group=tay")

    assert facet(after, "group")["tay"][0] == "Tày mới đặt tên"
    assert "Tày mới đặt tên" in after.content.decode()


def test_a_new_province_and_an_entry_placed_in_it_show_at_once(client):
    entry = public_entries().first()
    assert "tinh-moi" not in facet(client.get("/vi/search/"), "province")

    province = Place.objects.create(code="tinh-moi", name_vi="Tỉnh Mới", kind=Place.Kind.PROVINCE)
    commune = Place.objects.create(code="xa-moi", name_vi="Xã Mới", kind=Place.Kind.COMMUNE, parent=province)
    EntryPlace.objects.create(entry=entry, place=commune)
    after = client.get("/vi/search/")

    assert facet(after, "province")["tinh-moi"] == ("Tỉnh Mới", 1)
    assert facet(client.get("/vi/search/?province=tinh-moi"), "province")["tinh-moi"][1] == 1


def test_a_recording_changed_from_video_to_audio_leaves_the_video_count_at_once(client):
    videos = MediaAsset.objects.filter(type="video")
    assert facet(client.get("/vi/search/"), "has")["video"][1] > 0

    for asset in videos:
        asset.type = "audio"
        asset.save()

    assert "video" not in facet(client.get("/vi/search/"), "has")
    assert client.get("/vi/search/?has=video").context["total"] == 0


def test_an_entry_restricted_leaves_the_counts_and_results_at_once_but_not_for_an_administrator(client, admin_client):
    with_video = facet(client.get("/vi/search/?has=video"), "has")["video"][1]
    entry = next(
        entry
        for entry in public_entries().specific()
        if any(block.value["media"] and block.value["media"].type == "video" for block in entry.audio_video_blocks)
    )
    admin_before = facet(admin_client.get("/vi/search/?has=video"), "has")["video"][1]

    entry.access_level = AccessLevel.RESTRICTED
    entry.save_revision().publish()

    anonymous = client.get("/vi/search/?has=video")
    assert facet(anonymous, "has")["video"][1] == anonymous.context["total"] == with_video - 1
    assert entry.title not in anonymous.content.decode()
    assert facet(admin_client.get("/vi/search/?has=video"), "has")["video"][1] == admin_before
