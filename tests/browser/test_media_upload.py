"""An officer uploads a field video, a recording and a damaged file through the admin:
the first two are prepared by the worker and play from their HLS stream and from the
progressive fallback; the damaged one is refused with a reason in Vietnamese."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP
from tests.browser.test_officer_admin import sign_in
from tests.media_pipeline import sample_files

pytestmark = pytest.mark.browser
PREPARATION_TIMEOUT = 180_000


def upload(archive, page: Page, kind: str, path, title: str) -> int:
    page.goto(archive.url(f"/admin/media/{kind}/add/"))
    page.fill("#id_title", title)
    page.set_input_files("#id_file", str(path))
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/media/(\?.*)?$"))
    asset = archive.query(
        f"import json; from media_pipeline.models import MediaAsset; "
        f"print(json.dumps({{'id': MediaAsset.objects.get(title={title!r}).pk}}))"
    )
    return asset["id"]


def wait_until_prepared(archive, page: Page, asset_id: int) -> None:
    """The edit page follows the job and reloads itself when it ends."""
    page.goto(archive.url(f"/admin/media/edit/{asset_id}/"))
    expect(page.locator("[data-media-status]")).to_be_visible()
    expect(page.locator("[data-media-status]")).to_have_attribute(
        "data-media-status", re.compile("ready|failed"), timeout=PREPARATION_TIMEOUT
    )


def assert_plays(page: Page, player, source: str) -> None:
    if source == "download":
        player.evaluate("(e) => { e.querySelector('source').remove(); e.load(); }")
    outcome = player.evaluate(
        """async (element) => {
            element.muted = true;
            try { await element.play(); return "playing"; }
            catch (error) { return `${error.name}: ${error.message}`; }
        }"""
    )
    assert outcome == "playing", outcome
    page.wait_for_function("(element) => element.currentTime > 0.5", arg=player.element_handle(), timeout=15_000)
    current = player.evaluate("(e) => e.currentSrc")
    assert current.endswith(".m3u8") if source == "stream" else re.search(r"\.(mp4|m4a)$", current), current


@pytest.mark.parametrize(("kind", "maker"), [("video", sample_files.make_video), ("audio", sample_files.make_audio)])
def test_an_upload_through_the_admin_is_prepared_and_plays_from_stream_and_fallback(
    archive, new_tab, tmp_path, kind, maker
):
    tab = new_tab(DESKTOP)
    page = sign_in(archive, tab, "officer")
    path = maker(tmp_path, seconds=8)
    asset_id = upload(archive, page, kind, path, f"Tải lên thử {kind}")
    wait_until_prepared(archive, page, asset_id)
    expect(page.locator("[data-media-status]")).to_have_attribute("data-media-status", "ready")
    tab.shoot(f"{kind}-prepared")
    player = page.locator("[data-media-preview]")
    for source in ("stream", "download"):
        page.reload()
        assert_plays(page, page.locator("[data-media-preview]"), source)
    expect(player).to_be_visible()
    tab.shoot(f"{kind}-playing")


def test_a_damaged_upload_is_refused_with_a_reason_and_can_be_retried(archive, new_tab, tmp_path):
    tab = new_tab(DESKTOP)
    page = sign_in(archive, tab, "officer")
    # Bytes that are no recording at all are refused on the form, in Vietnamese, and nothing is kept.
    page.goto(archive.url("/admin/media/video/add/"))
    page.fill("#id_title", "Tệp hỏng")
    page.set_input_files("#id_file", str(sample_files.make_random_bytes(tmp_path)))
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    expect(page.locator(".error-message").first).to_contain_text("không")
    tab.shoot("damaged-refused-on-the-form")
    kept = archive.query(
        "import json; from media_pipeline.models import MediaAsset; "
        "print(json.dumps({'count': MediaAsset.objects.filter(title='Tệp hỏng').count()}))"
    )
    assert kept["count"] == 0
    # A file whose header looks whole but whose data stops half-way passes the form and fails in
    # the worker: the officer sees why and may run it again.
    asset_id = upload(archive, page, "video", sample_files.make_truncated_mp4(tmp_path), "Tệp bị cắt")
    wait_until_prepared(archive, page, asset_id)
    status = page.locator("[data-media-status]")
    expect(status).to_have_attribute("data-media-status", "failed")
    reason = page.locator("[data-media-status] + .help")
    expect(reason).to_contain_text("tệp gốc")  # the reason, in Vietnamese
    tab.shoot("damaged-refused")
    page.locator("form[action$='/retry/'] button").click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("[data-media-status]")).to_have_attribute(
        "data-media-status", "failed", timeout=PREPARATION_TIMEOUT
    )
    listing = page.goto(archive.url("/admin/media/"))
    assert listing.status == 200
    expect(page.locator("[data-media-status='failed']").first).to_be_visible()
    tab.shoot("media-listing")
