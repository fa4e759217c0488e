"""A researcher on a phone searches without tone marks, sees the words marked in the
results and the caption line that matched, and lands in the player at that moment."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_public_site import assert_console_clean

pytestmark = pytest.mark.browser


def test_a_caption_line_in_the_results_opens_the_player_at_its_moment(archive, phone_tab):
    page = phone_tab.page
    page.goto(archive.url("/vi/search/?q=long+tong"))
    first = page.locator(".result").first
    expect(first.locator("mark").first).to_have_text(re.compile("^l[ồo]ng$", re.IGNORECASE))
    phone_tab.shoot("search-marked-results")

    # A word of a caption line of a demo recording, typed without marks.
    page.goto(archive.url("/vi/search/?q=to+tien+chung+giam"))
    cue_link = page.locator(".cue-hits a").first
    expect(cue_link).to_be_visible()
    expect(cue_link.locator("mark").first).to_be_visible()
    phone_tab.shoot("search-caption-lines")
    href = cue_link.get_attribute("href")
    seconds = int(re.search(r"[?&]t=(\d+)", href).group(1))
    cue_link.click()
    page.wait_for_url(re.compile(r"\?t=\d+"))
    player = page.locator("main video, main audio").first
    expect(player).to_be_attached()
    page.wait_for_function(
        "([element, seconds]) => element.readyState >= 1 && Math.abs(element.currentTime - seconds) < 1",
        arg=[player.element_handle(), seconds],
        timeout=15_000,
    )
    phone_tab.shoot("search-player-at-moment")
    assert_console_clean(phone_tab)
