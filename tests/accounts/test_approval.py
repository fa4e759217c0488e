"""Only Administrators (superusers or the Administrators group) approve researchers:
Officers and Reviewers cannot, nobody decides on their own registration, and the
researcher is told in their language."""

import pytest

from django.core import mail
from django.test import Client

from accounts.models import ResearcherProfile
from heritage.access import RESEARCHERS
from tests.accounts.conftest import confirm, links_in, register, signed_in

pytestmark = pytest.mark.django_db

QUEUE = "/admin/researchers/"


def approve_url(profile) -> str:
    return f"/admin/researchers/{profile.pk}/approve/"


def refuse_url(profile) -> str:
    return f"/admin/researchers/{profile.pk}/refuse/"


def refused(response) -> bool:
    """Wagtail answers a refusal in its admin with a redirect to the dashboard."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def state_of(user) -> str:
    return ResearcherProfile.objects.get(user=user).state


@pytest.mark.parametrize("who", ["officer", "reviewer"])
def test_officers_and_reviewers_cannot_see_the_queue_or_approve(who, staff, pending_researcher):
    client = signed_in(staff[who])
    assert refused(client.get(QUEUE))
    assert pending_researcher.email not in client.get("/admin/").content.decode()
    profile = pending_researcher.researcher_profile
    for url in (approve_url(profile), refuse_url(profile)):
        assert refused(client.post(url)), url
    assert state_of(pending_researcher) == ResearcherProfile.State.PENDING_APPROVAL
    assert not pending_researcher.groups.filter(name=RESEARCHERS).exists()
    assert not mail.outbox


def test_an_officer_cannot_approve_their_own_registration(staff, django_user_model):
    """An officer who registered a second, researcher account with another address."""
    client = Client()
    register(client, "officer.rieng@example.org")
    confirm(client, links_in(mail.outbox[-1])[0])
    own = django_user_model.objects.get(username="officer.rieng@example.org")
    officer = signed_in(staff["officer"])
    assert refused(officer.post(approve_url(own.researcher_profile)))
    assert state_of(own) == ResearcherProfile.State.PENDING_APPROVAL


@pytest.mark.parametrize("who", ["admin", "quantri"])
def test_administrators_approve_and_the_researcher_is_told_in_their_language(who, staff, django_user_model):
    client = Client()
    register(client, "duoc.duyet@example.org", language="en")
    confirm(client, links_in(mail.outbox[-1])[0])
    researcher = django_user_model.objects.get(username="duoc.duyet@example.org")
    mail.outbox.clear()
    admin = signed_in(staff[who])
    queue = admin.get(QUEUE)
    assert queue.status_code == 200
    assert "duoc.duyet@example.org" in queue.content.decode()
    assert admin.post(approve_url(researcher.researcher_profile)).status_code == 302
    researcher.refresh_from_db()
    assert researcher.is_active
    assert researcher.groups.filter(name=RESEARCHERS).exists()
    profile = researcher.researcher_profile
    assert profile.state == ResearcherProfile.State.APPROVED and profile.decided_by == staff[who]
    [message] = mail.outbox
    assert message.to == ["duoc.duyet@example.org"]
    assert message.subject == "Your researcher account is approved"
    assert links_in(message)[0].endswith("/en/account/login/")
    # A decision is taken once.
    assert admin.post(refuse_url(profile)).status_code == 302
    assert state_of(researcher) == ResearcherProfile.State.APPROVED


def test_a_refusal_keeps_the_account_closed_and_gives_the_reason(staff, pending_researcher):
    admin = signed_in(staff["quantri"])
    profile = pending_researcher.researcher_profile
    assert admin.post(refuse_url(profile), {"reason": "Thiếu thông tin về cơ quan"}).status_code == 302
    pending_researcher.refresh_from_db()
    assert not pending_researcher.is_active
    assert state_of(pending_researcher) == ResearcherProfile.State.REFUSED
    [message] = mail.outbox
    assert message.subject == "Đăng ký của bạn tại Kho lưu trữ di sản văn hóa các dân tộc thiểu số"
    assert "Thiếu thông tin về cơ quan" in message.body


def test_approval_needs_post(staff, pending_researcher):
    admin = signed_in(staff["admin"])
    assert admin.get(approve_url(pending_researcher.researcher_profile)).status_code == 405
    assert state_of(pending_researcher) == ResearcherProfile.State.PENDING_APPROVAL


def test_the_menu_item_shows_only_to_administrators(staff):
    assert QUEUE in signed_in(staff["admin"]).get("/admin/").content.decode()
    assert QUEUE not in signed_in(staff["officer"]).get("/admin/").content.decode()
