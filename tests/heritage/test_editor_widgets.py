"""The entry editor's long lists (ethnic groups, languages) are sorted by name and carry
every name and code, folded, for the filter the officer types into
(tests/browser/test_editor.py types into it)."""

import re

import pytest

from heritage.folding import fold
from heritage.models import FestivalIndexPage, RecordingIndexPage


def options(html: str, name: str) -> list[tuple[str, str]]:
    """(data-search, label) of each checkbox of the field, in page order."""
    pattern = rf'<input type="checkbox" name="{name}"[^>]*data-search="([^"]*)"[^>]*>\s*([^<]+)</label>'
    return [(search, label.strip()) for search, label in re.findall(pattern, html)]


@pytest.mark.django_db
def test_groups_are_sorted_and_found_by_every_name(client, officer):
    client.force_login(officer)
    festivals = FestivalIndexPage.objects.get(locale__language_code="vi")
    html = client.get(f"/admin/pages/add/heritage/festivalpage/{festivals.pk}/").content.decode()
    groups = options(html, "ethnic_groups")
    assert len(groups) == 54
    labels = [label for _search, label in groups]
    assert labels == sorted(labels, key=fold)
    hmong = next(search for search, label in groups if label == "H&#x27;Mông")
    assert "mong" in hmong.split() and "meo" in hmong.split() and "hmong" in hmong.split()
    assert "data-filterable-choices-filter" in html and "js/filterable-choices.js" in html


@pytest.mark.django_db
def test_languages_are_found_by_name_or_iso_code(client, officer):
    client.force_login(officer)
    recordings = RecordingIndexPage.objects.get(locale__language_code="vi")
    html = client.get(f"/admin/pages/add/heritage/recordingpage/{recordings.pk}/").content.decode()
    languages = options(html, "content_languages")
    assert len(languages) > 50
    tay = next(search for search, label in languages if label.startswith("Tiếng Tày"))
    assert "tyz" in tay.split() and "tieng tay" in tay
