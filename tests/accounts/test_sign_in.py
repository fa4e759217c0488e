"""Signing in and out on the public site: who may, where they land, the header, the
admin kept for staff, and the throttling of every sign-in form."""

import re
from urllib.parse import urlencode

import pytest

from django.core import mail
from django.test import Client

from accounts.approval import decide
from heritage.access import RESEARCHERS
from tests.accounts.conftest import PASSWORD, signed_in

pytestmark = pytest.mark.django_db

LOGINS = ["/vi/account/login/", "/en/account/login/", "/vi/_util/login/", "/admin/login/"]


def sign_in(username, password=PASSWORD, url="/vi/account/login/", next_path=None, client=None):
    client = client or Client()
    data = {"username": username, "password": password}
    if next_path is not None:
        url += "?" + urlencode({"next": next_path})
        data["next"] = next_path
    return client, client.post(url, data)


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_researcher_signs_in_sees_their_name_in_the_header_and_signs_out(language, staff):
    researcher = staff["researcher"]
    researcher.first_name = "Trần Văn Nghiên"
    researcher.save()
    client = Client()
    home = client.get(f"/{language}/").content.decode()
    assert f'href="/{language}/account/login/?next=/{language}/"' in home
    assert "Trần Văn Nghiên" not in home

    client, response = sign_in("researcher", url=f"/{language}/account/login/", client=client)
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/account/"
    page = client.get(f"/{language}/").content.decode()
    assert "Trần Văn Nghiên" in page
    assert f'href="/{language}/account/logout/"' in page
    assert "csrfmiddlewaretoken" not in page, "no per-response token: two refusals stay byte-for-byte alike"
    assert client.get(f"/{language}/account/").status_code == 200

    confirmation = client.get(f"/{language}/account/logout/")
    assert confirmation.status_code == 200, "the header's link leads to the sign-out form"
    assert f'<form method="post" action="/{language}/account/logout/">' in confirmation.content.decode()
    assert is_signed_in(client), "GET does not sign out"
    response = client.post(f"/{language}/account/logout/")
    assert response.status_code == 302 and response["Location"] == f"/{language}/"
    assert not is_signed_in(client)
    assert "Trần Văn Nghiên" not in client.get(f"/{language}/").content.decode()


def test_sign_out_needs_the_csrf_token(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff["researcher"])
    assert client.post("/vi/account/logout/").status_code == 403
    assert is_signed_in(client)
    page = client.get("/vi/account/")
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert client.post("/vi/account/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert not is_signed_in(client)


def test_researchers_sign_in_with_their_email_in_any_case(pending_researcher, staff):
    decide(pending_researcher.researcher_profile.pk, staff["admin"], approve=True)
    for typed in ("cho.duyet@example.org", "Cho.Duyet@Example.ORG"):
        client, response = sign_in(typed)
        assert response.status_code == 302 and is_signed_in(client), typed


@pytest.mark.parametrize("url", LOGINS)
def test_pending_and_refused_researchers_cannot_sign_in_anywhere(url, django_user_model, pending_researcher, staff):
    refused = django_user_model.objects.create_user("bi.tu.choi@example.org", "bi.tu.choi@example.org", PASSWORD)
    refused.is_active = False
    refused.save()
    for user in (pending_researcher, refused):
        client, response = sign_in(user.username, url=url)
        assert response.status_code == 200, (url, user)
        assert not is_signed_in(client)
        assert client.get("/api/v2/pages/").status_code == 200
    # Positive control: once approved, the same password works.
    decide(pending_researcher.researcher_profile.pk, staff["admin"], approve=True)
    client, response = sign_in(pending_researcher.username, url=url)
    assert response.status_code == 302 and is_signed_in(client), url


def test_a_wrong_password_and_an_account_waiting_for_approval_get_the_same_answer(pending_researcher, staff):
    _, waiting = sign_in(pending_researcher.username)
    _, wrong = sign_in("researcher", "sai-mật-khẩu")
    _, unknown = sign_in("khong.ai@example.org")
    bodies = {
        re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode().replace(name, ""))
        for response, name in (
            (waiting, pending_researcher.username),
            (wrong, "researcher"),
            (unknown, "khong.ai@example.org"),
        )
    }
    assert len(bodies) == 1
    assert "đang chờ" in bodies.pop()


OFFSITE = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "http:evil.example", "\\\\evil.example"]


@pytest.mark.parametrize("target", OFFSITE)
def test_next_never_leads_to_another_site(target, staff):
    _, response = sign_in("researcher", next_path=target)
    assert response.status_code == 302
    assert "evil" not in response["Location"]
    assert response["Location"] == "/vi/account/"


def test_next_leads_back_to_a_page_of_the_site(staff):
    _, response = sign_in("researcher", next_path="/en/search/?q=l%E1%BB%85+h%E1%BB%99i")
    assert response["Location"] == "/en/search/?q=l%E1%BB%85+h%E1%BB%99i"


@pytest.mark.parametrize("target", ["/admin/pages/", "/admin", "http://testserver/admin/", "/%61dmin/"])
def test_a_researcher_signing_in_never_lands_in_the_admin(target, staff):
    _, response = sign_in("researcher", next_path=target)
    assert response["Location"] == "/vi/account/"


def test_the_admin_refuses_researchers_and_offers_to_sign_out(staff):
    client, _ = sign_in("researcher")
    for address in ("/admin/", "/admin/pages/", "/admin/login/", "/admin/account/", "/admin/researchers/"):
        refused = client.get(address)
        assert refused.status_code == 403, address
        assert "Đăng xuất" in refused.content.decode(), "the refusal offers to sign out"
    assert client.post("/admin/logout/").status_code == 403
    assert client.post("/vi/account/logout/").status_code == 302
    assert not is_signed_in(client)


def test_an_officer_signing_in_on_the_site_may_go_on_to_the_admin(staff):
    client, response = sign_in("officer", next_path="/admin/pages/")
    assert response["Location"] == "/admin/pages/"
    assert client.get("/admin/").status_code == 200
    assert "/admin/" in client.get("/vi/account/").content.decode()


def test_sign_in_is_throttled_by_django_axes(settings, staff):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    client, response = sign_in("researcher")  # positive control: it works before any failure
    assert is_signed_in(client)
    for _ in range(5):
        sign_in("researcher", "sai-mật-khẩu", url="/en/account/login/")
    client, response = sign_in("researcher")
    assert response.status_code == 429
    assert "Tạm khoá đăng nhập" in response.content.decode()
    assert not is_signed_in(client)


def test_the_lockout_page_on_the_site_is_in_english_under_en(settings, staff):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        sign_in("officer", "sai-mật-khẩu", url="/en/account/login/")
    _, response = sign_in("officer", url="/en/account/login/")
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()


def test_the_researchers_group_opens_researchers_only_entries_after_approval(pending_researcher, staff):
    from heritage.access import AccessLevel
    from heritage.models import EntryPage

    entry = EntryPage.objects.get(access_level=AccessLevel.RESEARCHERS, locale__language_code="vi")
    mail.outbox.clear()
    decide(pending_researcher.researcher_profile.pk, staff["admin"], approve=True)
    assert pending_researcher.groups.filter(name=RESEARCHERS).exists()
    client, _ = sign_in(pending_researcher.username)
    assert client.get(entry.url).status_code == 200
    assert Client().get(entry.url).status_code == 302  # positive control: anonymous is asked to sign in
    assert Client().get(entry.url)["Location"].startswith("/vi/account/login/?next=")


def test_a_signed_in_staff_member_sees_their_name_escaped(staff):
    officer = staff["officer"]
    officer.first_name = "<script>alert(1)</script>"
    officer.save()
    page = signed_in(officer).get("/vi/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
