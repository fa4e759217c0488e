"""Asking for access, deciding, direct grants and the log of files served through grants."""

import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django.core import mail
from django.test import Client
from django.utils import timezone

from wagtail.users.models import UserProfile

from access_requests.models import AccessGrant, AccessRequest, FileAccess
from heritage.access import AccessLevel
from heritage.models import EntryPage
from tests.access_requests.conftest import file_urls, grant_to, read, signed_in
from tests.heritage.helpers import distinctive_word, page_text

pytestmark = pytest.mark.django_db
PURPOSE = "Luận văn về tiếng Bru Vân Kiều: so sánh danh sách từ."
QUEUE = "/admin/access-requests/"
LOG = "/admin/access-requests/log/"


def form_url(entry, language="vi") -> str:
    return f"/{language}/account/requests/{entry.translation_key}/"


def ask(user, entry, purpose=PURPOSE) -> AccessRequest:
    response = signed_in(user).post(form_url(entry), {"purpose": purpose})
    assert response.status_code == 302, response.content[:500]
    return AccessRequest.objects.get(requester=user, entry__translation_key=entry.translation_key)


def in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


# The form ------------------------------------------------------------------------------------


def test_the_form_needs_sign_in_and_comes_back_after_it(client, on_request_entry):
    response = client.get(form_url(on_request_entry))
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert "next=" in response["Location"] and str(on_request_entry.translation_key) in response["Location"]
    assert client.post(form_url(on_request_entry), {"purpose": PURPOSE}).status_code == 302
    # Only the demo's request for this entry exists.
    assert AccessRequest.objects.filter(entry__translation_key=on_request_entry.translation_key).count() == 1


def test_the_form_needs_the_csrf_token(on_request_entry, users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["visitor"])
    assert client.post(form_url(on_request_entry), {"purpose": PURPOSE}).status_code == 403
    assert not AccessRequest.objects.filter(requester=users["visitor"]).exists()
    # Positive control: with the token from the form, the request is sent.
    page = client.get(form_url(on_request_entry))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert (
        client.post(form_url(on_request_entry), {"purpose": PURPOSE, "csrfmiddlewaretoken": token}).status_code == 302
    )
    assert AccessRequest.objects.filter(requester=users["visitor"], state="pending").count() == 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(purpose=st.one_of(st.text(max_size=2200), st.sampled_from(["", " " * 30, "\x00" * 25, "<script>" * 5])))
def test_hostile_purposes_give_form_errors(on_request_entry, users, purpose):
    client = signed_in(users["visitor"])
    response = client.post(form_url(on_request_entry), {"purpose": purpose})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert 'class="errorlist' in response.content.decode()
        assert "<script><script>" not in response.content.decode()
    AccessRequest.objects.filter(requester=users["visitor"]).delete()


def test_who_may_ask(on_request_entry, restricted_entry, researchers_entry, users):
    """An on-request entry: anyone signed in without its files. A researchers-only entry:
    a signed-in visitor who is not a researcher. Never a restricted or public entry."""
    public = EntryPage.objects.filter(access_level=AccessLevel.PUBLIC, locale__language_code="vi").first()
    assert signed_in(users["visitor"]).get(form_url(on_request_entry)).status_code == 200
    assert signed_in(users["researcher"]).get(form_url(on_request_entry)).status_code == 200
    assert signed_in(users["officer"]).get(form_url(on_request_entry)).status_code == 404  # has the files
    visitor_form = signed_in(users["visitor"]).get(form_url(researchers_entry))
    assert visitor_form.status_code == 200 and researchers_entry.title not in page_text(visitor_form)
    assert signed_in(users["researcher"]).get(form_url(researchers_entry)).status_code == 404
    for entry in (restricted_entry, public):
        response = signed_in(users["visitor"]).get(form_url(entry))
        assert response.status_code == 404 and entry.title not in page_text(response)


# Deciding ------------------------------------------------------------------------------------


def test_officers_grant_and_the_requester_is_told_in_their_language(on_request_entry, users):
    profile = UserProfile.get_for_user(users["visitor"])
    profile.preferred_language = "en"
    profile.save()
    access_request = ask(users["visitor"], on_request_entry)
    officer = signed_in(users["officer"])
    queue = page_text(officer.get(QUEUE))
    assert PURPOSE in queue and on_request_entry.title in queue
    url = file_urls(on_request_entry)[0]
    assert signed_in(users["visitor"]).get(url).status_code == 404
    response = officer.post(f"{QUEUE}{access_request.pk}/grant/", {"ends_on": in_days(10)})
    assert response.status_code == 302
    grant = AccessGrant.objects.get(request=access_request)
    assert grant.user == users["visitor"] and grant.ends_on == timezone.localdate() + timedelta(days=10)
    message = mail.outbox[-1]
    assert message.to == ["khach@example.org"] and message.subject == "Your access request was granted"
    english_title = EntryPage.objects.get(translation_key=on_request_entry.translation_key, locale__language_code="en")
    assert english_title.title in message.body and str(on_request_entry.translation_key) in message.body
    assert signed_in(users["visitor"]).get(url).status_code == 200


def test_reviewers_refuse_with_a_reason_and_a_refusal_gives_nothing(on_request_entry, users):
    access_request = ask(users["visitor"], on_request_entry)
    reviewer = signed_in(users["reviewer"])
    assert reviewer.post(f"{QUEUE}{access_request.pk}/refuse/", {"reason": ""}).status_code == 302
    access_request.refresh_from_db()
    assert access_request.state == AccessRequest.State.PENDING  # a refusal needs its reason
    reviewer.post(f"{QUEUE}{access_request.pk}/refuse/", {"reason": "Cộng đồng chưa đồng ý."})
    access_request.refresh_from_db()
    assert access_request.state == AccessRequest.State.REFUSED
    assert "Cộng đồng chưa đồng ý." in mail.outbox[-1].body and mail.outbox[-1].to == ["khach@example.org"]
    assert not AccessGrant.objects.filter(user=users["visitor"]).exists()
    for url in file_urls(on_request_entry):
        assert signed_in(users["visitor"]).get(url).status_code == 404
    # A decided request cannot be granted afterwards.
    signed_in(users["officer"]).post(f"{QUEUE}{access_request.pk}/grant/", {"ends_on": in_days(5)})
    assert not AccessGrant.objects.filter(user=users["visitor"]).exists()


def test_only_officers_and_reviewers_decide(on_request_entry, users, django_user_model):
    access_request = ask(users["visitor"], on_request_entry)
    demo_researcher = django_user_model.objects.get(username="researcher")
    for user in (users["visitor"], users["researcher"], demo_researcher, users["quantri"]):
        client = signed_in(user)
        queue = client.get(QUEUE)
        assert queue.status_code in (302, 403, 404), (user, queue.status_code)
        assert PURPOSE not in page_text(queue)
        client.post(f"{QUEUE}{access_request.pk}/grant/", {"ends_on": in_days(5)})
        client.post(f"{QUEUE}{access_request.pk}/refuse/", {"reason": "không"})
    access_request.refresh_from_db()
    assert access_request.state == AccessRequest.State.PENDING
    assert not AccessGrant.objects.filter(user=users["visitor"]).exists()
    # Positive control: the officer sees it waiting, and anonymous visitors are sent to sign in.
    assert PURPOSE in page_text(signed_in(users["officer"]).get(QUEUE))
    assert signed_in(None).get(QUEUE).status_code == 302


def test_nobody_decides_on_their_own_request(on_request_entry, users):
    # Staff have every file, so such a request can only be made in their name by other means.
    access_request = AccessRequest.objects.create(requester=users["officer"], entry=on_request_entry, purpose=PURPOSE)
    signed_in(users["officer"]).post(f"{QUEUE}{access_request.pk}/grant/", {"ends_on": in_days(5)})
    access_request.refresh_from_db()
    assert access_request.state == AccessRequest.State.PENDING
    signed_in(users["second_officer"]).post(f"{QUEUE}{access_request.pk}/grant/", {"ends_on": in_days(5)})
    access_request.refresh_from_db()
    assert access_request.state == AccessRequest.State.GRANTED


@pytest.mark.parametrize("ends_on", ["", "not a date", "2001-01-01", "9999-12-31", "2026-02-30"])
def test_a_grant_needs_a_sensible_end_date(on_request_entry, users, ends_on):
    access_request = ask(users["visitor"], on_request_entry)
    response = signed_in(users["officer"]).post(f"{QUEUE}{access_request.pk}/grant/", {"ends_on": ends_on})
    assert response.status_code == 302
    access_request.refresh_from_db()
    assert access_request.state == AccessRequest.State.PENDING


def test_a_researchers_only_entry_granted_to_a_visitor_opens_by_address_only(researchers_entry, users):
    ask(users["visitor"], researchers_entry)
    visitor = signed_in(users["visitor"])
    assert visitor.get(researchers_entry.url).status_code == 403
    access_request = AccessRequest.objects.get(requester=users["visitor"])
    signed_in(users["officer"]).post(f"{QUEUE}{access_request.pk}/grant/", {"ends_on": in_days(5)})
    response = visitor.get(researchers_entry.url)
    assert response.status_code == 200 and researchers_entry.title in page_text(response)
    for url in file_urls(researchers_entry):
        assert visitor.get(url).status_code == 200, url
    listing = page_text(visitor.get(researchers_entry.get_parent().url))
    assert researchers_entry.title not in listing


# Direct grants on restricted entries ----------------------------------------------------------


@pytest.fixture
def sacred_entry(db):
    """A restricted entry whose people's consent is in force (the demo's restricted entry
    has a withdrawal, which closes it to every grant)."""
    entry = EntryPage.objects.get(slug="hat-then-tay-tuyen-quang", locale__language_code="vi").specific
    entry.access_level = AccessLevel.RESTRICTED
    entry.save_revision().publish()
    return EntryPage.objects.get(pk=entry.pk).specific


def test_officers_grant_a_restricted_entry_that_is_never_listed(client, sacred_entry, users):
    visitor = signed_in(users["visitor"])
    assert visitor.get(sacred_entry.url).status_code == 404
    reviewer_try = signed_in(users["reviewer"]).post(
        f"{QUEUE}grant/", {"person": "khach", "entry": sacred_entry.pk, "ends_on": in_days(5)}
    )
    # Wagtail answers a refusal in the admin by a redirect to the dashboard, with a message.
    assert reviewer_try.status_code in (302, 403) and not AccessGrant.objects.filter(user=users["visitor"]).exists()
    response = signed_in(users["officer"]).post(
        f"{QUEUE}grant/", {"person": "khach@example.org", "entry": sacred_entry.pk, "ends_on": in_days(5)}
    )
    assert response.status_code == 302
    assert AccessGrant.objects.get(user=users["visitor"]).entry_id == sacred_entry.pk
    assert "/e/" in mail.outbox[-1].body

    page = visitor.get(sacred_entry.url)
    assert page.status_code == 200 and "<audio" in page_text(page)
    assert visitor.get(f"/e/{sacred_entry.translation_key}/")["Location"] == sacred_entry.url
    for url in file_urls(sacred_entry):
        assert visitor.get(url).status_code == 200, url
    word = distinctive_word(sacred_entry)
    for who in (visitor, client, signed_in(users["researcher"])):
        assert sacred_entry.title not in page_text(who.get(sacred_entry.get_parent().url))
        assert sacred_entry.title not in page_text(who.get("/vi/search/", {"q": word}))
        assert sacred_entry.url not in who.get("/sitemap.xml").content.decode()
        listed = who.get("/api/v2/pages/", {"limit": 100, "type": "heritage.RecordingPage"}).json()
        assert sacred_entry.pk not in {item["id"] for item in listed["items"]}
    for who in (client, signed_in(users["researcher"]), signed_in(users["other"])):
        assert who.get(sacred_entry.url).status_code == 404
    # Positive control: staff find it.
    assert sacred_entry.title in page_text(signed_in(users["officer"]).get("/vi/search/", {"q": word}))


def test_a_withdrawal_closes_grants(restricted_entry, users):
    """The demo's restricted entry has a withdrawn consent: no grant opens it."""
    grant_to(users["visitor"], restricted_entry)
    assert signed_in(users["visitor"]).get(restricted_entry.url).status_code == 404
    assert signed_in(users["visitor"]).get(f"/e/{restricted_entry.translation_key}/").status_code == 404


def test_hostile_direct_grant_input_gives_form_errors(sacred_entry, users):
    officer = signed_in(users["officer"])
    for data in (
        {"person": "nobody@example.org", "entry": sacred_entry.pk, "ends_on": in_days(5)},
        {"person": "khach", "entry": "999999", "ends_on": in_days(5)},
        {"person": "khach", "entry": "'; DROP TABLE", "ends_on": in_days(5)},
        {"person": "khach", "entry": sacred_entry.pk, "ends_on": "2001-01-01"},
        {"person": "\x00", "entry": "", "ends_on": ""},
    ):
        response = officer.post(f"{QUEUE}grant/", data)
        assert response.status_code == 200 and "error" in response.content.decode(), data
    assert not AccessGrant.objects.filter(user=users["visitor"]).exists()


# The log -------------------------------------------------------------------------------------


def test_files_served_through_grants_are_logged_for_administrators_only(on_request_entry, users):
    grant_to(users["visitor"], on_request_entry)
    url = file_urls(on_request_entry)[0]
    visitor = signed_in(users["visitor"])
    assert read(visitor.get(url))
    visitor.get(url, headers={"Range": "bytes=10-20"})  # the rest of the same reading
    logged = FileAccess.objects.get()
    assert logged.user == users["visitor"] and logged.entry.pk == on_request_entry.pk
    assert url.endswith(logged.file_name.split("/")[-1]) and logged.at <= timezone.now()
    # Staff and public files are not logged.
    signed_in(users["officer"]).get(url)
    assert FileAccess.objects.count() == 1

    for user in (users["quantri"], users["admin"]):
        text = page_text(signed_in(user).get(LOG))
        assert "khach@example.org" in text and logged.file_name in text
    for user in (users["officer"], users["reviewer"], users["visitor"], None):
        response = signed_in(user).get(LOG)
        assert response.status_code in (302, 403), user
        assert logged.file_name not in page_text(response)


# New requests reach the people who decide ----------------------------------------------------


def test_a_new_request_is_mailed_to_officers_and_reviewers_in_their_language(on_request_entry, users):
    profile = UserProfile.get_for_user(users["reviewer"])
    profile.preferred_language = "en"
    profile.save()
    mail.outbox.clear()
    ask(users["visitor"], on_request_entry)
    to = {address for message in mail.outbox for address in message.to}
    deciders = {users[name].email for name in ("officer", "reviewer", "second_officer")}
    assert deciders <= to
    # Nobody else: not the requester, researchers, Administrators who do not decide.
    assert to.isdisjoint({users[name].email for name in ("visitor", "researcher", "quantri", "other")})
    english = next(message for message in mail.outbox if message.to == [users["reviewer"].email])
    assert english.subject == "A new request for access is waiting for a decision"
    assert PURPOSE in english.body and QUEUE in english.body and on_request_entry.title in english.body
    vietnamese = next(message for message in mail.outbox if message.to == [users["officer"].email])
    assert vietnamese.subject != english.subject and PURPOSE in vietnamese.body
    # Asking again while the request waits mails nobody.
    mail.outbox.clear()
    ask(users["visitor"], on_request_entry)
    assert mail.outbox == []


# Revoking a grant before its end date --------------------------------------------------------


def test_officers_revoke_a_grant_at_once_and_its_holder_is_told(on_request_entry, users):
    grant = grant_to(users["visitor"], on_request_entry, days=30, officer=users["officer"])
    visitor = signed_in(users["visitor"])
    url = file_urls(on_request_entry)[0]
    assert visitor.get(url).status_code == 200  # positive control: the grant opens the file
    officer = signed_in(users["officer"])
    assert f"grants/{grant.pk}/revoke/" in officer.get(QUEUE).content.decode()
    mail.outbox.clear()
    assert officer.post(f"{QUEUE}grants/{grant.pk}/revoke/").status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoked_by == users["officer"] and not grant.in_force
    assert visitor.get(url).status_code == 404
    assert mail.outbox[-1].to == [users["visitor"].email]
    # The holder's own page no longer lists it; the queue no longer offers it.
    assert on_request_entry.title not in page_text(visitor.get("/vi/account/requests/"))
    assert f"grants/{grant.pk}/revoke/" not in officer.get(QUEUE).content.decode()
    # The audit log of the entry names who revoked.
    from wagtail.models import PageLogEntry

    logged = PageLogEntry.objects.filter(page=on_request_entry, action="access_requests.revoke").get()
    assert logged.user == users["officer"] and logged.data["person"] == users["visitor"].get_username()


def test_only_officers_and_reviewers_revoke(restricted_entry, on_request_entry, users, django_user_model):
    grant = grant_to(users["visitor"], on_request_entry, officer=users["officer"])
    demo_researcher = django_user_model.objects.get(username="researcher")
    for user in (None, users["visitor"], users["researcher"], demo_researcher, users["quantri"]):
        signed_in(user).post(f"{QUEUE}grants/{grant.pk}/revoke/")
        signed_in(user).get(f"{QUEUE}grants/{grant.pk}/revoke/")
        grant.refresh_from_db()
        assert grant.revoked_at is None, user
    # A GET never revokes, even for an officer; a reviewer's POST does (positive control).
    signed_in(users["officer"]).get(f"{QUEUE}grants/{grant.pk}/revoke/")
    grant.refresh_from_db()
    assert grant.revoked_at is None
    signed_in(users["reviewer"]).post(f"{QUEUE}grants/{grant.pk}/revoke/")
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    # Revoking twice, or an unknown grant, changes nothing and answers calmly.
    for pk in (grant.pk, 999999):
        assert signed_in(users["officer"]).post(f"{QUEUE}grants/{pk}/revoke/").status_code == 302
