"""Officers draft and submit, reviewers approve and publish, and Wagtail records who did what."""

import json

import pytest

from django.contrib.auth.models import Group

from wagtail.models import PageLogEntry, WorkflowState

from heritage.access import ADMINISTRATORS, OFFICERS, RESEARCHERS, REVIEWERS
from heritage.models import FestivalIndexPage, FestivalPage
from tests.heritage.helpers import festival_form


@pytest.fixture
def festivals():
    return FestivalIndexPage.objects.get(locale__language_code="vi")


def add_url(parent):
    return f"/admin/pages/add/heritage/festivalpage/{parent.pk}/"


@pytest.mark.django_db
def test_groups_come_from_the_migration():
    names = set(Group.objects.values_list("name", flat=True))
    assert {OFFICERS, REVIEWERS, ADMINISTRATORS, RESEARCHERS} <= names
    # Wagtail's stock groups are replaced, not left lying around with page permissions.
    assert not names & {"Moderators", "Editors"}


@pytest.mark.django_db
def test_officer_drafts_and_submits_reviewer_approves_and_it_goes_live(client, officer, reviewer, festivals):
    client.force_login(officer)
    response = client.post(add_url(festivals), festival_form("roong-pooc", **{"action-submit": "Submit"}))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = FestivalPage.objects.get(slug="roong-pooc")
    assert page.get_parent().pk == festivals.pk
    assert not page.live
    assert page.owner == officer
    assert not page.permissions_for_user(officer).can_publish()

    workflow_state = page.current_workflow_state
    assert workflow_state is not None
    assert workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert workflow_state.workflow.name == "Archive review"
    assert workflow_state.requested_by == officer

    # The officer may not approve their own submission; a reviewer may.
    task = page.current_workflow_task
    assert "approve" not in [action[0] for action in task.get_actions(page, officer)]
    assert "approve" in [action[0] for action in task.get_actions(page, reviewer)]
    task.on_action(page.current_workflow_task_state, reviewer, "approve")

    page.refresh_from_db()
    assert page.live
    assert page.live_revision is not None
    workflow_state.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_APPROVED

    actions = list(PageLogEntry.objects.filter(page=page).values_list("action", "user__username"))
    assert ("wagtail.create", "officer") in actions
    assert ("wagtail.workflow.start", "officer") in actions
    assert ("wagtail.workflow.approve", "reviewer") in actions
    assert ("wagtail.publish", "reviewer") in actions


@pytest.mark.django_db
def test_officer_cannot_publish_by_pressing_publish(client, officer, festivals):
    client.force_login(officer)
    response = client.post(add_url(festivals), festival_form("not-published", **{"action-publish": "Publish"}))
    assert response.status_code == 302
    page = FestivalPage.objects.get(slug="not-published")
    assert not page.live
    assert page.first_published_at is None
    assert not PageLogEntry.objects.filter(page=page, action="wagtail.publish").exists()
    assert not festivals.permissions_for_user(officer).can_publish_subpage()


@pytest.mark.django_db
def test_reviewer_can_publish(client, reviewer, festivals):
    client.force_login(reviewer)
    response = client.post(add_url(festivals), festival_form("published", **{"action-publish": "Publish"}))
    assert response.status_code == 302
    assert FestivalPage.objects.get(slug="published").live


@pytest.mark.django_db
def test_officer_cannot_manage_users(client, officer):
    client.force_login(officer)
    response = client.get("/admin/users/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert not response["Location"].startswith("/admin/users/")
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert "/admin/users/" not in dashboard.content.decode()


@pytest.mark.django_db
def test_admin_can_manage_users(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="admin"))
    assert client.get("/admin/users/").status_code == 200


@pytest.mark.django_db
def test_admin_speaks_vietnamese_even_to_an_english_browser(client, officer, festivals):
    client.force_login(officer)
    content = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi"' in content
    # Menu labels that Wagtail's own Vietnamese catalogue leaves in English; the menu
    # is sent as JSON, with non-ASCII letters escaped.
    for label in ("Hình ảnh", "Tài liệu"):
        assert json.dumps(label)[1:-1] in content, label
    assert '"Images"' not in content
    editor = client.get(f"/admin/pages/add/heritage/festivalpage/{festivals.pk}/").content.decode()
    assert "Lưu bản nháp" in editor  # "Save draft"


@pytest.mark.django_db
def test_new_accounts_get_the_vietnamese_admin(django_user_model):
    user = django_user_model.objects.create_user("new-officer", password="x")
    assert user.wagtail_userprofile.preferred_language == "vi"


@pytest.mark.django_db
def test_researchers_have_no_admin(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="researcher"))
    response = client.get("/admin/")
    # The site's own refusal (accounts/), not the admin's sign-in form.
    assert response.status_code == 403
    assert 'name="password"' not in response.content.decode()


@pytest.mark.django_db
def test_officers_can_start_a_translation_with_wagtail_localize(client, officer, festivals):
    client.force_login(officer)
    response = client.get(f"/admin/localize/submit/page/{festivals.pk}/")
    assert response.status_code == 200
    assert 'name="locales"' in response.content.decode()
