"""Password reset by email: the same answer for every address, a message only to active
accounts, in their language, to the archive's public address, a link that works once
and expires."""

import pytest
from freezegun import freeze_time

from django.conf import settings
from django.core import mail
from django.test import Client

from tests.accounts.conftest import NEW_PASSWORD, PASSWORD, links_in, path_of

pytestmark = pytest.mark.django_db


def ask_reset(email, language="vi", **headers):
    return Client().post(f"/{language}/account/password-reset/", {"email": email}, **headers)


def choose(link, password=NEW_PASSWORD):
    client = Client()
    response = client.get(path_of(link))
    if response.status_code != 302:
        return response
    return client.post(response["Location"], {"new_password1": password, "new_password2": password})


def test_reset_answers_alike_and_mails_only_active_accounts(staff, pending_researcher):
    answers = []
    for email in ("officer@example.org", "khong.co@example.org", pending_researcher.email):
        mail.outbox.clear()
        response = ask_reset(email)
        answers.append((response.status_code, response["Location"]))
        sent = [message.to for message in mail.outbox]
        assert sent == ([["officer@example.org"]] if email == "officer@example.org" else []), email
    assert answers[0] == answers[1] == answers[2] == (302, "/vi/account/password-reset/sent/")


def test_the_reset_mail_is_in_the_account_holders_language_and_links_to_the_public_address(staff):
    from wagtail.users.models import UserProfile

    UserProfile.objects.filter(user=staff["officer"]).update(preferred_language="en")
    ask_reset("officer@example.org", language="vi", HTTP_HOST="localhost")
    [message] = mail.outbox
    assert message.subject == "Choose a new password for the Ethnic heritage archive"
    [link] = links_in(message)
    assert link.startswith(settings.WAGTAILADMIN_BASE_URL + "/en/account/password-reset/")
    mail.outbox.clear()
    ask_reset("reviewer@example.org", language="en")
    assert mail.outbox[0].subject == "Chọn mật khẩu mới cho Kho lưu trữ di sản văn hóa các dân tộc thiểu số"


def test_the_reset_link_works_once(staff):
    ask_reset("officer@example.org")
    [link] = links_in(mail.outbox[-1])
    assert choose(link).status_code == 302
    officer = staff["officer"]
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    again = choose(link, PASSWORD)
    assert "không còn hiệu lực" in again.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)


def test_the_reset_link_expires(staff):
    with freeze_time("2026-11-01 08:00"):
        ask_reset("officer@example.org")
    [link] = links_in(mail.outbox[-1])
    with freeze_time("2026-11-05 08:00"):
        assert "không còn hiệu lực" in choose(link).content.decode()
    with freeze_time("2026-11-03 08:00"):  # positive control
        assert choose(link).status_code == 302
