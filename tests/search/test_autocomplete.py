"""The autocomplete endpoint: JSON suggestions while typing, folded like the index."""

import pytest

from heritage.access import AccessLevel
from heritage.models import EntryPage

pytestmark = pytest.mark.django_db


def suggest(client, query: str, language: str = "vi") -> dict:
    response = client.get(f"/{language}/search/autocomplete/", {"q": query})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


def test_prefixes_without_marks_suggest_entries_and_groups(client):
    festival = EntryPage.objects.get(slug="long-tong-tay-tuyen-quang", locale__language_code="vi")
    titles = [entry["title"] for entry in suggest(client, "le hoi lon")["entries"]]
    assert festival.title in titles
    groups = suggest(client, "Mèo")["groups"]
    assert any("Mông" in group["name"] for group in groups)
    assert all(group["url"].startswith("/vi/") for group in groups)


def test_hidden_entries_are_not_suggested(client, django_user_model):
    restricted = EntryPage.objects.filter(access_level=AccessLevel.RESTRICTED, locale__language_code="vi").first()
    prefix = restricted.title[:12]
    assert restricted.title not in [entry["title"] for entry in suggest(client, prefix)["entries"]]
    # Positive control: the same prefix, typed by an officer allowed to see it, suggests it.
    client.force_login(django_user_model.objects.get(username="officer"))
    assert restricted.title in [entry["title"] for entry in suggest(client, prefix)["entries"]]


def test_one_letter_suggests_nothing(client):
    assert suggest(client, "l") == {"query": "l", "entries": [], "groups": []}
