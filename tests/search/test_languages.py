"""Researchers find entries by the languages in them: an ISO 639-3 code, or a language's
name in Vietnamese or English, typed with or without tone marks, finds the recordings in or
about that language and the entries whose title in the community's language is in it."""

import pytest

pytestmark = pytest.mark.django_db


def found(client, query: str, language: str = "vi") -> list[str]:
    response = client.get(f"/{language}/search/", {"q": query})
    assert response.status_code == 200
    return [result.entry.slug for result in response.context["results"]]


def test_iso_codes_find_the_entries_in_that_language(client):
    assert sorted(found(client, "tyz")) == ["hat-then-tay-tuyen-quang", "long-tong-tay-tuyen-quang"]
    assert found(client, "mtq") == ["de-dat-de-nuoc-muong"]
    # The described language counts too (a word list documents it).
    assert "tu-vung-bru-van-kieu" in found(client, "bru")
    assert found(client, "xyz") == []


def test_language_names_in_vietnamese_and_english_find_their_entries(client):
    # The Katê festival's title in the community's language is in Eastern Cham.
    assert "kate-cham" in found(client, "Tiếng Chăm Đông")
    assert "kate-cham" in found(client, "tieng cham dong")
    assert "kate-cham" in found(client, "Eastern Cham", language="en")
    assert "khan-dam-san-e-de" in found(client, "Rhade", language="en")
    # The Cơ Tu guol house's title is in Eastern Katu (ktv); the Ê Đê epic is not.
    katu = found(client, "Eastern Katu", language="en")
    assert "nha-guol-co-tu" in katu and "khan-dam-san-e-de" not in katu
