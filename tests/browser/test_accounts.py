"""A researcher registers on the public site, confirms by the link in the mail (printed
by the console mail backend, as under `make run`), an administrator approves them in the
admin, and they sign in, see their name in the header, and sign out."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP

pytestmark = pytest.mark.browser

NAME = "Lò Thị Mai"
EMAIL = "lo.thi.mai@example.org"
PASSWORD = "Một-mật-khẩu-dài-2026"


def mailed_link(archive, path_prefix: str, timeout: float = 15) -> str:
    """The newest link to `path_prefix` in the mail the web server printed."""
    log = archive.folder / "runserver.log"
    pattern = re.compile(re.escape(archive.url(path_prefix)) + r"\S*")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        links = pattern.findall(log.read_text(errors="replace"))
        if links:
            return links[-1]
        time.sleep(0.3)
    raise AssertionError(f"No mail with a link to {path_prefix} in the server's output")


def test_register_confirm_approve_sign_in_and_out(archive, new_tab):
    visitor = new_tab(DESKTOP)
    page = visitor.page
    page.goto(archive.url("/vi/"))
    page.locator(".account-nav a").click()
    page.wait_for_url(re.compile(r"/vi/account/login/"))
    page.get_by_role("link", name="Đăng ký làm nhà nghiên cứu").click()
    page.fill("#id_name", NAME)
    page.fill("#id_email", EMAIL)
    page.fill("#id_institution", "Viện Nghiên cứu Văn hóa")
    page.fill("#id_purpose", "Nghiên cứu nghi lễ cầu mùa của người Thái")
    visitor.shoot("registration")
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_url(re.compile(r"/vi/account/register/sent/$"))
    expect(page.locator("h1")).to_have_text("Hãy kiểm tra email")

    page.goto(mailed_link(archive, "/vi/account/confirm/"))
    page.wait_for_url(re.compile(r"/vi/account/confirm/[^/]+/confirm/$"))
    expect(page.locator("#id_institution")).to_have_value("Viện Nghiên cứu Văn hóa")
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    visitor.shoot("confirmation")
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(re.compile(r"/vi/account/confirmed/$"))

    # Waiting for approval: the password does not open the account yet.
    page.goto(archive.url("/vi/account/login/"))
    page.fill("#id_username", EMAIL)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator("main .notice")).to_contain_text("đang chờ")

    admin_tab = new_tab(DESKTOP)
    admin = admin_tab.page
    admin.goto(archive.url("/admin/login/"))
    admin.fill("#id_username", "admin")
    admin.fill("#id_password", archive.accounts["admin"])
    admin.click("button[type=submit]")
    admin.wait_for_url(re.compile(r"/admin/$"))
    admin.goto(archive.url("/admin/researchers/"))
    row = admin.locator("tr", has_text=EMAIL)
    expect(row).to_contain_text("Viện Nghiên cứu Văn hóa")
    admin_tab.shoot("approval-queue")
    row.get_by_role("button", name="Duyệt").click()
    admin.wait_for_url(re.compile(r"/admin/researchers/$"))
    expect(admin.locator("tr", has_text=EMAIL).first).to_contain_text("Đã duyệt")
    mailed_link(archive, "/vi/account/login/")  # the approval mail, in Vietnamese

    page.goto(archive.url("/vi/"))
    page.locator(".account-nav a").click()
    page.fill("#id_username", EMAIL)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/vi/$"))  # back where the header's link was followed
    expect(page.locator(".account-nav .account-name")).to_have_text(NAME)
    visitor.shoot("signed-in")
    page.goto(archive.url("/admin/"))
    expect(page.locator("h1")).to_have_text("Trang quản trị chỉ dành cho cán bộ của kho lưu trữ")

    page.goto(archive.url("/en/"))
    expect(page.locator(".account-nav .account-name")).to_have_text(NAME)
    page.locator(".account-nav a[href='/en/account/logout/']").click()
    page.wait_for_url(re.compile(r"/en/account/logout/$"))
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/$"))
    expect(page.locator(".account-nav")).to_contain_text("Sign in")
    expect(page.locator(".account-nav")).not_to_contain_text(NAME)
    visitor.shoot("signed-out")
    assert visitor.csp_reports() == [] and visitor.page_errors == []
