"""Embargo: an entry restricted until a date is out of every public route while the
embargo is in force, whatever its access level says, and opens on that date by the
daily `apply_embargoes` job alone, never wider than its own level and its consent."""

import io
from datetime import timedelta

import pytest
from freezegun import freeze_time

from django.core.management import call_command
from django.utils import timezone

from wagtail.models import Locale, PageLogEntry

from heritage.access import AccessLevel
from heritage.consent import withdraw
from heritage.embargo import LIFTED, apply_embargoes
from heritage.models import ConsentRecord, EntryPage
from tests.heritage.test_consent import _as, exit_routes

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    """A public recording entry with a ready recording, in Vietnamese."""
    return EntryPage.objects.get(slug="de-dat-de-nuoc-muong", locale__language_code="vi").specific


@pytest.fixture
def entry_en(entry):
    return entry.get_translation(Locale.objects.get(language_code="en")).specific


@pytest.fixture
def recording(entry):
    return entry.audio_video_blocks[0].value["media"]


@pytest.fixture
def visitors(researcher):
    return [("anonymous", None), ("researcher", researcher)]


def embargo(entry, until, access_level=None) -> None:
    entry.embargo_until = until
    if access_level:
        entry.access_level = access_level
    entry.save_revision().publish()


def run_apply_embargoes() -> str:
    out = io.StringIO()
    call_command("apply_embargoes", stdout=out)
    return out.getvalue()


def hidden_routes(client, visitors, entry, entry_en, recording) -> dict[str, list[str]]:
    return {
        name: [route for route, shown in exit_routes(client, user, entry, entry_en, recording).items() if not shown]
        for name, user in visitors
    }


def test_an_embargo_hides_the_entry_from_every_route_until_its_date_and_then_opens_by_itself(
    client, entry, entry_en, recording, officer, visitors
):
    assert hidden_routes(client, visitors, entry, entry_en, recording) == {"anonymous": [], "researcher": []}
    until = timezone.localdate() + timedelta(days=30)
    embargo(entry, until)

    for name, user in visitors:
        routes = exit_routes(client, user, entry, entry_en, recording)
        assert not any(routes.values()), (name, [route for route, shown in routes.items() if shown])
    assert _as(client, officer).get(entry.url).status_code == 200  # staff still see it
    assert "0 entries opened" in run_apply_embargoes()  # not yet

    with freeze_time(until - timedelta(days=1)):
        assert apply_embargoes() == 0
        assert _as(client, None).get(entry.url).status_code == 404
    with freeze_time(until):
        assert "1 entries opened" in run_apply_embargoes()
        assert hidden_routes(client, visitors, entry, entry_en, recording) == {"anonymous": [], "researcher": []}
        assert PageLogEntry.objects.filter(page=entry, action=LIFTED).exists()
        assert apply_embargoes() == 0  # once only


def test_the_embargo_never_opens_more_than_the_entry_level_and_its_consent(client, entry, researcher):
    until = timezone.localdate() + timedelta(days=10)
    embargo(entry, until, access_level=AccessLevel.RESEARCHERS)
    assert _as(client, researcher).get(entry.url).status_code == 404
    with freeze_time(until + timedelta(days=2)):  # cron missed a day: it still opens
        assert apply_embargoes() == 1
        assert _as(client, researcher).get(entry.url).status_code == 200
        assert _as(client, None).get(entry.url).status_code != 200


def test_consent_withdrawn_during_the_embargo_keeps_the_entry_closed(client, entry, officer):
    until = timezone.localdate() + timedelta(days=10)
    embargo(entry, until)
    withdraw(ConsentRecord.objects.filter(entry=entry).first(), officer)
    with freeze_time(until):
        apply_embargoes()
        assert _as(client, None).get(entry.url).status_code == 404
        assert _as(client, officer).get(entry.url).status_code == 200


def test_the_demo_shows_one_embargoed_entry_hidden_from_visitors(client, officer):
    (embargoed,) = EntryPage.objects.filter(embargo_until__gt=timezone.localdate(), locale__language_code="vi")
    assert embargoed.access_level == AccessLevel.PUBLIC and embargoed.live
    assert _as(client, None).get(embargoed.url).status_code == 404
    assert embargoed.pk not in EntryPage.objects.visible_to(None).values_list("pk", flat=True)
    page = _as(client, officer).get(embargoed.url)
    assert page.status_code == 200
    assert "Embargoed" in page.content.decode() or "Đang hạn chế" in page.content.decode()
