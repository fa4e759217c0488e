"""Registration as a researcher meets it, in Vietnamese and English: the form, the
confirmation link in the mail (in the registrant's language, to the archive's public
address), choosing the password, and waiting for an administrator."""

import pytest
from freezegun import freeze_time

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import ResearcherProfile
from accounts.tokens import confirmation_token
from tests.accounts.conftest import PASSWORD, confirm, links_in, path_of, register

pytestmark = pytest.mark.django_db

SUBJECTS = {
    "vi": "Xác nhận đăng ký với Kho lưu trữ di sản văn hóa các dân tộc thiểu số",
    "en": "Confirm your registration with the Ethnic heritage archive",
}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_registration_is_confirmed_by_the_link_in_a_mail_in_the_registrants_language(
    language, django_user_model, staff
):
    client = Client()
    form = client.get(f"/{language}/account/register/")
    assert form.status_code == 200
    assert ("Đăng ký" if language == "vi" else "Register as a researcher") in form.content.decode()

    response = register(client, "ha.nguyen@example.org", language)
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/account/register/sent/"
    assert client.get(response["Location"]).status_code == 200
    [message] = mail.outbox
    assert message.to == ["ha.nguyen@example.org"]
    assert message.subject == SUBJECTS[language]
    [link] = links_in(message)
    assert link.startswith(settings.WAGTAILADMIN_BASE_URL + f"/{language}/account/confirm/")

    user = django_user_model.objects.get(email="ha.nguyen@example.org")
    assert not user.is_active and not user.has_usable_password()
    assert user.researcher_profile.state == ResearcherProfile.State.PENDING_EMAIL

    mail.outbox.clear()
    response = confirm(client, link, institution="Đại học Quốc gia Hà Nội")
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/account/confirmed/"
    user.refresh_from_db()
    assert user.researcher_profile.state == ResearcherProfile.State.PENDING_APPROVAL
    assert user.researcher_profile.institution == "Đại học Quốc gia Hà Nội"
    assert user.check_password(PASSWORD)
    assert not user.is_active, "waits for an administrator"
    # Every administrator is told, in their own language.
    told = {address for message in mail.outbox for address in message.to}
    assert {"admin@example.org", "quantri@example.org"} <= told
    assert "officer@example.org" not in told and "reviewer@example.org" not in told


def test_the_confirmation_link_works_once(django_user_model):
    client = Client()
    register(client, "mot.lan@example.org")
    link = links_in(mail.outbox[-1])[0]
    assert confirm(client, link).status_code == 302
    again = Client().get(path_of(link), follow=True)
    assert "Liên kết này không còn hiệu lực" in again.content.decode()
    assert django_user_model.objects.get(username="mot.lan@example.org").check_password(PASSWORD)


def test_the_confirmation_link_expires(django_user_model):
    client = Client()
    with freeze_time("2026-11-01 08:00"):
        register(client, "het.han@example.org")
    link = links_in(mail.outbox[-1])[0]
    with freeze_time("2026-11-05 08:00"):  # PASSWORD_RESET_TIMEOUT is three days
        response = client.get(path_of(link), follow=True)
    assert "Liên kết này không còn hiệu lực" in response.content.decode()
    assert not django_user_model.objects.get(username="het.han@example.org").has_usable_password()
    with freeze_time("2026-11-03 08:00"):  # positive control: within three days it works
        assert confirm(Client(), link).status_code == 302


def test_registration_answers_alike_for_known_and_unknown_addresses(staff):
    """Same status, address and page; the one message goes to the address itself."""
    answers = []
    for email in ("officer@example.org", "OFFICER@example.org", "khong.co@example.org"):
        mail.outbox.clear()
        response = register(Client(), email)
        page = Client().get(response["Location"])
        answers.append((response.status_code, response["Location"], page.content))
        assert [message.to for message in mail.outbox] == [[email.lower()]]
    assert answers[0] == answers[1] == answers[2]
    # The known address is told it already has an account, with sign-in and reset links.
    register(Client(), "officer@example.org")
    assert any("/vi/account/password-reset/" in link for link in links_in(mail.outbox[-1]))


def test_someone_registering_another_persons_address_gets_no_account(django_user_model):
    """Only the holder of the mailbox chooses the password, and may correct the details."""
    register(Client(), "nan.nhan@example.org", purpose="<b>kẻ xấu</b>")
    mail.outbox.clear()
    register(Client(), "nan.nhan@example.org", purpose="Nghiên cứu của tôi")
    assert django_user_model.objects.filter(username="nan.nhan@example.org").count() == 1
    victim = django_user_model.objects.get(username="nan.nhan@example.org")
    assert not victim.has_usable_password()
    link = links_in(mail.outbox[-1])[0]
    confirm(Client(), link, purpose="Nghiên cứu của tôi")
    victim.refresh_from_db()
    assert victim.researcher_profile.purpose == "Nghiên cứu của tôi"


def test_a_password_reset_token_does_not_confirm_a_registration_nor_the_reverse(django_user_model, staff):
    register(Client(), "hai.loai@example.org")
    user = django_user_model.objects.get(username="hai.loai@example.org")
    forged = f"/vi/account/confirm/{uid(user)}/{default_token_generator.make_token(user)}/"
    assert "không còn hiệu lực" in Client().get(forged, follow=True).content.decode()
    officer = staff["officer"]
    forged = f"/vi/account/password-reset/{uid(officer)}/{confirmation_token.make_token(officer)}/"
    assert "không còn hiệu lực" in Client().get(forged, follow=True).content.decode()
    # Positive control: each token on its own form.
    assert confirm(Client(), links_in(mail.outbox[-1])[0]).status_code == 302
    genuine = f"/vi/account/password-reset/{uid(officer)}/{default_token_generator.make_token(officer)}/"
    assert "new_password1" in Client().get(genuine, follow=True).content.decode()


def uid(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def test_a_signed_in_visitor_is_sent_to_their_account_instead_of_registering(staff):
    client = Client()
    client.force_login(staff["researcher"])
    assert client.get("/vi/account/register/")["Location"] == "/vi/account/"
