"""A "did you mean": a query that finds nothing gets a spelling from the archive's own
vocabulary (titles, group, place and language names), in Vietnamese and English."""

import pytest

from heritage.access import READ_BY_EVERYONE, AccessLevel
from heritage.models import EntryPage
from search.did_you_mean import did_you_mean
from tests.heritage.helpers import soup

pytestmark = pytest.mark.django_db


def suggestion(client, query: str, language: str) -> str | None:
    response = client.get(f"/{language}/search/", {"q": query})
    assert response.status_code == 200
    link = soup(response).select_one("#did-you-mean a")
    return link.get_text() if link else None


@pytest.fixture
def dam_san(db):
    """A public entry about the Ê Đê epic of Đăm San."""
    page = EntryPage.objects.live().filter(access_level=AccessLevel.PUBLIC, locale__language_code="vi").first()
    page = page.specific
    page.title = "Sử thi Đăm San của người Ê Đê"
    page.save_revision().publish()
    return page


def test_a_misspelt_name_gets_its_spelling_in_vietnamese(client, dam_san):
    response = client.get("/vi/search/", {"q": "Đam Sam"})
    assert response.context["results"].paginator.count == 0
    assert suggestion(client, "Đam Sam", "vi") == "Đăm San"
    assert "Có phải bạn muốn tìm" in response.content.decode()
    # The suggestion's link finds the entry.
    href = soup(response).select_one("#did-you-mean a")["href"]
    found = client.get("/vi/search/" + href)
    assert dam_san.title in [result.entry.title for result in found.context["results"]]


def test_a_misspelt_word_gets_its_spelling_in_english(client):
    assert suggestion(client, "hemp weavng", "en") == "hemp weaving"
    assert "Did you mean" in client.get("/en/search/", {"q": "hemp weavng"}).content.decode()


def test_no_suggestion_when_something_is_found_or_nothing_is_close(client):
    assert suggestion(client, "hemp weaving", "en") is None
    assert suggestion(client, "zzqxv wwkpt", "en") is None


def test_the_vocabulary_holds_group_place_and_language_names():
    assert did_you_mean("Khmeer", "vi") == "Khmer"
    assert did_you_mean("Tuyen Quangg", "vi") == "Tuyên Quang"


def test_restricted_titles_are_not_in_the_vocabulary(db):
    hidden = EntryPage.objects.live().filter(locale__language_code="vi").exclude(access_level__in=READ_BY_EVERYONE)
    page = hidden.first().specific
    page.title = "Bí mật Zyxwvut"
    page.save_revision().publish()
    assert did_you_mean("Zyxwvutt", "vi") is None
