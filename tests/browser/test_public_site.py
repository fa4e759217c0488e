"""A visitor on a phone: the home page, browsing by ethnic group, an entry with its
player and transcript, the English version, media that really plays, and entries that
are not public staying out of sight."""

import re
import urllib.request

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def assert_console_clean(tab) -> None:
    assert tab.csp_reports() == [], "Content-Security-Policy violations:\n" + "\n".join(tab.csp_reports())
    assert tab.console_errors == [], "Console errors:\n" + "\n".join(tab.console_errors)
    assert tab.page_errors == [], "Uncaught script errors:\n" + "\n".join(tab.page_errors)


def public_entry_with(archive, kind: str, entry_type: str | None = None) -> dict:
    candidates = archive.entries_where(
        lambda entry: (
            entry["access"] == "public"
            and (entry_type is None or entry["type"] == entry_type)
            and any(media["kind"] == kind for media in entry["media"])
        )
    )
    assert candidates, f"The demo content has no public entry with {kind}"
    return candidates[0]


def test_home_page_shows_title_and_entries(archive, phone_tab):
    page = phone_tab.page
    response = page.goto(archive.url("/vi/"))
    assert response.status == 200, f"/vi/ answered {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("h1")).to_contain_text(archive.facts["home_title"])

    public_urls = {entry["url"] for entry in archive.entries_where(lambda entry: entry["access"] == "public")}
    links = page.locator("main a[href]")
    expect(links.first).to_be_visible()
    entry_links = [href for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))")]
    listed = public_urls.intersection(entry_links)
    assert listed, f"The home page links to no entry; links: {entry_links}"
    card = page.locator(f'main a[href="{sorted(listed)[0]}"]').first
    expect(card).to_be_visible()
    page.wait_for_load_state("networkidle")
    phone_tab.shoot("home")

    # Nothing overflows sideways on a phone.
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"The home page is {width}px wide on a 390px phone"
    assert_console_clean(phone_tab)


def test_browse_group_to_entry_and_switch_to_english(archive, phone_tab):
    page = phone_tab.page
    entry = public_entry_with(archive, "video", "FestivalPage")
    group = "tay" if "tay" in entry["groups"] else entry["groups"][0]

    page.goto(archive.url("/vi/"))
    page.locator('a[href="/vi/dan-toc/"]').first.click()
    page.wait_for_url(re.compile(r"/vi/dan-toc/$"))
    expect(page.locator("h1")).to_be_visible()
    phone_tab.shoot("group-list")

    page.locator(f'main a[href$="/dan-toc/{group}/"]').first.click()
    page.wait_for_url(re.compile(rf"/vi/dan-toc/{group}/$"))
    phone_tab.shoot("group-page")

    page.locator(f'main a[href="{entry["url"]}"]').first.click()
    page.wait_for_url(re.compile(re.escape(entry["url"]) + "$"))
    expect(page.locator("h1")).to_have_text(entry["title"])

    # The player, and the transcript for people who cannot listen.
    expect(page.locator("main video, main audio").first).to_be_attached()
    for media in entry["media"]:
        player = page.locator(f"main {media['kind']}")
        expect(player.first).to_be_attached()
        first_line = media["transcript"].strip().splitlines()[0].strip()
        expect(page.locator("main")).to_contain_text(first_line)
    page.wait_for_load_state("networkidle")
    phone_tab.shoot("entry")
    assert_console_clean(phone_tab)

    # The language switch goes to the same entry in English.
    page.locator('a[hreflang="en"]').first.click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/en/"))
    assert page.url.endswith(entry["url_en"]), f"Expected the English entry {entry['url_en']}, got {page.url}"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(entry["title_en"])
    assert entry["title_en"] != entry["title"]
    page.wait_for_load_state("networkidle")
    phone_tab.shoot("entry-english")
    assert_console_clean(phone_tab)


@pytest.mark.parametrize("source", ["stream", "download"])
@pytest.mark.parametrize("kind", ["video", "audio"])
def test_public_media_plays_from_each_rendition(archive, phone_tab, kind, source):
    """The player offers the HLS stream first and the progressive file as the fallback for
    networks that block streaming; each must play on its own."""
    page = phone_tab.page
    entry = public_entry_with(archive, kind)
    page.goto(archive.url(entry["url"]))
    player = page.locator(f"main {kind}").first
    expect(player).to_be_attached()
    sources = player.evaluate("(e) => [...e.querySelectorAll('source')].map((s) => [s.type, s.src])")
    assert [mime_type for mime_type, _ in sources] == [
        "application/vnd.apple.mpegurl",
        "audio/mp4" if kind == "audio" else "video/mp4",
    ]
    wanted = sources[0][1] if source == "stream" else sources[1][1]
    assert wanted.endswith(".m3u8" if source == "stream" else (".m4a" if kind == "audio" else ".mp4"))
    if source == "download":
        # As on a network where the stream fails: only the progressive file is left.
        player.evaluate("(e) => { e.querySelector('source').remove(); e.load(); }")
    phone_tab.shoot(f"{kind}-{source}-before")

    # Muted, so that the browser's autoplay policy lets a script start it.
    outcome = player.evaluate(
        """async (element) => {
            element.muted = true;
            try { await element.play(); return "playing"; }
            catch (error) { return `${error.name}: ${error.message}`; }
        }"""
    )
    assert outcome == "playing", f"play() on the {kind} of {entry['url']} failed: {outcome}"
    try:
        page.wait_for_function("(element) => element.currentTime > 0.5", arg=player.element_handle(), timeout=15_000)
    except Exception as error:  # noqa: BLE001 - replaced by a readable failure
        state = player.evaluate(
            "(e) => ({src: e.currentSrc, readyState: e.readyState, networkState: e.networkState,"
            " error: e.error && `${e.error.code} ${e.error.message}`, time: e.currentTime})"
        )
        pytest.fail(f"The {kind} of {entry['url']} did not play: {state} ({error})")
    assert player.evaluate("(e) => e.currentSrc") == wanted
    phone_tab.shoot(f"{kind}-{source}-playing")
    assert_console_clean(phone_tab)


@pytest.mark.parametrize("level", ["restricted", "researchers"])
def test_non_public_entry_is_hidden_and_refused(archive, phone_tab, level):
    page = phone_tab.page
    hidden = archive.entries_where(lambda entry: entry["access"] == level)
    assert hidden, f"The demo content has no {level} entry"
    entry = hidden[0]
    section = entry["url"].rstrip("/").rsplit("/", 1)[0] + "/"

    # Not listed where a visitor would look for it.
    for path in ["/vi/", section, *(f"/vi/dan-toc/{group}/" for group in entry["groups"])]:
        response = page.goto(archive.url(path))
        assert response.status == 200, f"{path} answered {response.status}"
        expect(page.locator("h1").first).to_be_visible()
        hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert entry["url"] not in hrefs, f"{path} links to the {level} entry {entry['url']}"
        assert entry["title"] not in page.locator("body").inner_text(), f"{path} shows the {level} entry's title"
    phone_tab.shoot(f"{level}-section-without-entry")

    if level == "restricted":
        # Opening it anonymously finds nothing, exactly as an address where no page is.
        assert archive.status_of(entry["url"]) == 404
        page.goto(archive.url(entry["url"]))
        assert entry["title"] not in page.locator("body").inner_text()
        assert not page.locator("audio, video").count()
        phone_tab.shoot(f"{level}-not-found")
    else:
        # Opening it anonymously leads to a sign-in form, not to the content.
        assert archive.status_of(entry["url"]) == 302
        page.goto(archive.url(entry["url"]))
        assert "login" in page.url, f"{entry['url']} was not sent to a login form but to {page.url}"
        expect(page.locator('input[type="password"]')).to_be_visible()
        assert entry["title"] not in page.locator("body").inner_text()
        assert not page.locator("audio, video").count()
        phone_tab.shoot(f"{level}-login")

    # Nor are its files served.
    for media in entry["media"]:
        assert archive.status_of(media["url"]) == 404, f"{media['url']} of a {level} entry was served"


def test_media_files_answer_range_requests(archive):
    entry = public_entry_with(archive, "video")
    request = urllib.request.Request(archive.url(entry["media"][0]["url"]), headers={"Range": "bytes=0-99"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 206, f"Range request answered {response.status}"
        assert response.headers["Content-Range"].startswith("bytes 0-99/")
        assert len(response.read()) == 100


@pytest.fixture(scope="module")
def axe():
    return Axe()


PAGES_TO_AUDIT = [
    "/vi/",
    "/en/",
    "/vi/le-hoi/",
    "/en/festivals/?group=tay",
    "/vi/dan-toc/",
    "/vi/dan-toc/tay/",
    "/vi/dia-phuong/",
    "/vi/dia-phuong/tuyen-quang/",
    "/vi/search/?q=then",
    "/en/search/?q=nothing-matches-this",
]


@pytest.mark.parametrize("path", PAGES_TO_AUDIT)
def test_listing_pages_pass_the_axe_accessibility_audit(archive, phone_tab, axe, path):
    assert phone_tab.page.goto(archive.url(path)).status == 200
    assert_no_accessibility_violations(axe, phone_tab, path)


@pytest.mark.parametrize("kind", ["video", "audio"])
def test_entry_pages_pass_the_axe_accessibility_audit(archive, phone_tab, axe, kind):
    entry = public_entry_with(archive, kind)
    for url in (entry["url"], entry["url_en"]):
        assert phone_tab.page.goto(archive.url(url)).status == 200
        assert_no_accessibility_violations(axe, phone_tab, url)


def assert_no_accessibility_violations(axe, tab, label: str) -> None:
    """axe-core's WCAG 2 A/AA rules: labels, contrast, landmarks, headings, names."""
    violations = axe.run(tab.page, options={"runOnly": ["wcag2a", "wcag2aa", "best-practice"]}).response["violations"]
    if violations:
        tab.shoot(f"axe-{label}")
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} – {[node['target'] for node in v['nodes']][:3]}" for v in violations
    )
