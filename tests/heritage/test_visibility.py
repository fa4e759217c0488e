"""One rule for who sees which entry: `EntryPage.objects.visible_to(user)`. The API and the
sitemap answer with exactly the entries that rule gives each kind of visitor."""

from urllib.parse import urlparse
from xml.etree import ElementTree

import pytest

from django.contrib.auth.models import AnonymousUser, Group

from wagtail.models import PageViewRestriction

from heritage.access import AccessLevel
from heritage.models import EntryPage, FestivalIndexPage, FestivalPage

SITEMAP_LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
LEVELS_SEEN_BY = {
    None: {AccessLevel.PUBLIC},
    "researcher": {AccessLevel.PUBLIC, AccessLevel.RESEARCHERS},
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
