"""Consent records: an entry is never more open than its contributors' consent allows, a
withdrawal takes the entry and its recordings out of every public route at once, and
nothing opens again without new consent and a reviewed publication."""

import io
from datetime import timedelta
from importlib import import_module
from xml.etree import ElementTree

import pytest

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.documents import get_document_model
from wagtail.models import Locale, ModelLogEntry, PageLogEntry

from heritage.access import AccessLevel
from heritage.consent import EXPIRED, WITHDRAWN, apply_consent_expiry, withdraw
from heritage.consent_views import WITHDRAW_URL_NAME
from heritage.models import ConsentRecord, ConsentScope, EntryContributor, EntryPage
from media_pipeline.models import MediaAsset, archive_url
from search.query import result_page
from tests.heritage.helpers import distinctive_word, page_text

pytestmark = pytest.mark.django_db

SITEMAP_LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
ADD_URL_NAME = "wagtailsnippets_heritage_consentrecord:add"


@pytest.fixture
def entry():
    """A public recording entry with people and a ready recording, in Vietnamese."""
    return EntryPage.objects.get(slug="de-dat-de-nuoc-muong", locale__language_code="vi").specific


@pytest.fixture
def entry_en(entry):
    return entry.get_translation(Locale.objects.get(language_code="en")).specific


@pytest.fixture
def recording(entry):
    return entry.audio_video_blocks[0].value["media"]


@pytest.fixture
def record(entry):
    """The consent of the entry's performer (the entry also credits its collector)."""
    return ConsentRecord.objects.get(entry=entry, contributor__name="Nghệ nhân mẫu F")


@pytest.fixture
def visitors(researcher):
    return [("anonymous", None), ("researcher", researcher)]


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _api_ids(client, **params) -> set[int]:
    response = client.get("/api/v2/pages/", {"type": "heritage.EntryPage", "limit": 100, **params})
    assert response.status_code == 200
    return {item["id"] for item in response.json()["items"]}


def _search_totals(user, entry, word) -> tuple[int, int, bool]:
    entries = EntryPage.objects.visible_to(user or AnonymousUser()).filter(locale=entry.locale)
    found = result_page(entries, word, {}, False, 0, 20)
    return found.total, sum(found.counts["type"].values()), entry.pk in found.ids


def exit_routes(client, user, entry, entry_en, recording) -> dict[str, bool]:
    """For each public route: whether it shows the entry (or its recording) to `user`."""
    client = _as(client, user)
    word = distinctive_word(entry)
    sitemap = ElementTree.fromstring(client.get("/sitemap.xml").content)
    csv_response = client.get("/vi/search/", {"q": word, "format": "csv"})
    csv_text = b"".join(csv_response.streaming_content).decode()
    total, typed, in_results = _search_totals(user, entry, word)
    return {
        "page vi": client.get(entry.url).status_code == 200,
        "page en": client.get(entry_en.url).status_code == 200,
        "listing": entry.url in page_text(client.get(entry.get_parent().url)),
        "search page": entry.url in page_text(client.get("/vi/search/", {"q": word})),
        "search results and facets": in_results and total >= 1 and typed == total,
        "search csv": entry.title in csv_text,
        "api listing": entry.pk in _api_ids(client),
        "api listing en": entry_en.pk in _api_ids(client),
        "api search": entry.pk in _api_ids(client, search=word),
        "api detail": client.get(f"/api/v2/pages/{entry.pk}/").status_code == 200,
        "sitemap": entry.full_url in {loc.text for loc in sitemap.iter(SITEMAP_LOC)},
        "permalink": client.get(f"/e/{entry.translation_key}/").status_code in (200, 301, 302),
        "embed": client.get(f"/embed/{entry.translation_key}/").status_code == 200,
        "embed item": client.get(f"/embed/{entry.translation_key}/{recording.pk}/").status_code == 200,
        "oembed": client.get("/oembed/", {"url": entry.full_url}).status_code == 200,
        "recording file": client.get(archive_url(recording.file.name)).status_code == 200,
        "recording stream": client.get(recording.stream.url).status_code == 200,
    }


def test_a_withdrawal_takes_the_entry_out_of_every_route_at_once(
    client, entry, entry_en, recording, record, officer, visitors
):
    word = distinctive_word(entry)
    before = {name: exit_routes(client, user, entry, entry_en, recording) for name, user in visitors}
    for name, routes in before.items():
        assert all(routes.values()), (name, [route for route, shown in routes.items() if not shown])
    totals_before = {name: _search_totals(user, entry, word) for name, user in visitors}

    _as(client, officer)
    response = client.post(reverse(WITHDRAW_URL_NAME, args=[record.pk]))
    assert response.status_code == 302

    for name, user in visitors:
        routes = exit_routes(client, user, entry, entry_en, recording)
        assert not any(routes.values()), (name, [route for route, shown in routes.items() if shown])
        total, typed, _ = _search_totals(user, entry, word)
        assert (total, typed) == (totals_before[name][0] - 1, totals_before[name][1] - 1)
    # Staff still have it, in the admin and on the site.
    _as(client, officer)
    assert client.get(entry.url).status_code == 200
    record.refresh_from_db()
    assert record.withdrawn_by == officer and record.withdrawn_at is not None
    assert MediaAsset.objects.get(pk=recording.pk).access_level == AccessLevel.RESTRICTED
    assert PageLogEntry.objects.filter(page=entry, action=WITHDRAWN, user=officer).exists()
    assert ModelLogEntry.objects.filter(object_id=str(record.pk), action=WITHDRAWN, user=officer).exists()
    history = client.get(reverse("wagtailadmin_pages:history", args=[entry.pk]))
    assert "rút lại sự đồng ý" in page_text(history).lower()


def test_only_staff_may_withdraw_consent(client, record, researcher, officer):
    _as(client, researcher)
    client.post(reverse(WITHDRAW_URL_NAME, args=[record.pk]))
    record.refresh_from_db()
    assert record.withdrawn_at is None
    _as(client, officer)
    listing = page_text(client.get(reverse("wagtailsnippets_heritage_consentrecord:list")))
    assert reverse(WITHDRAW_URL_NAME, args=[record.pk]) in listing and "Rút lại sự đồng ý" in listing
    assert client.get(reverse(ADD_URL_NAME)).status_code == 200
    assert client.get(reverse(WITHDRAW_URL_NAME, args=[record.pk])).status_code == 200
    client.post(reverse(WITHDRAW_URL_NAME, args=[record.pk]))
    record.refresh_from_db()
    assert record.withdrawn_at is not None


def _record_form(entry, contributor, scope, **extra):
    return {
        "entry": entry.pk,
        "contributor": contributor.pk,
        "scope": scope,
        "given_on": "2026-11-01",
        "ends_on": "",
        "evidence": "",
        "note": "Đồng ý lại (dữ liệu mẫu).",
        **extra,
    }


def test_reopening_needs_new_consent_and_a_reviewed_publication(client, entry, record, recording, officer, reviewer):
    withdraw(record, officer)
    assert client.get(entry.url).status_code == 404

    # A reviewer publishing again (an old revision or the latest) does not open it.
    entry.save_revision(user=reviewer).publish(user=reviewer)
    assert _as(client, None).get(entry.url).status_code == 404

    # An officer cannot undo the withdrawal by editing the withdrawn record...
    _as(client, officer)
    edit_url = reverse("wagtailsnippets_heritage_consentrecord:edit", args=[record.pk])
    form = _record_form(entry, record.contributor, ConsentScope.PUBLIC, withdrawn_at="", recorded_by=officer.pk)
    assert client.post(edit_url, form).status_code == 302
    record.refresh_from_db()
    assert record.withdrawn_at is not None
    # ...or by moving it to another entry or person.
    other_entry = EntryPage.objects.get(slug="khan-dam-san-e-de", locale=entry.locale)
    assert client.post(edit_url, {**form, "entry": other_entry.pk}).status_code == 200
    record.refresh_from_db()
    assert record.entry_id == entry.pk
    # ...and new consent, recorded in the officer's name whatever the form says, opens nothing yet.
    form = _record_form(entry, record.contributor, ConsentScope.PUBLIC, recorded_by=reviewer.pk)
    assert client.post(reverse(ADD_URL_NAME), form).status_code == 302
    new = ConsentRecord.objects.filter(entry=entry, contributor=record.contributor).exclude(pk=record.pk).get()
    assert new.recorded_by == officer
    assert _as(client, None).get(entry.url).status_code == 404

    # An officer cannot publish; a reviewer's publication opens the entry.
    entry.save_revision(user=officer).publish(user=reviewer)
    assert _as(client, None).get(entry.url).status_code == 200
    # The recording was narrowed with the entry and stays so until a reviewer opens it.
    assert client.get(archive_url(recording.file.name)).status_code == 404


def test_a_revision_never_brings_back_an_older_consent_level(entry, record, officer):
    old_revision = entry.save_revision(user=officer)
    withdraw(record, officer)
    restored = EntryPage.objects.get(pk=entry.pk).specific.with_content_json(old_revision.content)
    assert restored.consent_level == AccessLevel.RESTRICTED
    restored.save()
    assert EntryPage.objects.get(pk=entry.pk).consent_level == AccessLevel.RESTRICTED


def test_consent_for_researchers_only_narrows_at_once(client, entry, entry_en, record, researcher):
    assert _as(client, None).get(entry_en.url).status_code == 200
    record.scope = ConsentScope.RESEARCHERS
    record.save()
    for page in (entry, entry_en):
        assert _as(client, None).get(page.url).status_code == 302  # asked to sign in
        assert _as(client, researcher).get(page.url).status_code == 200


@pytest.mark.parametrize("scope", [ConsentScope.COMMUNITY, ConsentScope.NOT_PUBLISHED])
def test_community_only_and_not_to_be_published_are_restricted(client, entry, record, researcher, officer, scope):
    record.scope = scope
    record.save()
    assert _as(client, researcher).get(entry.url).status_code == 404
    assert _as(client, officer).get(entry.url).status_code == 200


def test_consent_that_has_ended_counts_as_withdrawn(client, entry, entry_en, record):
    today = timezone.localdate()
    record.ends_on = today
    record.save()
    call_command("apply_consent_expiry", stdout=io.StringIO())
    assert _as(client, None).get(entry.url).status_code == 200  # still in force today
    assert apply_consent_expiry(today + timedelta(days=1)) == 1
    for page in (entry, entry_en):
        assert client.get(page.url).status_code == 404
    assert PageLogEntry.objects.filter(page=entry, action=EXPIRED).exists()
    assert apply_consent_expiry(today + timedelta(days=2)) == 0


def test_the_editor_shows_why_the_entry_is_narrower(client, entry, record, officer):
    _as(client, officer)
    edit_url = reverse("wagtailadmin_pages:edit", args=[entry.pk])
    assert "Đã rút" not in page_text(client.get(edit_url))
    withdraw(record, officer)
    text = page_text(client.get(edit_url))
    assert record.contributor.name in text
    assert "Đã rút" in text  # "Withdrawn"
    assert "Sự đồng ý của những người tham gia chỉ cho phép tối đa" in text


def test_evidence_is_served_to_staff_only_by_every_address(client, entry, record, researcher, officer):
    document = get_document_model().objects.create(
        title="Biên bản đồng ý", file=ContentFile(b"%PDF-1.4 consent form", name="consent-form.pdf")
    )
    # Placed in a public page, anyone may have it (positive control)...
    entry.media.append(("document", {"document": document, "description": ""}))
    entry.save_revision().publish()
    addresses = [document.url, archive_url(document.file.name)]
    for address in addresses:
        assert _as(client, None).get(address).status_code == 200, address
    # ...until it is the evidence of a consent record: then staff only, wherever it is placed.
    record.evidence = document
    record.save()
    for address in addresses:
        for user in (None, researcher):
            assert _as(client, user).get(address).status_code == 404, (address, user)
        assert _as(client, officer).get(address).status_code == 200, address


def test_consent_notes_became_records_with_nothing_lost(entry):
    migrate = import_module("heritage.migrations.0004_consent_records").consent_notes_to_records
    ConsentRecord.objects.all().delete()
    EntryContributor.objects.filter(entry=entry).update(consent_note="Đồng ý bằng lời, 3/5/2024.")
    # The migration ran before "on request" existed (heritage 0007).
    EntryPage.objects.filter(access_level=AccessLevel.ON_REQUEST).update(access_level=AccessLevel.PUBLIC)
    migrate(apps, None)
    for row in EntryContributor.objects.select_related("entry", "contributor"):
        records = ConsentRecord.objects.filter(
            entry__translation_key=row.entry.translation_key, contributor=row.contributor
        )
        assert records.count() == 1
        assert row.consent_note in records.get().note
    restricted = EntryPage.objects.filter(access_level=AccessLevel.RESTRICTED, contributors__isnull=False).first()
    assert restricted.consent_level == AccessLevel.RESTRICTED
    assert EntryPage.objects.get(pk=entry.pk).consent_level == AccessLevel.PUBLIC
