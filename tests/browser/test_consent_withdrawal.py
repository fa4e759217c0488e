"""A knowledge keeper withdraws consent: an officer records it in the admin, and at that
moment the entry and its recording leave every route out of the archive, for an anonymous
visitor and for a signed-in researcher alike. Before the withdrawal, the same routes show
the entry to both (the positive control).

The test runs on its own copy of the demo archive (`own_archive`), so the entry it closes
stays open for the other browser tests."""

import re
from xml.etree import ElementTree

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP
from tests.browser.test_officer_admin import sign_in

pytestmark = pytest.mark.browser

SITEMAP_LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
OAI = "{http://www.openarchives.org/OAI/2.0/}"

# A public entry with a recording, a place and a group, and the consent record in force of
# one of its people; everything the routes below need, read from the server's database.
CHOSEN_ENTRY = """
import json
from wagtail.models import Locale
from heritage.models import ConsentRecord, EntryPage, EthnicGroupIndexPage, PlaceIndexPage
vi, en = Locale.objects.get(language_code="vi"), Locale.objects.get(language_code="en")
records = ConsentRecord.objects.filter(
    scope="public", withdrawn_at__isnull=True, entry__live=True, entry__access_level="public",
    entry__locale=vi,
).select_related("entry", "contributor").order_by("pk")
for record in records:
    entry = record.entry.specific
    media = [block.value["media"] for block in entry.audio_video_blocks]
    places = list(entry.places.select_related("place"))
    if not media or not places or not entry.ethnic_groups.exists() or entry.entry_notices:
        continue
    english = entry.get_translation(en)
    group_index = EthnicGroupIndexPage.objects.get(locale=vi)
    place_index = PlaceIndexPage.objects.get(locale=vi)
    province = place_index.reverse_subpage("place_detail", args=[places[0].place.current_province().code])
    print(json.dumps({
        "record": record.pk, "person": record.contributor.name,
        "id": entry.pk, "id_en": english.pk, "key": str(entry.translation_key),
        "title": entry.title, "url": entry.url, "url_en": english.url,
        "listing": entry.get_parent().url,
        "groups": [group_index.url + group_index.group_path(group) for group in entry.ethnic_groups.all()],
        "province": place_index.url + province,
        "media_id": media[0].pk, "file": media[0].url,
        "stream": media[0].stream.url if media[0].stream else None,
    }))
    break
"""


def sign_in_on_the_site(archive, tab, username: str) -> None:
    page = tab.page
    page.goto(archive.url("/vi/account/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", archive.accounts[username])
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/vi/account/$"))


def _shown(page: Page, path: str, href: str) -> bool:
    page.goto(path)
    return page.locator(f'main a[href="{href}"]').count() > 0


def key_is_harvested(archive, request, key: str) -> bool:
    """Whether an OAI-PMH harvest lists the entry as a live record (not a deleted one)."""
    params = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    while True:
        answer = ElementTree.fromstring(request.get(archive.url("/oai/"), params=params).body())
        for header in answer.iter(f"{OAI}header"):
            if header.findtext(f"{OAI}identifier", "").endswith(f":{key}"):
                return header.get("status") != "deleted"
        token = answer.findtext(f".//{OAI}resumptionToken")
        if not token:
            return False
        params = {"verb": "ListIdentifiers", "resumptionToken": token}


def exit_routes(archive, page: Page, entry: dict) -> dict[str, bool]:
    """For each route out of the archive: whether it shows the entry (or its recording) to
    whoever is signed in on `page`'s browser context."""
    request = page.context.request
    word = entry["title"]
    routes = {}
    routes["page vi"] = page.goto(archive.url(entry["url"])).status == 200
    routes["page en"] = page.goto(archive.url(entry["url_en"])).status == 200
    routes["listing"] = _shown(page, archive.url(entry["listing"]), entry["url"])
    for number, group in enumerate(entry["groups"]):
        routes[f"group page {number}"] = _shown(page, archive.url(group), entry["url"])
    routes["province page"] = _shown(page, archive.url(entry["province"]), entry["url"])
    routes["search"] = _shown(page, archive.url(f"/vi/search/?q={word}"), entry["url"])
    routes["search, no query"] = _shown(page, archive.url("/vi/search/"), entry["url"])
    routes["embed"] = page.goto(archive.url(f"/embed/{entry['key']}/")).status == 200
    routes["embed item"] = page.goto(archive.url(f"/embed/{entry['key']}/{entry['media_id']}/")).status == 200
    api = request.get(archive.url("/api/v2/pages/?limit=100&type=heritage.EntryPage")).json()
    routes["api listing"] = entry["id"] in {item["id"] for item in api["items"]}
    api_search = request.get(archive.url("/api/v2/pages/"), params={"search": word, "limit": 100}).json()
    routes["api search"] = entry["id"] in {item["id"] for item in api_search["items"]}
    routes["api detail"] = request.get(archive.url(f"/api/v2/pages/{entry['id']}/")).status == 200
    routes["api detail en"] = request.get(archive.url(f"/api/v2/pages/{entry['id_en']}/")).status == 200
    sitemap = ElementTree.fromstring(request.get(archive.url("/sitemap.xml")).body())
    paths = {re.sub(r"^https?://[^/]+", "", loc.text) for loc in sitemap.iter(SITEMAP_LOC)}
    routes["sitemap"] = entry["url"] in paths
    oembed = request.get(archive.url("/oembed/"), params={"url": archive.url(entry["url"]), "format": "json"})
    routes["oembed"] = oembed.status == 200
    permalink = request.get(archive.url(f"/e/{entry['key']}/"), max_redirects=0)
    routes["permalink"] = permalink.status in (200, 301, 302)
    routes["oai-pmh"] = key_is_harvested(archive, request, entry["key"])
    routes["iiif manifest"] = request.get(archive.url(f"/iiif/{entry['key']}/manifest.json")).status == 200
    for citation in ("bibtex", "ris", "csl-json"):
        routes[f"citation {citation}"] = request.get(archive.url(f"/vi/cite/{entry['key']}/{citation}/")).status == 200
    dataset = request.get(archive.url("/datasets/entries.csv"))
    routes["dataset"] = dataset.status == 200 and entry["key"] in dataset.text()
    routes["recording file"] = request.get(archive.url(entry["file"])).status == 200
    if entry["stream"]:
        routes["recording stream"] = request.get(archive.url(entry["stream"])).status == 200
    return routes


def test_a_withdrawal_leaves_every_route_at_once(own_archive, new_tab):
    archive = own_archive
    entry = archive.query(CHOSEN_ENTRY)
    anonymous = new_tab(DESKTOP)
    researcher = new_tab(DESKTOP)
    sign_in_on_the_site(archive, researcher, "researcher")
    visitors = {"anonymous": anonymous, "researcher": researcher}

    for name, tab in visitors.items():
        routes = exit_routes(archive, tab.page, entry)
        assert all(routes.values()), (name, [route for route, shown in routes.items() if not shown])
    anonymous.page.goto(archive.url(entry["url"]))
    anonymous.shoot("before-withdrawal")

    officer = new_tab(DESKTOP)
    admin = sign_in(archive, officer, "officer")
    admin.goto(archive.url(f"/admin/snippets/heritage/consentrecord/withdraw/{entry['record']}/"))
    expect(admin.locator("main")).to_contain_text(entry["person"])
    officer.shoot("withdraw-consent")
    admin.get_by_role("button", name="Có, rút lại sự đồng ý").click()
    expect(admin.locator(".messages")).to_contain_text(entry["person"])
    officer.shoot("consent-withdrawn")

    for name, tab in visitors.items():
        routes = exit_routes(archive, tab.page, entry)
        assert not any(routes.values()), (name, [route for route, shown in routes.items() if shown])
    anonymous.page.goto(archive.url(entry["url"]))
    anonymous.shoot("after-withdrawal")
    # The datasets come back once rebuilt, without the entry.
    request = anonymous.page.context.request
    for _ in range(120):
        dataset = request.get(archive.url("/datasets/entries.csv"))
        if dataset.status == 200:
            break
        assert dataset.status == 503 and dataset.headers["retry-after"]
        anonymous.page.wait_for_timeout(1000)
    assert dataset.status == 200 and entry["key"] not in dataset.text()

    # Staff still find it; the entry's history names who withdrew.
    assert admin.goto(archive.url(entry["url"])).status == 200
    admin.goto(archive.url(f"/admin/pages/{entry['id']}/history/"))
    expect(admin.locator("main")).to_contain_text("officer")
    officer.shoot("history")
