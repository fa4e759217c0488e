"""One rule for who sees which entry: `EntryPage.objects.visible_to(user)`. The API and the
sitemap answer with exactly the entries that rule gives each kind of visitor."""

from urllib.parse import urlparse
from xml.etree import ElementTree

import pytest

from django.contrib.auth.models import AnonymousUser, Group

from wagtail.models import PageViewRestriction

from heritage.access import AccessLevel
from heritage.models import EntryPage, FestivalIndexPage, FestivalPage
from tests.heritage.helpers import page_text

SITEMAP_LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
LEVELS_SEEN_BY = {
    None: {AccessLevel.PUBLIC, AccessLevel.ON_REQUEST},
    "researcher": {AccessLevel.PUBLIC, AccessLevel.ON_REQUEST, AccessLevel.RESEARCHERS},
    "officer": set(AccessLevel.values),
    "admin": set(AccessLevel.values),
}


def api_entry_ids(client) -> set[int]:
    ids: set[int] = set()
    url = "/api/v2/pages/?type=heritage.EntryPage&limit=100"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        data = response.json()
        ids |= {item["id"] for item in data["items"]}
        more = len(ids) < data["meta"]["total_count"]
        url = f"/api/v2/pages/?type=heritage.EntryPage&limit=100&offset={len(ids)}" if more else None
    return ids


@pytest.mark.django_db
@pytest.mark.parametrize("username", [None, "researcher", "officer", "admin"])
def test_the_api_lists_exactly_the_entries_the_rule_gives_each_visitor(client, django_user_model, username):
    user = AnonymousUser()
    if username:
        user = django_user_model.objects.get(username=username)
        client.force_login(user)
    expected = set(EntryPage.objects.visible_to(user).values_list("pk", flat=True))
    levels = set(EntryPage.objects.filter(pk__in=expected).values_list("access_level", flat=True))
    assert levels == LEVELS_SEEN_BY[username]
    assert api_entry_ids(client) == expected
    for entry in EntryPage.objects.exclude(pk__in=expected).live():
        assert client.get(f"/api/v2/pages/{entry.pk}/").status_code == 404
    for entry in EntryPage.objects.filter(pk__in=expected)[:3]:
        assert client.get(f"/api/v2/pages/{entry.pk}/").status_code == 200


@pytest.mark.django_db
def test_the_sitemap_lists_exactly_the_entries_anonymous_visitors_may_open(client):
    tree = ElementTree.fromstring(client.get("/sitemap.xml").content)
    paths = {urlparse(loc.text).path for loc in tree.iter(SITEMAP_LOC)}
    listed = {entry.pk for entry in EntryPage.objects.live() if entry.url in paths}
    assert listed == set(EntryPage.objects.visible_to(AnonymousUser()).values_list("pk", flat=True))


@pytest.mark.django_db
def test_a_restricted_section_hides_every_entry_under_it(client, django_user_model):
    festivals = FestivalIndexPage.objects.get(locale__language_code="vi")
    public_festival = FestivalPage.objects.child_of(festivals).filter(access_level=AccessLevel.PUBLIC).live().first()
    anonymous = AnonymousUser()
    researcher = django_user_model.objects.get(username="researcher")
    assert EntryPage.objects.visible_to(anonymous).filter(pk=public_festival.pk).exists()

    restriction = PageViewRestriction.objects.create(page=festivals, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set(Group.objects.filter(name="Researchers"))

    assert not EntryPage.objects.visible_to(anonymous).filter(pk=public_festival.pk).exists()
    assert public_festival.pk not in api_entry_ids(client)
    client.force_login(researcher)
    assert EntryPage.objects.visible_to(researcher).filter(pk=public_festival.pk).exists()
    assert public_festival.pk in api_entry_ids(client)


@pytest.mark.django_db
def test_a_recording_stricter_than_its_page_leaves_search_and_the_api(client):
    """Its captions and transcript are not searchable and the API leaves its block out; the
    same recording, public, is found and listed (the positive control)."""
    from django.core.files.base import ContentFile

    from heritage.demo import sample_media
    from media_pipeline.models import CaptionTrack

    entry = next(
        entry
        for entry in EntryPage.objects.visible_to(AnonymousUser()).filter(locale__language_code="vi").specific()
        if entry.audio_video_blocks
    )
    media = entry.audio_video_blocks[0].value["media"]
    track = CaptionTrack(asset=media, language="tyz", label="Tày", kind=CaptionTrack.Kind.SUBTITLES)
    track.file.save("secret.fr.vtt", ContentFile(sample_media.captions(["Zorakhmelun chant"], 3)), save=False)
    track.full_clean()
    track.save()

    def found() -> bool:
        return entry.title in page_text(client.get("/vi/search/", {"q": "Zorakhmelun"}))

    def api_media_ids() -> list:
        blocks = client.get(f"/api/v2/pages/{entry.pk}/").json()["media"]
        return [block["value"]["media"] for block in blocks if block["type"] == "audio_video"]

    assert found()
    assert media.pk in api_media_ids()

    media.access_level = AccessLevel.RESTRICTED
    media.save()

    assert not found()
    assert media.pk not in api_media_ids()
    assert "zorakhmelun" not in EntryPage.objects.get(pk=entry.pk).specific.folded_text()
