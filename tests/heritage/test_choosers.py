"""The entry editor's place and person choosers: searched folded, and with a "create" tab
for officers that refuses anyone without the add permission and answers hostile input
with form errors (tests/browser/test_choosers.py uses them in the editor)."""

import html
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django.contrib.auth.models import Permission

from heritage.models import Contributor, Place

PLACES = "/admin/snippets/choose/heritage/place/"
PEOPLE = "/admin/snippets/choose/heritage/contributor/"


def found(client, chooser: str, query: str) -> list[str]:
    """The labels the chooser lists for the query, in order."""
    response = client.get(f"{chooser}results/", {"q": query})
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    return re.findall(r"data-chooser-modal-choice href=\"[^\"]*\">\s*(.*?)\s*</a>", page, re.S)


def field_errors(fragment: str, field: str) -> str:
    match = re.search(
        rf'data-contentpath="{field}">\s*<div class="w-field__errors" data-field-errors >(.*?)</div>', fragment, re.S
    )
    assert match, field
    return match.group(1).strip()


def modal(response) -> dict:
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def commune(db) -> Place:
    return Place.objects.create(
        code="xa-hoa-cu-test", name_vi="Xã Hòa Cư", kind=Place.Kind.COMMUNE, parent=Place.objects.get(code="lang-son")
    )


@pytest.fixture
def clerk(django_user_model):
    """Reaches the admin and may view places and people, but not add them."""
    user = django_user_model.objects.create_user("clerk", password="not-used-here")
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["access_admin", "view_place", "view_contributor"],
        )
    )
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["lang son", "Lạng Sơn", "LANG SON", "Lang Son", "lạng"])
def test_a_province_is_found_with_or_without_marks(client, officer, query):
    client.force_login(officer)
    results = found(client, PLACES, query)
    assert results[0] == "Lạng Sơn"
    assert "Hà Nội" not in results


@pytest.mark.django_db
def test_a_commune_is_found_by_its_name_and_shown_with_its_province(client, officer, commune):
    client.force_login(officer)
    for query in ["hoa cu", "Hòa Cư", "xa hoa", "hoa cu lang son"]:
        assert "Xã Hòa Cư, Lạng Sơn" in found(client, PLACES, query), query
    assert "Xã Hòa Cư, Lạng Sơn" not in found(client, PLACES, "ha noi")


@pytest.mark.django_db
def test_the_place_itself_comes_before_what_lies_in_it(client, officer, commune):
    client.force_login(officer)
    results = found(client, PLACES, "lang son")
    assert results.index("Lạng Sơn") < results.index("Xã Hòa Cư, Lạng Sơn")


@pytest.mark.django_db
def test_a_person_is_found_with_or_without_marks(client, officer):
    Contributor.objects.create(name="Đinh Thị Thương", kind=Contributor.Kind.PERFORMER)
    Contributor.objects.create(name="Lò Văn Pọm", kind=Contributor.Kind.ARTISAN)
    client.force_login(officer)
    for query in ["dinh thi thuong", "Đinh Thị Thương", "thuong", "ĐINH"]:
        results = found(client, PEOPLE, query)
        assert "Đinh Thị Thương" in results, query
        assert "Lò Văn Pọm" not in results


@pytest.mark.django_db
def test_the_entry_editor_uses_the_folded_choosers(client, officer):
    from heritage.models import FestivalIndexPage

    client.force_login(officer)
    festivals = FestivalIndexPage.objects.get(locale__language_code="vi")
    page = client.get(f"/admin/pages/add/heritage/festivalpage/{festivals.pk}/").content.decode()
    assert PLACES in page and PEOPLE in page
    assert "add a missing commune or village" in page or "thêm xã, thôn bản còn thiếu" in page


@pytest.mark.django_db
def test_an_officer_creates_a_commune_and_it_is_chosen(client, officer):
    client.force_login(officer)
    chooser = modal(client.get(PLACES))
    assert 'id="tab-create"' in chooser["html"] and 'name="parent"' in chooser["html"]
    lang_son = Place.objects.get(code="lang-son")
    response = modal(
        client.post(
            f"{PLACES}create/", {"name_vi": "Xã Tân Thành", "name_en": "", "kind": "commune", "parent": lang_son.pk}
        )
    )
    assert response["step"] == "chosen"
    commune = Place.objects.get(pk=response["result"]["id"])
    assert (commune.name_vi, commune.kind, commune.parent) == ("Xã Tân Thành", "commune", lang_son)
    assert response["result"]["string"] == "Xã Tân Thành, Lạng Sơn"
    assert commune.code == "xa-tan-thanh-lang-son"
    assert "Xã Tân Thành, Lạng Sơn" in found(client, PLACES, "tan thanh")


@pytest.mark.django_db
def test_an_officer_creates_a_person_and_they_are_chosen(client, officer):
    client.force_login(officer)
    response = modal(client.post(f"{PEOPLE}create/", {"name": "Hoàng Thị Nhị", "kind": "performer"}))
    assert response["step"] == "chosen" and response["result"]["string"] == "Hoàng Thị Nhị"
    assert "Hoàng Thị Nhị" in found(client, PEOPLE, "hoang thi nhi")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"name_vi": "Xã Không Tỉnh", "kind": "commune"}, "parent"),
        ({"name_vi": "Xã Không Loại", "parent_code": "lang-son"}, "kind"),
        ({"name_vi": "Xã Trong Xã", "kind": "commune", "parent_code": "xa-hoa-cu-test"}, "parent"),
        ({"name_vi": "Bản Trong Tỉnh", "kind": "village", "parent_code": "lang-son"}, "parent"),
        ({"name_vi": "xa hoa cu", "kind": "commune", "parent_code": "lang-son"}, "name_vi"),
        ({"name_vi": "Tỉnh Mới", "kind": "province", "parent_code": "lang-son"}, "kind"),
        ({"name_vi": "  ", "kind": "commune", "parent_code": "lang-son"}, "name_vi"),
        ({"name_vi": "!!!", "kind": "commune", "parent_code": "lang-son"}, "name_vi"),
    ],
)
def test_a_commune_without_its_province_or_kind_is_refused_in_the_modal(client, officer, commune, data, field_error):
    client.force_login(officer)
    data = dict(data)
    if "parent_code" in data:
        data["parent"] = Place.objects.get(code=data.pop("parent_code")).pk
    before = Place.objects.count()
    response = modal(client.post(f"{PLACES}create/", data))
    assert response["step"] == "reshow_creation_form"
    assert "error-message" in field_errors(response["htmlFragment"], field_error)
    assert Place.objects.count() == before


@pytest.mark.django_db
def test_without_the_add_permission_there_is_no_create_tab_and_nothing_is_created(client, clerk, officer):
    lang_son = Place.objects.get(code="lang-son")
    data = {"name_vi": "Xã Cấm", "kind": "commune", "parent": lang_son.pk}
    client.force_login(clerk)
    chooser = modal(client.get(PLACES))
    assert 'id="tab-create"' not in chooser["html"] and 'name="parent"' not in chooser["html"]
    assert found(client, PLACES, "lang son") == ["Lạng Sơn"]
    # Wagtail answers a permission refusal in the admin by sending the user to the dashboard.
    for response in (
        client.post(f"{PLACES}create/", data),
        client.post(f"{PEOPLE}create/", {"name": "Người Cấm", "kind": "performer"}),
    ):
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert not Place.objects.filter(name_vi="Xã Cấm").exists()
    assert not Contributor.objects.filter(name="Người Cấm").exists()
    # Positive control: the same request from an officer creates it.
    client.force_login(officer)
    assert modal(client.post(f"{PLACES}create/", data))["step"] == "chosen"
    assert Place.objects.filter(name_vi="Xã Cấm").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["researcher", None])
def test_researchers_and_visitors_never_reach_the_choosers(client, django_user_model, username):
    if username:
        client.force_login(django_user_model.objects.get(username=username))
    lang_son = Place.objects.get(code="lang-son")
    response = client.post(f"{PLACES}create/", {"name_vi": "Xã Lạ", "kind": "commune", "parent": lang_son.pk})
    results = client.get(f"{PLACES}results/", {"q": "lang son"})
    for refused in (response, results):
        if username:
            assert refused.status_code == 403
        else:
            assert refused.status_code == 302 and refused["Location"].startswith("/admin/login/")
    assert not Place.objects.filter(name_vi="Xã Lạ").exists()


hostile_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=400
) | st.sampled_from(["' OR 1=1 --", "<script>alert(1)</script>", "../../etc/passwd", "%00", "\u0000", "ạ" * 500])


@pytest.mark.django_db
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=hostile_text, name_en=hostile_text, kind=hostile_text, parent=hostile_text, query=hostile_text)
def test_hostile_input_gives_form_errors_never_a_server_error(client, officer, name, name_en, kind, parent, query):
    client.force_login(officer)
    for chooser in (PLACES, PEOPLE):
        assert client.get(f"{chooser}results/", {"q": query}).status_code == 200
    response = client.post(f"{PLACES}create/", {"name_vi": name, "name_en": name_en, "kind": kind, "parent": parent})
    assert modal(response)["step"] in ("chosen", "reshow_creation_form")
    response = client.post(f"{PEOPLE}create/", {"name": name, "kind": kind, "ethnic_group": parent})
    assert modal(response)["step"] in ("chosen", "reshow_creation_form")
    assert "<script>alert(1)</script>" not in response.content.decode()
