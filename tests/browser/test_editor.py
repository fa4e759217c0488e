"""The page editor in Vietnamese: typing a title fills in the address the Vietnamese way."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP
from tests.browser.test_officer_admin import open_new_festival_form, show_tab_with, sign_in

pytestmark = pytest.mark.browser


def test_typing_a_vietnamese_title_fills_in_its_slug(archive, new_tab):
    tab = new_tab(DESKTOP)
    page = sign_in(archive, tab, "officer")
    open_new_festival_form(archive, page)
    page.locator("#id_title").press_sequentially("Thử nghiệm UX 2 – Lễ Xên bản của người Thái; ĐÊM HỘI")
    page.locator("#id_title").blur()
    show_tab_with(page, "#id_slug")
    tab.shoot("vietnamese-slug")
    expect(page.locator("#id_slug")).to_have_value("thu-nghiem-ux-2-le-xen-ban-cua-nguoi-thai-dem-hoi", timeout=3_000)


def test_the_groups_list_filters_as_the_officer_types(archive, new_tab):
    tab = new_tab(DESKTOP)
    page = sign_in(archive, tab, "officer")
    open_new_festival_form(archive, page)
    show_tab_with(page, "[data-filterable-choices-filter]")
    page.locator("[data-filterable-choices-filter]").first.fill("mong")
    tab.shoot("groups-filtered")
    expect(page.locator("label", has_text="H'Mông")).to_be_visible()
    expect(page.locator("label", has_text="Tày").first).to_be_hidden()
    page.locator("[data-filterable-choices-filter]").first.fill("")
    expect(page.locator("label", has_text="Tày").first).to_be_visible()
