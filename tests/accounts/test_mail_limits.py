"""Registration and password reset mail an address anyone can type: one address gets a
few messages an hour whatever is sent, and one network that sends too many forms is told
to wait (429 with Retry-After). Below the limits, everything works (positive controls)."""

import pytest
from freezegun import freeze_time

from django.core import mail
from django.test import Client, override_settings

from tests.accounts.conftest import register

pytestmark = pytest.mark.django_db


def ask_reset(client, email, language="vi"):
    return client.post(f"/{language}/account/password-reset/", {"email": email})


@override_settings(ACCOUNT_MAILS_PER_ADDRESS=3, ACCOUNT_FORMS_PER_CLIENT=100)
def test_one_address_gets_a_few_reset_messages_an_hour_and_the_page_answers_alike(staff):
    with freeze_time("2026-11-30 08:00"):
        answers = []
        for _ in range(6):
            answers.append(ask_reset(Client(REMOTE_ADDR="203.0.113.7"), "OFFICER@example.org ")["Location"])
        assert len(mail.outbox) == 3 and {tuple(message.to) for message in mail.outbox} == {("officer@example.org",)}
        assert set(answers) == {"/vi/account/password-reset/sent/"}
        # Another address is not held back by this one's limit.
        ask_reset(Client(), "reviewer@example.org")
        assert mail.outbox[-1].to == ["reviewer@example.org"]
    with freeze_time("2026-11-30 09:01"):
        mail.outbox.clear()
        ask_reset(Client(), "officer@example.org")
        assert [message.to for message in mail.outbox] == [["officer@example.org"]]


@override_settings(ACCOUNT_MAILS_PER_ADDRESS=2, ACCOUNT_FORMS_PER_CLIENT=100)
def test_registering_one_address_again_and_again_mails_it_a_few_times_only():
    with freeze_time("2026-11-30 08:00"):
        for _ in range(5):
            assert register(Client(), "nan.nhan@example.org")["Location"].endswith("/account/register/sent/")
        assert len(mail.outbox) == 2


@override_settings(ACCOUNT_MAILS_PER_ADDRESS=3, ACCOUNT_FORMS_PER_CLIENT=4)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_network_that_sends_too_many_forms_waits_with_retry_after(staff, language):
    with freeze_time("2026-11-30 08:00"):
        client = Client(REMOTE_ADDR="198.51.100.20")
        for number in range(4):
            assert register(client, f"nguoi{number}@example.org", language=language).status_code == 302
        assert len(mail.outbox) == 4
        for response in (
            register(client, "nguoi9@example.org", language=language),
            ask_reset(client, "officer@example.org", language=language),
        ):
            assert response.status_code == 429
            assert 0 < int(response["Retry-After"]) <= 3600
            text = response.content.decode()
            assert ("Please wait a little" in text) == (language == "en")
        assert len(mail.outbox) == 4
        # Another network is not held back (positive control).
        assert register(Client(REMOTE_ADDR="198.51.100.99"), "khac@example.org").status_code == 302
        assert len(mail.outbox) == 5
    with freeze_time("2026-11-30 09:01"):
        assert register(client, "nguoi9@example.org", language=language).status_code == 302


@override_settings(ACCOUNT_MAILS_PER_ADDRESS=3, ACCOUNT_FORMS_PER_CLIENT=2)
def test_invalid_forms_do_not_use_up_the_limit():
    client = Client(REMOTE_ADDR="198.51.100.30")
    for _ in range(5):
        assert register(client, "khong-phai-email").status_code == 200
    assert register(client, "hop.le@example.org").status_code == 302
