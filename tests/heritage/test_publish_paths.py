"""Every way to publish goes through review: an officer tries each path Wagtail and
wagtail-localize offer, and nothing goes live, nothing public changes and no restricted
file opens; a reviewer doing the same does publish where Wagtail allows it."""

import datetime

import pytest
from freezegun import freeze_time

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from wagtail.log_actions import LogContext
from wagtail.models import Locale, Page, PageLogEntry, PageViewRestriction, Revision
from wagtail.test.utils.form_data import streamfield
from wagtail_localize.models import Translation, TranslationSource

from heritage.access import OFFICERS, AccessLevel
from heritage.models import EntryPage, FestivalIndexPage, FestivalPage, HomePage
from tests.heritage.helpers import festival_form


@pytest.fixture
def festivals(db):
    return FestivalIndexPage.objects.get(locale__language_code="vi")


@pytest.fixture
def english(db):
    return Locale.objects.get(language_code="en")


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.get(username="admin")


@pytest.fixture
def restricted_recording(restricted_entry):
    return restricted_entry.audio_video_blocks[0].value["media"]


def recording_stream(asset):
    return streamfield([("audio_video", {"media": asset.pk, "caption": "", "transcript": ""})])


def file_status(url: str) -> int:
    response = Client().get(url)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return response.status_code


@pytest.fixture
def officer_draft(client, officer, festivals, restricted_recording):
    """An officer's page, never reviewed, public in its access field, holding a restricted
    recording: the page of finding 2."""
    client.force_login(officer)
    data = festival_form("chua-duyet", media=recording_stream(restricted_recording))
    response = client.post(f"/admin/pages/add/heritage/festivalpage/{festivals.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    client.logout()
    page = FestivalPage.objects.get(slug="chua-duyet")
    assert not page.live
    assert file_status(restricted_recording.file.url) == 404
    return page


@pytest.fixture
def live_entry(db):
    return (
        EntryPage.objects.filter(access_level=AccessLevel.PUBLIC, locale__language_code="vi")
        .live()
        .type(FestivalPage)
        .first()
        .specific
    )


def edit_form(page, **overrides):
    page = page.specific
    group_code = page.ethnic_groups.first().code
    place_code = page.places.first().place.code
    return festival_form(page.slug, group_code, place_code, **{"title": page.title, **overrides})


def publications(page, user) -> bool:
    return PageLogEntry.objects.filter(page_id=page.pk, action="wagtail.publish", user=user).exists()


def assert_nothing_public(page, officer, asset=None, translations=True):
    """The page (and its translations) are not live, nobody logged a publication by the
    officer, and anonymous visitors get 404 for the page and the file."""
    page = Page.objects.get(pk=page.pk)
    for each in page.get_translations(inclusive=True) if translations else [page]:
        assert not each.live, each
        assert each.live_revision_id is None
        assert not publications(each, officer)
        assert Client().get(each.get_url()).status_code == 404
    if asset is not None:
        assert file_status(asset.file.url) == 404


def refused(response) -> bool:
    """Wagtail's admin answers PermissionDenied by sending the user to the dashboard."""
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def submit_translation(client, user, page, locale):
    client.force_login(user)
    with TestCase.captureOnCommitCallbacks(execute=True):  # wagtail-localize publishes after commit
        response = client.post(f"/admin/localize/submit/page/{page.pk}/", {"locales": [locale.pk]})
    assert response.status_code == 302, response
    return page.get_translation(locale)


def translation_source(page):
    return TranslationSource.objects.get(object_id=page.translation_key, locale=page.locale)


# Wagtail's page editor ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_edit_with_publish_action(client, officer, reviewer, officer_draft, restricted_recording):
    client.force_login(officer)
    data = edit_form(officer_draft, media=recording_stream(restricted_recording), **{"action-publish": "1"})
    assert client.post(f"/admin/pages/{officer_draft.pk}/edit/", data).status_code == 302
    assert_nothing_public(officer_draft, officer, restricted_recording)

    client.force_login(reviewer)
    client.post(f"/admin/pages/{officer_draft.pk}/edit/", data)
    assert Page.objects.get(pk=officer_draft.pk).live


@pytest.mark.django_db
def test_bulk_publish(client, officer, reviewer, officer_draft, restricted_recording):
    url = f"/admin/bulk/wagtailcore/page/publish/?id={officer_draft.pk}"
    client.force_login(officer)
    client.post(url)
    assert_nothing_public(officer_draft, officer, restricted_recording)

    client.force_login(reviewer)
    client.post(url)
    assert Page.objects.get(pk=officer_draft.pk).live


@pytest.mark.django_db
def test_a_draft_of_a_live_page_does_not_open_a_restricted_recording(client, officer, live_entry, restricted_recording):
    client.force_login(officer)
    data = edit_form(live_entry, media=recording_stream(restricted_recording))
    assert client.post(f"/admin/pages/{live_entry.pk}/edit/", data).status_code == 302
    assert Page.objects.get(pk=live_entry.pk).specific.get_latest_revision_as_object().media
    assert file_status(restricted_recording.file.url) == 404


# Scheduled publishing ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["publish_scheduled", "publish_scheduled_pages"])
def test_scheduled_publishing(client, officer, reviewer, officer_draft, restricted_recording, command):
    go_live = timezone.localtime() + datetime.timedelta(days=1)
    data = edit_form(
        officer_draft,
        media=recording_stream(restricted_recording),
        go_live_at=go_live.strftime("%Y-%m-%d %H:%M"),
        **{"action-publish": "1"},
    )
    client.force_login(officer)
    assert client.post(f"/admin/pages/{officer_draft.pk}/edit/", data).status_code == 302
    assert not Revision.page_revisions.filter(object_id=str(officer_draft.pk), approved_go_live_at__isnull=False)
    with freeze_time(go_live + datetime.timedelta(hours=1)):
        call_command(command, verbosity=0)
    assert_nothing_public(officer_draft, officer, restricted_recording)

    client.force_login(reviewer)
    client.post(f"/admin/pages/{officer_draft.pk}/edit/", data)
    assert Revision.page_revisions.filter(object_id=str(officer_draft.pk), approved_go_live_at__isnull=False)
    assert not Page.objects.get(pk=officer_draft.pk).live
    with freeze_time(go_live + datetime.timedelta(hours=1)):
        call_command(command, verbosity=0)
    assert Page.objects.get(pk=officer_draft.pk).live


# Copy, alias, move, revert, unpublish ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("option", ["publish_copies", "alias"])
def test_copy_with_publish_or_alias(client, officer, reviewer, live_entry, festivals, option):
    def copy_as(user, slug):
        client.force_login(user)
        data = {"new_title": "Bản sao", "new_slug": slug, "new_parent_page": festivals.pk, option: "on"}
        client.post(f"/admin/pages/{live_entry.pk}/copy/", data)
        return Page.objects.filter(slug=slug).first()

    copy = copy_as(officer, "ban-sao-can-bo")
    assert copy is None or (not copy.live and not publications(copy, officer))
    assert Client().get(f"{festivals.url}ban-sao-can-bo/").status_code == 404

    copy = copy_as(reviewer, "ban-sao-duyet")
    assert copy is not None and copy.live
    assert Client().get(copy.url).status_code == 200


@pytest.mark.django_db
def test_revert_to_an_older_revision_and_publish(client, officer, reviewer, live_entry):
    older = live_entry.live_revision
    reviewed_title = live_entry.title
    live_entry.title = "Tên đã duyệt mới"
    newer = live_entry.save_revision()
    newer.publish()

    client.force_login(officer)
    data = edit_form(live_entry, title=reviewed_title, **{"action-publish": "1"})
    client.post(f"/admin/pages/{live_entry.pk}/revisions/{older.pk}/revert/", data)
    page = Page.objects.get(pk=live_entry.pk)
    assert page.live_revision_id == newer.pk
    assert page.title == "Tên đã duyệt mới"
    assert not publications(page, officer)

    client.force_login(reviewer)
    client.post(f"/admin/pages/{live_entry.pk}/revisions/{older.pk}/revert/", data)
    page = Page.objects.get(pk=live_entry.pk)
    assert page.live_revision_id not in (older.pk, newer.pk)
    assert page.title == reviewed_title


@pytest.fixture
def restricted_section(festivals):
    """A second Vietnamese tree whose festival listing is closed to all but officers,
    holding one live entry."""
    home = Page.get_first_root_node().add_child(
        instance=HomePage(title="Kho riêng", slug="kho-rieng", locale=festivals.locale)
    )
    section = home.add_child(instance=FestivalIndexPage(title="Lễ hội riêng", slug="le-hoi-rieng"))
    restriction = PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set(Group.objects.filter(name=OFFICERS))
    source = festivals.get_children().live().type(FestivalPage).first().specific
    entry = source.copy(to=section, update_attrs={"slug": "le-rieng"}, keep_live=True, reset_translation_key=True)
    assert entry.live
    return section, entry


@pytest.mark.django_db
def test_move_out_from_under_a_view_restriction(client, officer, reviewer, festivals, restricted_section):
    section, entry = restricted_section
    url = f"/admin/pages/{entry.pk}/move/{festivals.pk}/confirm/"
    client.force_login(officer)
    client.post(url)
    assert Page.objects.get(pk=entry.pk).get_parent().pk == section.pk
    assert Client().get(f"{festivals.url}le-rieng/").status_code == 404

    client.force_login(reviewer)
    client.post(url)
    assert Page.objects.get(pk=entry.pk).get_parent().pk == festivals.pk
    assert Client().get(f"{festivals.url}le-rieng/").status_code == 200


@pytest.mark.django_db
def test_unpublish_then_republish(client, officer, reviewer, live_entry):
    live_revision = live_entry.live_revision_id
    client.force_login(officer)
    client.post(f"/admin/pages/{live_entry.pk}/unpublish/")
    client.post(f"/admin/pages/{live_entry.pk}/edit/", edit_form(live_entry, **{"action-publish": "1"}))
    page = Page.objects.get(pk=live_entry.pk)
    assert page.live and page.live_revision_id == live_revision
    assert not PageLogEntry.objects.filter(page=page, user=officer, action__in=["wagtail.unpublish", "wagtail.publish"])

    client.force_login(reviewer)
    client.post(f"/admin/pages/{live_entry.pk}/unpublish/")
    assert not Page.objects.get(pk=live_entry.pk).live
    client.post(f"/admin/pages/{live_entry.pk}/edit/", edit_form(live_entry, **{"action-publish": "1"}))
    assert Page.objects.get(pk=live_entry.pk).live


# wagtail-localize ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_localize_submit_of_a_live_page_makes_a_draft(client, officer, reviewer, live_entry, festivals, english):
    page = live_entry.copy(to=festivals, update_attrs={"slug": "chua-dich"}, keep_live=True, reset_translation_key=True)
    translated = submit_translation(client, officer, page, english)
    assert translated is not None
    assert_nothing_public(translated, officer, translations=False)

    # A reviewer's request makes a draft too (reviewed like any page); the reviewer then
    # publishes it from the translation editor.
    translated.delete()
    translated = submit_translation(client, reviewer, page, english)
    assert not translated.live


@pytest.mark.django_db
def test_localize_update_with_publish_translations(
    client, officer, reviewer, officer_draft, restricted_recording, english, django_capture_on_commit_callbacks
):
    translated = submit_translation(client, officer, officer_draft, english)
    url = f"/admin/localize/update/{translation_source(officer_draft).pk}/"
    form = client.get(url).content.decode()
    assert 'type="checkbox" name="publish_translations"' not in form  # not offered

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"publish_translations": "on"})
    assert response.status_code == 302  # the update itself still works for officers
    assert_nothing_public(officer_draft, officer, restricted_recording)

    client.force_login(reviewer)
    assert 'type="checkbox" name="publish_translations"' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"publish_translations": "on"})
    assert Page.objects.get(pk=translated.pk).live


@pytest.mark.django_db
def test_localize_translation_editor_publish(
    client, officer, reviewer, officer_draft, restricted_recording, english, django_capture_on_commit_callbacks
):
    translated = submit_translation(client, officer, officer_draft, english)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/pages/{translated.pk}/edit/", {"action": "publish"})
    assert refused(response)
    assert_nothing_public(officer_draft, officer, restricted_recording)

    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/pages/{translated.pk}/edit/", {"action": "publish"})
    assert Page.objects.get(pk=translated.pk).live


@pytest.mark.django_db
def test_localize_convert_to_alias(client, officer, reviewer, live_entry, festivals, english):
    page = live_entry.copy(
        to=festivals, update_attrs={"slug": "se-la-ban-sao"}, keep_live=True, reset_translation_key=True
    )
    translated = submit_translation(client, reviewer, page, english)
    assert not translated.live
    url = f"/admin/localize/page/{translated.pk}/convert_to_alias/"

    client.force_login(officer)
    assert refused(client.post(url))
    translated = Page.objects.get(pk=translated.pk)
    assert not translated.live and translated.alias_of_id is None
    assert not publications(translated, officer)
    assert Client().get(translated.get_url()).status_code == 404

    client.force_login(reviewer)
    client.post(url)
    translated = Page.objects.get(pk=translated.pk)
    assert translated.live and translated.alias_of_id == page.pk


@pytest.mark.django_db
def test_localize_restart_translation(client, officer, reviewer, officer_draft, restricted_recording, english):
    translated = submit_translation(client, officer, officer_draft, english)
    translation = Translation.objects.get(source=translation_source(officer_draft), target_locale=english)
    for user in (officer, reviewer):
        translation.enabled = False
        translation.save()
        client.force_login(user)
        client.post(f"/admin/pages/{translated.pk}/edit/", {"localize-restart-translation": "1"})
        translation.refresh_from_db()
        assert translation.enabled  # restarting works, for anyone who may edit...
        assert_nothing_public(officer_draft, officer, restricted_recording)  # ...and publishes nothing


# The guard every path ends in ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_publication_without_a_named_user_is_refused_inside_an_officers_request(
    officer, reviewer, officer_draft, restricted_recording, english, django_capture_on_commit_callbacks
):
    """How wagtail-localize publishes: `revision.publish()` after commit, with no user, while
    the admin's log context names the person asking."""
    translation = Translation.objects.create(
        source=TranslationSource.get_or_create_from_instance(officer_draft)[0], target_locale=english
    )
    with LogContext(user=officer), pytest.raises(PermissionDenied):
        with django_capture_on_commit_callbacks(execute=True):
            translation.save_target(user=officer, publish=True)
    with LogContext(user=officer), pytest.raises(PermissionDenied):
        officer_draft.get_latest_revision().publish()
    assert_nothing_public(officer_draft, officer, restricted_recording)

    with LogContext(user=reviewer):
        officer_draft.get_latest_revision().publish()
    assert Page.objects.get(pk=officer_draft.pk).live
    assert publications(officer_draft, reviewer)


@pytest.mark.django_db
def test_scheduling_without_a_named_user_is_refused_inside_an_officers_request(officer, reviewer, officer_draft):
    officer_draft.go_live_at = timezone.now() + datetime.timedelta(days=1)
    revision = officer_draft.save_revision()
    with LogContext(user=officer), pytest.raises(PermissionDenied):
        revision.publish()
    assert not Revision.objects.filter(pk=revision.pk, approved_go_live_at__isnull=False).exists()

    with LogContext(user=reviewer):
        revision.publish()
    assert Revision.objects.filter(pk=revision.pk, approved_go_live_at__isnull=False).exists()


# The API -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_is_read_only(client, officer, officer_draft, live_entry, restricted_recording):
    client.force_login(officer)
    body = {"title": "x", "live": True}
    for method, url in [
        ("post", "/api/v2/pages/"),
        ("put", f"/api/v2/pages/{officer_draft.pk}/"),
        ("patch", f"/api/v2/pages/{officer_draft.pk}/"),
        ("delete", f"/api/v2/pages/{officer_draft.pk}/"),
        ("delete", f"/api/v2/pages/{live_entry.pk}/"),
    ]:
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code == 405, (method, url, response.status_code)
    assert_nothing_public(officer_draft, officer, restricted_recording)
    assert Page.objects.get(pk=live_entry.pk).live
    assert Client().get(f"/api/v2/pages/{officer_draft.pk}/", follow=True).status_code == 404
    assert Client().get(f"/api/v2/pages/{live_entry.pk}/").status_code == 200
