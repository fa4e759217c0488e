"""Every account page in Vietnamese and English, and hostile input (very long fields,
NUL, markup, odd Unicode) giving form errors, never a server error."""

import itertools
import string

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from django.core import mail
from django.test import Client

from tests.accounts.conftest import links_in, path_of, register

pytestmark = pytest.mark.django_db

PAGES = {
    "login/": ("Đăng nhập", "Sign in"),
    "register/": ("Đăng ký làm nhà nghiên cứu", "Register as a researcher"),
    "register/sent/": ("Hãy kiểm tra email", "Check your email"),
    "confirmed/": ("Đã xác nhận đăng ký", "Registration confirmed"),
    "password-reset/": ("Đặt lại mật khẩu", "Reset your password"),
    "password-reset/sent/": ("Hãy kiểm tra email", "Check your email"),
    "password-reset/done/": ("Đã đổi mật khẩu", "Password changed"),
    "confirm/MQ/bad-token/": ("Liên kết này không còn hiệu lực", "This link is no longer valid"),
    "password-reset/MQ/bad-token/": ("Liên kết này không còn hiệu lực", "This link is no longer valid"),
}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("page", list(PAGES))
def test_each_account_page_speaks_the_addresses_language(language, page):
    response = Client().get(f"/{language}/account/{page}", follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    vietnamese, english = PAGES[page]
    assert (vietnamese if language == "vi" else english) in text
    assert f'<html lang="{language}">' in text
    assert '<meta name="robots" content="noindex">' in text


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_account_page_asks_anonymous_visitors_to_sign_in(language):
    response = Client().get(f"/{language}/account/")
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/account/login/?next=/{language}/account/"


HOSTILE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "",
            "\x00",
            "a\x00b@example.org",
            "a" * 5000,
            "a" * 200 + "@example.org",
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "'; DROP TABLE auth_user; --",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
            "x@example.org\r\nBcc: victim@example.org",
            "admin",
            " officer@example.org ",
        ]
    ),
)
HOSTILE_FORM = hypothesis_settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@HOSTILE_FORM
@given(name=HOSTILE, email=HOSTILE, institution=HOSTILE, purpose=HOSTILE)
def test_no_registration_answers_5xx(name, email, institution, purpose):
    client = Client(raise_request_exception=False)
    data = {"name": name, "email": email, "institution": institution, "purpose": purpose}
    response = client.post("/vi/account/register/", data)
    assert response.status_code in (200, 302), response.status_code
    assert b"<script>alert(1)</script>" not in response.content
    assert all(len(message.to) == 1 and "\n" not in message.to[0] for message in mail.outbox)
    mail.outbox.clear()


@HOSTILE_FORM
@given(username=HOSTILE, password=HOSTILE, next_path=HOSTILE)
def test_no_sign_in_answers_5xx(username, password, next_path):
    client = Client(raise_request_exception=False)
    data = {"username": username, "password": password, "next": next_path}
    response = client.post("/en/account/login/", data)
    assert response.status_code in (200, 302), response.status_code


@HOSTILE_FORM
@given(email=HOSTILE)
def test_no_password_reset_answers_5xx(email):
    response = Client(raise_request_exception=False).post("/vi/account/password-reset/", {"email": email})
    assert response.status_code in (200, 302), response.status_code


@HOSTILE_FORM
@given(uid=st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=300))
def test_no_forged_link_answers_5xx(uid):
    client = Client(raise_request_exception=False)
    for base in ("/vi/account/confirm/", "/en/account/password-reset/"):
        response = client.get(f"{base}{uid}/{uid[:40]}-x/")
        assert response.status_code in (200, 302, 404), response.status_code


@HOSTILE_FORM
@given(name=HOSTILE, institution=HOSTILE, purpose=HOSTILE, password=HOSTILE)
def test_no_confirmation_form_answers_5xx(name, institution, purpose, password):
    mail.outbox.clear()
    register(Client(), f"thu.nghiem.{next(SERIAL)}@example.org")
    client = Client(raise_request_exception=False)
    form_url = client.get(path_of(links_in(mail.outbox[-1])[0]))["Location"]
    data = {"name": name, "institution": institution, "purpose": purpose}
    data |= {"new_password1": password, "new_password2": password}
    response = client.post(form_url, data)
    assert response.status_code in (200, 302), response.status_code


SERIAL = itertools.count()


def test_markup_in_a_registration_is_shown_as_text(staff):
    from tests.accounts.conftest import confirm, signed_in

    client = Client()
    register(client, "danh.dau@example.org", name="<b>Tên</b>", institution="<i>Viện</i>")
    confirm(client, links_in(mail.outbox[-1])[0], name="<b>Tên</b>", institution="<i>Viện</i>")
    queue = signed_in(staff["admin"]).get("/admin/researchers/").content.decode()
    assert "&lt;b&gt;Tên&lt;/b&gt;" in queue and "<b>Tên</b>" not in queue
    assert "&lt;i&gt;Viện&lt;/i&gt;" in queue
