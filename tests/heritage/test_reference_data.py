"""The shipped reference data: Vietnam's 54 ethnic groups, today's 34 provinces and the 63 before July 2025."""

import json
import re

import pytest

from heritage.models import EthnicGroup, Language, Place
from heritage.reference_data.load import DATA_DIR, load_reference_data
from tests.factories import PlaceFactory

# The 63 provinces and centrally-run cities before 1 July 2025, and the unit each is part of
# today (Resolution 202/2025/QH15). Real-world facts, not a copy of the data files.
PRE_2025_TO_TODAY = {
    "Hà Nội": "Hà Nội", "Thừa Thiên Huế": "Huế", "Lai Châu": "Lai Châu", "Điện Biên": "Điện Biên",
    "Sơn La": "Sơn La", "Lạng Sơn": "Lạng Sơn", "Quảng Ninh": "Quảng Ninh", "Thanh Hóa": "Thanh Hóa",
    "Nghệ An": "Nghệ An", "Hà Tĩnh": "Hà Tĩnh", "Cao Bằng": "Cao Bằng",
    "Tuyên Quang": "Tuyên Quang", "Hà Giang": "Tuyên Quang",
    "Lào Cai": "Lào Cai", "Yên Bái": "Lào Cai",
    "Thái Nguyên": "Thái Nguyên", "Bắc Kạn": "Thái Nguyên",
    "Phú Thọ": "Phú Thọ", "Vĩnh Phúc": "Phú Thọ", "Hòa Bình": "Phú Thọ",
    "Bắc Ninh": "Bắc Ninh", "Bắc Giang": "Bắc Ninh",
    "Hưng Yên": "Hưng Yên", "Thái Bình": "Hưng Yên",
    "Hải Phòng": "Hải Phòng", "Hải Dương": "Hải Phòng",
    "Ninh Bình": "Ninh Bình", "Hà Nam": "Ninh Bình", "Nam Định": "Ninh Bình",
    "Quảng Trị": "Quảng Trị", "Quảng Bình": "Quảng Trị",
    "Đà Nẵng": "Đà Nẵng", "Quảng Nam": "Đà Nẵng",
    "Quảng Ngãi": "Quảng Ngãi", "Kon Tum": "Quảng Ngãi",
    "Gia Lai": "Gia Lai", "Bình Định": "Gia Lai",
    "Khánh Hòa": "Khánh Hòa", "Ninh Thuận": "Khánh Hòa",
    "Lâm Đồng": "Lâm Đồng", "Đắk Nông": "Lâm Đồng", "Bình Thuận": "Lâm Đồng",
    "Đắk Lắk": "Đắk Lắk", "Phú Yên": "Đắk Lắk",
    "Thành phố Hồ Chí Minh": "Thành phố Hồ Chí Minh", "Bình Dương": "Thành phố Hồ Chí Minh",
    "Bà Rịa - Vũng Tàu": "Thành phố Hồ Chí Minh",
    "Đồng Nai": "Đồng Nai", "Bình Phước": "Đồng Nai",
    "Tây Ninh": "Tây Ninh", "Long An": "Tây Ninh",
    "Cần Thơ": "Cần Thơ", "Sóc Trăng": "Cần Thơ", "Hậu Giang": "Cần Thơ",
    "Vĩnh Long": "Vĩnh Long", "Bến Tre": "Vĩnh Long", "Trà Vinh": "Vĩnh Long",
    "Đồng Tháp": "Đồng Tháp", "Tiền Giang": "Đồng Tháp",
    "Cà Mau": "Cà Mau", "Bạc Liêu": "Cà Mau",
    "An Giang": "An Giang", "Kiên Giang": "An Giang",
}  # fmt: skip
assert len(PRE_2025_TO_TODAY) == 63 and len(set(PRE_2025_TO_TODAY.values())) == 34
TODAYS_CITIES = {"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Thành phố Hồ Chí Minh", "Cần Thơ"}


def _normalise(name):
    # "Bà Rịa - Vũng Tàu" is written with a hyphen, an en dash or no spaces.
    return re.sub(r"\s*[-–]\s*", " - ", name.strip())


def counts():
    return {
        "groups": EthnicGroup.objects.count(),
        "languages": Language.objects.count(),
        "places": Place.objects.count(),
        "regions": EthnicGroup.regions.through.objects.count(),
        "language_groups": Language.ethnic_groups.through.objects.count(),
    }


@pytest.mark.django_db
def test_54_ethnic_groups_numbered_1_to_54_with_kinh_first():
    numbers = list(EthnicGroup.objects.values_list("number", flat=True))
    assert sorted(numbers) == list(range(1, 55))
    assert EthnicGroup.objects.get(number=1).name_vi == "Kinh"
    assert EthnicGroup.objects.values("code").distinct().count() == 54
    assert not EthnicGroup.objects.filter(name_en="").exists()


@pytest.mark.django_db
def test_other_and_historical_names_are_there_to_search_by():
    assert "Mèo" in EthnicGroup.objects.get(name_vi="H'Mông").other_names_list
    assert "Mán" in EthnicGroup.objects.get(name_vi="Dao").other_names_list
    # Every other name listed in the data file made it into the database, one per line.
    for row in json.loads((DATA_DIR / "ethnic_groups.json").read_text(encoding="utf-8")):
        assert EthnicGroup.objects.get(code=row["code"]).other_names_list == row["other_names"]


@pytest.mark.django_db
def test_officers_find_a_group_in_the_admin_by_an_old_name(client, django_user_model):
    officer = django_user_model.objects.get(username="officer")
    client.force_login(officer)
    response = client.get("/admin/snippets/heritage/ethnicgroup/", {"q": "Mèo"})
    assert response.status_code == 200
    listed = [group.pk for group in response.context["object_list"]]
    assert EthnicGroup.objects.get(name_vi="H'Mông").pk in listed
    assert EthnicGroup.objects.get(name_vi="Kinh").pk not in listed


@pytest.mark.django_db
def test_34_current_units_six_cities_and_28_provinces():
    current = Place.objects.filter(kind__in=[Place.Kind.CITY, Place.Kind.PROVINCE])
    assert current.count() == 34
    assert current.filter(kind=Place.Kind.CITY).count() == 6
    assert current.filter(kind=Place.Kind.PROVINCE).count() == 28
    assert {_normalise(p.name_vi) for p in current} == set(PRE_2025_TO_TODAY.values())
    assert {p.name_vi for p in current.filter(kind=Place.Kind.CITY)} == TODAYS_CITIES
    assert all(p.current_province() == p for p in current)


@pytest.mark.django_db
@pytest.mark.parametrize("old_name", sorted(PRE_2025_TO_TODAY))
def test_every_pre_2025_province_resolves_to_todays_unit(old_name):
    by_name = {_normalise(p.name_vi): p for p in Place.objects.exclude(kind__in=["commune", "village"])}
    assert old_name in by_name, f"{old_name} is missing"
    today = by_name[old_name].current_province()
    assert today is not None
    assert _normalise(today.name_vi) == PRE_2025_TO_TODAY[old_name]


@pytest.mark.django_db
def test_former_ha_giang_is_in_tuyen_quang_and_thua_thien_hue_is_hue():
    ha_giang = Place.objects.get(name_vi="Hà Giang")
    assert ha_giang.kind == Place.Kind.FORMER_PROVINCE
    assert ha_giang.current_province() == Place.objects.get(name_vi="Tuyên Quang")
    assert Place.objects.get(name_vi="Thừa Thiên Huế").current_province() == Place.objects.get(name_vi="Huế")


@pytest.mark.django_db
def test_a_commune_resolves_to_its_province_and_a_village_through_its_commune():
    commune = PlaceFactory(parent=Place.objects.get(name_vi="Hà Giang"))
    village = PlaceFactory(kind=Place.Kind.VILLAGE, parent=commune)
    assert village.current_province().name_vi == "Tuyên Quang"


@pytest.mark.django_db
def test_languages_have_three_letter_iso_codes_or_none():
    languages = list(Language.objects.all())
    assert len(languages) == len(json.loads((DATA_DIR / "languages.json").read_text(encoding="utf-8")))
    for language in languages:
        assert language.iso_639_3 == "" or re.fullmatch(r"[a-z]{3}", language.iso_639_3), language.code
    assert Language.objects.get(iso_639_3="vie").ethnic_groups.filter(name_vi="Kinh").exists()


@pytest.mark.django_db
def test_loading_twice_changes_nothing_and_keeps_what_officers_added():
    commune = PlaceFactory(name_vi="Xã Lũng Cú", parent=Place.objects.get(code="tuyen-quang"))
    hmong = EthnicGroup.objects.get(code="hmong")
    before = counts()

    first = load_reference_data(EthnicGroup, Language, Place)
    after_first = counts()
    load_reference_data(EthnicGroup, Language, Place)

    assert first["ethnic_groups"] == 54 and first["provinces"] == 34
    assert counts() == after_first == before
    commune.refresh_from_db()
    assert commune.name_vi == "Xã Lũng Cú"
    assert commune.current_province().code == "tuyen-quang"
    assert EthnicGroup.objects.get(code="hmong").pk == hmong.pk
