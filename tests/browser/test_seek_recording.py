"""On an entry with two recordings, a caption line found in the second opens the second
player at that moment, in view, and leaves the first alone; a link that names no
recording (or one not on the page) still starts the first."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_public_site import assert_console_clean

pytestmark = pytest.mark.browser

WORD = "Zorakhmelun"

# Gives a public entry a second recording (another entry's), with a caption line holding
# WORD half-way through it.
SECOND_RECORDING = f"""
import json
from django.core.files.base import ContentFile
from heritage.demo import sample_media
from heritage.models import EntryPage
from media_pipeline.models import CaptionTrack
entry = EntryPage.objects.get(slug="hat-then-tay-tuyen-quang", locale__language_code="vi").specific
first = entry.audio_video_blocks[0].value["media"]
other = EntryPage.objects.get(slug="de-dat-de-nuoc-muong", locale__language_code="vi").specific
second = other.audio_video_blocks[0].value["media"]
entry.media.append(("audio_video", {{"media": second, "caption": "{WORD}", "transcript": ""}}))
entry.save_revision().publish()
lines = sample_media.captions(["mở đầu", "{WORD} vang lên"], second.duration)
track = CaptionTrack(asset=second, language="tyz", label="Tày", kind="subtitles")
track.file.save("seek.fr.vtt", ContentFile(lines), save=False)
track.full_clean()
track.save()
print(json.dumps({{"url": entry.url, "first": first.pk, "second": second.pk, "start": second.duration / 2}}))
"""

AT_SECONDS = "([element, seconds]) => element.readyState >= 1 && Math.abs(element.currentTime - seconds) < 1"


def test_a_caption_line_of_the_second_recording_seeks_the_second_player(archive, phone_tab):
    facts = archive.query(SECOND_RECORDING)
    page = phone_tab.page
    page.goto(archive.url(f"/vi/search/?q={WORD}"))
    cue_link = page.locator(".cue-hits a").first
    expect(cue_link).to_be_visible()
    href = cue_link.get_attribute("href")
    assert f"media={facts['second']}" in href
    seconds = int(re.search(r"[?&]t=(\d+)", href).group(1))
    assert seconds == int(facts["start"]) and seconds > 0

    cue_link.click()
    page.wait_for_url(re.compile(r"\?t=\d+&media=\d+"))
    first = page.locator(f'main [data-media="{facts["first"]}"]')
    second = page.locator(f'main [data-media="{facts["second"]}"]')
    page.wait_for_function(AT_SECONDS, arg=[second.element_handle(), seconds], timeout=15_000)
    expect(second).to_be_in_viewport()
    assert first.evaluate("(element) => element.currentTime") == 0
    phone_tab.shoot("second-player-at-moment")

    # Positive control: without a recording, or naming one not on the page, the first starts.
    for query in (f"?t={seconds}", f"?t={seconds}&media=999999"):
        page.goto(archive.url(facts["url"] + query))
        first = page.locator(f'main [data-media="{facts["first"]}"]')
        second = page.locator(f'main [data-media="{facts["second"]}"]')
        page.wait_for_function(AT_SECONDS, arg=[first.element_handle(), seconds], timeout=15_000)
        assert second.evaluate("(element) => element.currentTime") == 0
    assert_console_clean(phone_tab)
