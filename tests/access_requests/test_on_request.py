""" "Description public, media on request": everyone reads the entry everywhere it is
listed or found; its files, player, embeds and oEmbed go only to staff and to holders of
a grant, until the grant's end date."""

import re
from datetime import timedelta

import pytest
from freezegun import freeze_time

from django.utils import timezone

from embeds.items import entry_for_embedding
from heritage.access import AccessLevel, stricter
from heritage.models import EntryPage
from tests.access_requests.conftest import file_urls, grant_to, read, signed_in
from tests.heritage.helpers import distinctive_word, page_text

pytestmark = pytest.mark.django_db


def test_levels_combine_without_opening_files_or_descriptions():
    assert stricter(AccessLevel.PUBLIC, AccessLevel.ON_REQUEST) == AccessLevel.ON_REQUEST
    # Researchers-only description and on-request files: no level but restricted keeps both.
    assert stricter(AccessLevel.ON_REQUEST, AccessLevel.RESEARCHERS) == AccessLevel.RESTRICTED
    assert stricter(AccessLevel.RESEARCHERS, AccessLevel.PUBLIC) == AccessLevel.RESEARCHERS


def test_everyone_reads_the_description_and_is_offered_a_request(on_request_entry, users):
    for user in (None, users["researcher"], users["visitor"]):
        response = signed_in(user).get(on_request_entry.url)
        assert response.status_code == 200, user
        text = page_text(response)
        assert on_request_entry.title in text and on_request_entry.summary in text
        assert re.sub(r"<[^>]+>", "", on_request_entry.body[0].value.source)[:40] in text
        assert "<audio" not in text and "/files/" not in text and "/embed/" not in text
        assert f"/account/requests/{on_request_entry.translation_key}/" in text
    # Positive control: staff get the player in place of the offer.
    text = page_text(signed_in(users["officer"]).get(on_request_entry.url))
    assert "<audio" in text and f"/account/requests/{on_request_entry.translation_key}/" not in text


def test_listed_found_in_search_sitemap_and_api_for_anonymous_visitors(client, on_request_entry):
    listing = page_text(client.get(on_request_entry.get_parent().url))
    assert on_request_entry.title in listing
    search = page_text(client.get("/vi/search/", {"q": distinctive_word(on_request_entry)}))
    assert on_request_entry.title in search
    assert on_request_entry.url in client.get("/sitemap.xml").content.decode()
    listed = client.get("/api/v2/pages/", {"type": "heritage.RecordingPage", "limit": 100}).json()
    assert on_request_entry.pk in {item["id"] for item in listed["items"]}
    detail = client.get(f"/api/v2/pages/{on_request_entry.pk}/")
    assert detail.status_code == 200
    data = detail.json()
    assert data["summary"] == on_request_entry.summary and data["body"]
    assert data["media"] == [] and "/files/" not in detail.content.decode()


def test_the_transcript_is_not_searchable(client, on_request_entry_en):
    """The captions of a recording kept on request are its content, not its description."""
    media = on_request_entry_en.audio_video_blocks[0].value["media"]
    words = " ".join(media.captions.get(language="en").cues[0]["text"].split()[-4:]).strip(".")
    assert words and words.lower() not in (on_request_entry_en.summary + str(on_request_entry_en.body)).lower()
    assert on_request_entry_en.title not in page_text(client.get("/en/search/", {"q": f'"{words}"'}))
    # Found by its description, it shows no caption line either.
    found = page_text(client.get("/en/search/", {"q": "Bru"}))
    assert on_request_entry_en.title in found
    assert words.lower() not in found.lower() and "cue-hits" not in found


def test_files_only_for_staff_and_grantees(on_request_entry, users):
    urls = file_urls(on_request_entry)
    for user in (None, users["researcher"], users["visitor"]):
        for url in urls:
            assert signed_in(user).get(url).status_code == 404, (user, url)
    for user in (users["officer"], users["reviewer"]):
        for url in urls:
            response = signed_in(user).get(url)
            assert response.status_code == 200 and read(response), (user, url)
    grant_to(users["visitor"], on_request_entry)
    grantee = signed_in(users["visitor"])
    for url in urls:
        response = grantee.get(url)
        assert response.status_code == 200 and read(response), url
    # The grantee's page plays the recording; the grant opens the English translation too.
    on_request_en = EntryPage.objects.get(translation_key=on_request_entry.translation_key, locale__language_code="en")
    for page in (on_request_entry, on_request_en):
        text = page_text(grantee.get(page.url))
        assert "<audio" in text and "not available" not in text


def test_embeds_and_oembed_refuse_the_recording_to_everyone(client, on_request_entry, users):
    grant_to(users["visitor"], on_request_entry)
    for user in (None, users["visitor"], users["officer"]):
        visitor = signed_in(user)
        assert visitor.get(f"/embed/{on_request_entry.translation_key}/").status_code == 404
        assert visitor.get("/oembed/", {"url": on_request_entry.full_url}).status_code == 404
    assert entry_for_embedding(on_request_entry.translation_key) is None
    # Positive control: a public audio entry embeds.
    public = EntryPage.objects.filter(slug="hat-then-tay-tuyen-quang", locale__language_code="vi").get()
    assert client.get(f"/embed/{public.translation_key}/").status_code == 200
    assert client.get("/oembed/", {"url": public.full_url}).status_code == 200


def test_a_grant_closes_by_itself_after_its_end_date(on_request_entry, users):
    url = file_urls(on_request_entry)[0]
    grant = grant_to(users["visitor"], on_request_entry, days=3)
    grantee = signed_in(users["visitor"])
    with freeze_time(timezone.now() + timedelta(days=3)):
        assert grantee.get(url).status_code == 200  # the end date itself is included
    with freeze_time(timezone.now() + timedelta(days=4)):
        assert grantee.get(url).status_code == 404
        assert "<audio" not in page_text(grantee.get(on_request_entry.url))
    assert grant.pk  # nothing deleted it: the date alone closed it


def test_someone_elses_grant_opens_nothing(on_request_entry, users):
    grant_to(users["visitor"], on_request_entry)
    url = file_urls(on_request_entry)[0]
    assert signed_in(users["other"]).get(url).status_code == 404
    assert signed_in(None).get(url).status_code == 404
    assert signed_in(users["visitor"]).get(url).status_code == 200


def test_a_grant_does_not_open_a_recording_narrower_than_its_entry(on_request_entry, users):
    grant_to(users["visitor"], on_request_entry)
    media = on_request_entry.audio_video_blocks[0].value["media"]
    media.access_level = AccessLevel.RESTRICTED
    media.save(update_fields=["access_level"])
    grantee = signed_in(users["visitor"])
    assert grantee.get(media.file.url).status_code == 404
    assert "<audio" not in page_text(grantee.get(on_request_entry.url))
    assert signed_in(users["officer"]).get(media.file.url).status_code == 200
