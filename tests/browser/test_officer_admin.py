"""An officer documents a festival in the Vietnamese admin and submits it for review;
a reviewer approves it and it goes live. Officers never see a publish button."""

import json
import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP

pytestmark = pytest.mark.browser

PAGE_STATE_SCRIPT = """
import json
from wagtail.models import Page, WorkflowState
page = Page.objects.get(title=TITLE).specific
states = WorkflowState.objects.for_instance(page).order_by("-created_at")
latest = states.first()
print(json.dumps({
    "id": page.pk,
    "live": page.live,
    "url": page.url,
    "type": type(page).__name__,
    "parent": page.get_parent().specific_class.__name__,
    "groups": [group.code for group in page.ethnic_groups.all()],
    "places": [entry_place.place.code for entry_place in page.places.all()],
    "attribution": page.attribution,
    "workflow": latest.workflow.name if latest else None,
    "workflow_status": latest.status if latest else None,
    "has_revision": page.latest_revision_id is not None,
}))
"""


def page_state(archive, title: str) -> dict:
    return archive.query(f"TITLE = {json.dumps(title)}\n" + PAGE_STATE_SCRIPT)


def sign_in(archive, tab, username: str) -> Page:
    page = tab.page
    page.goto(archive.url("/admin/"))
    page.wait_for_url(re.compile(r"/admin/login/"))
    tab.shoot(f"{username}-login")
    page.fill("#id_username", username)
    page.fill("#id_password", archive.accounts[username])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    # Vietnamese staff with Vietnamese browsers get the Vietnamese admin.
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    return page


def open_new_festival_form(archive, page: Page) -> None:
    """From the festivals listing in the page explorer: "add child page"."""
    page.goto(archive.url(f"/admin/pages/{archive.facts['festival_index_id']}/"))
    page.locator('a[href$="/add_subpage/"]').first.click()
    page.wait_for_url(re.compile(r"/admin/pages/(add/heritage/festivalpage/\d+|\d+/add_subpage)/$"))
    if "/add_subpage/" in page.url:
        # More than one page type allowed here: choose the festival.
        page.locator('a[href*="/add/heritage/festivalpage/"]').first.click()
        page.wait_for_url(re.compile(r"/admin/pages/add/heritage/festivalpage/\d+/$"))
    expect(page.locator("#id_title")).to_be_visible()


def show_tab_with(page: Page, field_selector: str) -> None:
    """Open the editor tab holding a field. Tab ids come from the translated headings,
    so the tab is found through the panel that contains the field."""
    panel = page.locator('[role="tabpanel"]', has=page.locator(field_selector))
    page.locator(f'a[role="tab"][aria-controls="{panel.get_attribute("id")}"]').click()
    expect(page.locator(field_selector).first).to_be_visible()


def footer_dropdown_button(page: Page, selector: str):
    """A button of the footer's action menu, after opening the menu."""
    menu = page.locator(".w-dropdown--dropdown-button", has=page.locator(selector))
    menu.locator(".w-dropdown__toggle").first.click()
    button = menu.locator(selector).first
    expect(button).to_be_visible()
    return button


def test_officer_submits_festival_and_reviewer_publishes_it(archive, new_tab):
    title = f"Lễ hội thử nghiệm {uuid.uuid4().hex[:6]}"

    # The officer signs in to the Vietnamese admin.
    officer_tab = new_tab(DESKTOP)
    page = sign_in(archive, officer_tab, "officer")
    officer_tab.shoot("officer-dashboard")

    open_new_festival_form(archive, page)
    page.fill("#id_title", title)
    page.fill("#id_summary", "Một lễ hội mẫu do kiểm thử trình duyệt tạo ra.")
    officer_tab.shoot("form-description")

    # Details: the ethnic group (checkbox list) and a place (inline panel + chooser).
    show_tab_with(page, 'input[name="ethnic_groups"]')
    tay = page.get_by_role("checkbox", name="Tày", exact=True)
    (tay if tay.count() else page.locator('input[name="ethnic_groups"]').first).check()
    if not page.locator("#id_places-0-place-chooser").count():
        page.click("#id_places-ADD")
    chooser = page.locator("#id_places-0-place-chooser")
    chooser.locator(".chooser__choose-button").click()
    choice = page.locator(".modal a[data-chooser-modal-choice]").first
    expect(choice).to_be_visible()
    officer_tab.shoot("place-chooser")
    place_name = choice.inner_text().strip()
    choice.click()
    expect(page.locator(".modal")).to_be_hidden()
    expect(page.locator("#id_places-0-place-title")).to_have_text(place_name)
    page.fill("#id_places-0-name_as_recorded", f"{place_name} (ghi theo lời kể)")
    officer_tab.shoot("form-details")

    # Rights: who must be credited.
    show_tab_with(page, "#id_attribution")
    page.fill("#id_attribution", "Phòng Dân tộc (kiểm thử)")

    # The title does not fill in the slug (see test_title_fills_in_the_slug), so an
    # officer has to type one on the Promote tab.
    show_tab_with(page, "#id_slug")
    if not page.locator("#id_slug").input_value():
        page.fill("#id_slug", f"le-hoi-thu-nghiem-{uuid.uuid4().hex[:6]}")

    # Officers submit for review; they cannot publish.
    expect(page.locator('button[name="action-publish"]')).to_have_count(0)
    submit = footer_dropdown_button(page, 'button[name="action-submit"]')
    officer_tab.shoot("footer-menu")
    submit.click()
    page.wait_for_url(re.compile(rf"/admin/pages/{archive.facts['festival_index_id']}/$"))
    expect(page.locator(".messages .success")).to_be_visible()
    row = page.locator("tr", has=page.get_by_text(title, exact=True))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(re.compile(r"moderation|duyệt", re.IGNORECASE))
    officer_tab.shoot("submitted")
    assert officer_tab.csp_reports() == [], officer_tab.csp_reports()

    state = page_state(archive, title)
    assert state["type"] == "FestivalPage" and state["parent"] == "FestivalIndexPage", state
    assert state["workflow"] == "Archive review" and state["workflow_status"] == "in_progress", state
    assert state["live"] is False, state
    assert state["groups"] and state["places"] and state["attribution"], state
    assert archive.status_of(state["url"]) == 404, "An entry awaiting review is already public"

    # The reviewer approves it from the page editor's footer menu.
    reviewer_tab = new_tab(DESKTOP)
    page = sign_in(archive, reviewer_tab, "reviewer")
    expect(page.locator("main")).to_contain_text(title)
    reviewer_tab.shoot("reviewer-dashboard")
    page.goto(archive.url(f"/admin/pages/{state['id']}/edit/"))
    expect(page.locator("#id_title")).to_have_value(title)
    approve = footer_dropdown_button(
        page, 'button[data-workflow-action-name="approve"]:not([data-workflow-action-modal-url])'
    )
    reviewer_tab.shoot("reviewer-footer-menu")
    approve.click()
    page.wait_for_url(lambda url: "/edit/" not in url)
    expect(page.locator(".messages .success")).to_be_visible()
    reviewer_tab.shoot("approved")
    assert reviewer_tab.csp_reports() == [], reviewer_tab.csp_reports()

    state = page_state(archive, title)
    assert state["live"] is True, state
    assert state["workflow_status"] == "approved", state

    # Now anyone can read it.
    assert archive.status_of(state["url"]) == 200
    visitor_tab = new_tab(DESKTOP)
    visitor_tab.page.goto(archive.url(state["url"]))
    expect(visitor_tab.page.locator("h1")).to_have_text(title)
    visitor_tab.shoot("public-page")


def test_title_fills_in_the_slug(archive, new_tab):
    tab = new_tab(DESKTOP)
    page = sign_in(archive, tab, "officer")
    open_new_festival_form(archive, page)
    page.locator("#id_title").press_sequentially("Lễ hội Xuống đồng")
    page.locator("#id_title").blur()
    show_tab_with(page, "#id_slug")
    tab.shoot("slug")
    expect(page.locator("#id_slug")).to_have_value(re.compile(r"\w"), timeout=3_000)


def test_place_chooser_search_finds_provinces(archive, new_tab):
    tab = new_tab(DESKTOP)
    page = sign_in(archive, tab, "officer")
    open_new_festival_form(archive, page)
    show_tab_with(page, "#id_places-0-place-chooser")
    page.locator("#id_places-0-place-chooser .chooser__choose-button").click()
    page.locator(".modal #id_q").fill("Tuyên Quang")
    result = page.locator(".modal a[data-chooser-modal-choice]", has_text="Tuyên Quang")
    try:
        expect(result.first).to_be_visible(timeout=5_000)
    finally:
        tab.shoot("place-search")
