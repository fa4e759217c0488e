"""A signed-in visitor asks for the recordings of an "on request" entry, an officer grants
the request in the admin, the visitor plays the recording, and once the grant's end date
has passed the entry is back to its description alone and the recording's file refused.

The server runs in its own process, so time cannot be frozen there: the test moves the
grant's end date into the past instead, which is what the passing of time does to it (the
date is compared with today at each request)."""

import re
import urllib.error
import urllib.request
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP
from tests.browser.test_officer_admin import sign_in

pytestmark = pytest.mark.browser

ON_REQUEST = "tu-vung-bru-van-kieu"
PURPOSE = "Chuẩn bị bài giảng về các ngôn ngữ Môn-Khmer ở miền Trung."
END_DATE_PASSED = """
import json
from datetime import timedelta
from django.utils import timezone
from access_requests.models import AccessGrant
grants = AccessGrant.objects.filter(user__username="visitor", entry__slug="tu-vung-bru-van-kieu")
grants.update(ends_on=timezone.localdate() - timedelta(days=1))
print(json.dumps({"moved": grants.count()}))
"""


def status(url: str, cookies: list[dict]) -> int:
    header = "; ".join(f"{cookie['name']}={cookie['value']}" for cookie in cookies)
    request = urllib.request.Request(url, headers={"Cookie": header})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_request_granted_then_ended(archive, new_tab):
    entry = archive.entry(ON_REQUEST)
    visitor_tab = new_tab(DESKTOP)
    page = visitor_tab.page
    page.goto(archive.url(entry["url"]))
    expect(page.locator("h1")).to_have_text(entry["title"])
    expect(page.locator("audio")).to_have_count(0)
    page.get_by_role("link", name="Đăng nhập để xin quyền truy cập").click()
    page.wait_for_url(re.compile(r"/vi/account/login/\?next="))
    page.fill("#id_username", "visitor")
    page.fill("#id_password", archive.accounts["visitor"])
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/vi/account/requests/[0-9a-f-]+/$"))
    page.fill("#id_purpose", PURPOSE)
    visitor_tab.shoot("request-form")
    page.get_by_role("button", name="Gửi yêu cầu").click()
    page.wait_for_url(re.compile(r"/vi/account/requests/$"))
    expect(page.locator("main")).to_contain_text("Đang chờ quyết định")

    officer_tab = new_tab(DESKTOP)
    admin = sign_in(archive, officer_tab, "officer")
    admin.goto(archive.url("/admin/access-requests/"))
    row = admin.locator("tr", has_text=PURPOSE)
    expect(row).to_contain_text(entry["title"])
    row.locator("input[name=ends_on]").fill("2099-01-01")  # refused: more than two years
    row.get_by_role("button", name="Cấp quyền").click()
    expect(admin.locator(".messages")).to_contain_text("hai năm")
    row = admin.locator("tr", has_text=PURPOSE)
    row.locator("input[name=ends_on]").fill((date.today() + timedelta(days=30)).isoformat())
    officer_tab.shoot("queue")
    row.get_by_role("button", name="Cấp quyền").click()
    expect(admin.locator(".messages")).to_contain_text("Đã cấp quyền truy cập")

    page.goto(archive.url(entry["url"]))
    audio = page.locator("main audio")
    expect(audio).to_have_count(1)
    audio.evaluate("(element) => { element.muted = true; return element.play(); }")
    page.wait_for_function("(element) => element.currentTime > 0.2", arg=audio.element_handle(), timeout=15_000)
    visitor_tab.shoot("playing")
    source = archive.url(audio.locator("source").first.get_attribute("src"))
    cookies = page.context.cookies()
    assert status(source, cookies) == 200

    assert archive.query(END_DATE_PASSED)["moved"] == 1
    page.goto(archive.url(entry["url"]))
    expect(page.locator("main audio")).to_have_count(0)
    expect(page.locator("main .on-request")).to_be_visible()
    visitor_tab.shoot("ended")
    assert status(source, cookies) == 404
    assert status(archive.url(entry["media"][0]["url"]), cookies) == 404
