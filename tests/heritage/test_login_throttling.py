"""Login throttling as an attacker and an officer meet it: per account whatever the address,
per address across accounts, the client address behind trusted proxies, the cool-off and
the lockout page."""

import base64
import ipaddress
import math
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from axes.models import AccessAttempt
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from heritage.access import AccessLevel
from heritage.client_address import client_address
from heritage.models import EntryPage
from tests.heritage.helpers import soup

ADMIN_LOGIN = "/admin/login/"
PASSWORD = "Đúng-mật-khẩu-2026"
ATTACKER = "203.0.113.66"
PROXY = "10.0.0.2"
PER_ACCOUNT = 5
PER_ADDRESS = 20


@pytest.fixture(autouse=True)
def _throttling(settings):
    """The test settings switch axes off; these tests switch it on with the default limits."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = PER_ACCOUNT
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = PER_ADDRESS
    settings.TRUSTED_PROXY_COUNT = 0


@pytest.fixture
def accounts(django_user_model):
    users = {name: django_user_model.objects.get(username=name) for name in ("officer", "reviewer", "researcher")}
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    return users


def sign_in(username, password, address=ATTACKER, forwarded_for=None, url=ADMIN_LOGIN, language="vi"):
    """One login attempt from a fresh browser."""
    headers = {"REMOTE_ADDR": address, "HTTP_ACCEPT_LANGUAGE": language}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return Client().post(url, {"username": username, "password": password}, **headers)


def signed_in(response):
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def locked(response):
    return response.status_code == 429 and "_auth_user_id" not in response.client.session


SPRAYED_NAMES = ["admin", "officer", "reviewer", "researcher", "editor", "curator", "archivist"]


def spray(count, address=ATTACKER, forwarded_for=lambda number: None, url=ADMIN_LOGIN, names=SPRAYED_NAMES):
    """`count` wrong passwords spread over many user names, fewer than the account limit per
    name; answers the last response (the one that may lock)."""
    for number in range(count):
        name = names[number % len(names)]
        response = sign_in(name, f"wrong-{number}", address, forwarded_for(number), url)
        if number < count - 1:
            assert response.status_code == 200, f"attempt {number + 1} was not an ordinary refusal"
    return response


# Per address, across accounts -----------------------------------------------------------------


@pytest.mark.django_db
def test_password_spraying_from_one_address_is_locked_out(accounts):
    assert locked(spray(PER_ADDRESS)), "the failure that reaches the limit is answered with the lockout page"
    assert locked(sign_in("officer", PASSWORD)), "the spraying address may still try passwords"
    assert signed_in(sign_in("officer", PASSWORD, address="198.51.100.20")), "the officer is locked out everywhere"


@pytest.mark.django_db
def test_a_correct_login_does_not_clear_the_address_count(accounts):
    """An attacker holding one valid account cannot reset the address's count with it."""
    spray(PER_ADDRESS - 1, names=[name for name in SPRAYED_NAMES if name != "researcher"])
    assert signed_in(sign_in("researcher", PASSWORD))
    assert locked(sign_in("curator", "wrong"))
    assert locked(sign_in("reviewer", PASSWORD))


@pytest.mark.django_db
def test_spraying_through_the_site_login_form_is_locked_out_too(accounts):
    spray(PER_ADDRESS, url=reverse("wagtailcore_login"))
    assert locked(sign_in("researcher", PASSWORD, url=reverse("wagtailcore_login")))
    assert locked(sign_in("officer", PASSWORD))


# Per account, whatever the address -------------------------------------------------------------


@pytest.mark.django_db
def test_failures_from_many_addresses_lock_that_account_only(accounts):
    for number in range(PER_ACCOUNT - 1):
        assert sign_in("officer", "wrong", address=f"198.51.100.{number + 1}").status_code == 200
    assert locked(sign_in("officer", "wrong", address="198.51.100.5"))
    assert locked(sign_in("officer", PASSWORD, address="192.0.2.44"))
    assert signed_in(sign_in("reviewer", PASSWORD, address="192.0.2.44"))
    assert signed_in(sign_in("reviewer", PASSWORD, address="198.51.100.1"))


@pytest.mark.django_db
def test_fewer_failures_than_the_limit_do_not_lock(accounts):
    for _ in range(PER_ACCOUNT - 1):
        sign_in("officer", "wrong")
    assert signed_in(sign_in("officer", PASSWORD))


@pytest.mark.django_db
def test_the_api_takes_no_password_so_it_is_no_door_for_guessing(accounts):
    """The API is read-only open data: HTTP Basic credentials are ignored, right or wrong,
    so it cannot be used to test passwords, and a signed-in session still works there."""
    officer_only = EntryPage.objects.filter(access_level=AccessLevel.RESTRICTED).values_list("pk", flat=True).first()
    for password in ["wrong"] * (PER_ACCOUNT + 1) + [PASSWORD]:
        guess = "Basic " + base64.b64encode(f"officer:{password}".encode()).decode()
        response = Client().get(f"/api/v2/pages/{officer_only}/", HTTP_AUTHORIZATION=guess, REMOTE_ADDR=ATTACKER)
        assert response.status_code == 404
    assert signed_in(sign_in("officer", PASSWORD, address=ATTACKER))
    session = Client()
    session.force_login(accounts["officer"])
    assert session.get(f"/api/v2/pages/{officer_only}/").status_code == 200


# The cool-off ------------------------------------------------------------------------------------


def age_attempts(delta):
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= delta
        attempt.save(update_fields=["attempt_time"])


@pytest.mark.django_db
def test_an_account_lock_lifts_after_the_cool_off(accounts):
    for number in range(PER_ACCOUNT):
        sign_in("officer", "wrong", address=f"198.51.100.{number + 1}")
    assert locked(sign_in("officer", PASSWORD))
    age_attempts(django_settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
    assert locked(sign_in("officer", PASSWORD)), "the lock lifted before the cool-off"
    age_attempts(timedelta(minutes=2))
    assert signed_in(sign_in("officer", PASSWORD))


@pytest.mark.django_db
def test_an_address_lock_lifts_after_the_cool_off(accounts):
    spray(PER_ADDRESS)
    assert locked(sign_in("officer", PASSWORD))
    age_attempts(django_settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
    assert signed_in(sign_in("officer", PASSWORD))


@pytest.mark.django_db
def test_attempts_during_a_lock_do_not_extend_it(accounts):
    for _ in range(PER_ACCOUNT):
        sign_in("officer", "wrong")
    age_attempts(django_settings.AXES_COOLOFF_TIME - timedelta(minutes=2))
    for _ in range(3):
        assert locked(sign_in("officer", "still-guessing"))
    age_attempts(timedelta(minutes=3))
    assert signed_in(sign_in("officer", PASSWORD))


# The client address behind trusted proxies -------------------------------------------------------


@pytest.mark.django_db
def test_behind_a_proxy_one_client_does_not_lock_out_another(settings, accounts):
    settings.TRUSTED_PROXY_COUNT = 1
    spray(PER_ADDRESS, address=PROXY, forwarded_for=lambda number: "198.51.100.7")
    assert locked(sign_in("reviewer", PASSWORD, address=PROXY, forwarded_for="198.51.100.7"))
    assert signed_in(sign_in("reviewer", PASSWORD, address=PROXY, forwarded_for="198.51.100.8"))


@pytest.mark.django_db
def test_behind_a_proxy_a_client_cannot_escape_by_forging_earlier_hops(settings, accounts):
    settings.TRUSTED_PROXY_COUNT = 1
    spray(PER_ADDRESS, address=PROXY, forwarded_for=lambda number: f"192.0.2.{number + 1}, 198.51.100.7")
    assert locked(sign_in("reviewer", PASSWORD, address=PROXY, forwarded_for="192.0.2.200, 198.51.100.7"))


@pytest.mark.django_db
def test_without_proxies_a_forged_forwarded_for_is_ignored(accounts):
    spray(PER_ADDRESS, forwarded_for=lambda number: f"192.0.2.{number + 1}")
    assert locked(sign_in("reviewer", PASSWORD, forwarded_for="192.0.2.250"))
    assert signed_in(sign_in("reviewer", PASSWORD, address="198.51.100.99", forwarded_for=ATTACKER))


def _request(remote, forwarded_for):
    meta = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "192.0.2.1", PROXY),
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "192.0.2.9, 192.0.2.1", "192.0.2.1"),
        (2, "192.0.2.9, 192.0.2.1, 10.0.0.1", "192.0.2.1"),
        (2, "192.0.2.1", PROXY),  # fewer hops than proxies: not through all of them
        (1, None, PROXY),
        (1, "", PROXY),
        (1, "not-an-address", PROXY),
        (1, "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),
    ],
)
def test_client_address(settings, proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(_request(PROXY, forwarded_for)) == expected


@hypothesis_settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(forwarded_for=st.one_of(st.none(), st.text(max_size=80)), proxies=st.integers(min_value=0, max_value=3))
def test_client_address_is_an_address_whatever_the_header(settings, forwarded_for, proxies):
    settings.TRUSTED_PROXY_COUNT = proxies
    address = client_address(_request(PROXY, forwarded_for))
    ipaddress.ip_address(address)
    if proxies == 0:
        assert address == PROXY


# The lockout page -------------------------------------------------------------------------------


def lock_officer():
    for _ in range(PER_ACCOUNT):
        sign_in("officer", "wrong")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "url", "heading"),
    [
        ("vi", ADMIN_LOGIN, "Tạm khoá đăng nhập"),
        ("en", ADMIN_LOGIN, "Sign-in paused"),
        ("vi", "/vi/_util/login/", "Tạm khoá đăng nhập"),
        ("en", "/en/_util/login/", "Sign-in paused"),
    ],
)
def test_the_lockout_page_is_in_the_site_design_and_says_when_to_try_again(accounts, language, url, heading):
    lock_officer()
    response = sign_in("officer", PASSWORD, url=url, language=language)
    assert response.status_code == 429
    page = soup(response)
    assert page.html["lang"] == language
    assert page.select_one("header.site-header") and page.select_one("footer.site-footer")
    assert page.h1.get_text(strip=True) == heading
    last_failure = AccessAttempt.objects.filter(username="officer").latest("attempt_time").attempt_time
    until = (last_failure + django_settings.AXES_COOLOFF_TIME).astimezone(ZoneInfo(django_settings.TIME_ZONE))
    assert until.strftime("%H:%M") in page.main.get_text()
    retry_after = int(response["Retry-After"])
    expected = (until - timezone.now()).total_seconds()
    assert expected - 5 <= retry_after <= expected + 5
    wait = {"vi": "{} phút", "en": "{} minutes"}[language].format(math.ceil(retry_after / 60))
    assert wait in page.main.get_text()
    assert PASSWORD not in response.content.decode()
