"""An officer writing an entry finds a place by its name typed without marks, and adds a
missing commune from inside the chooser without leaving the entry."""

import json
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP
from tests.browser.test_officer_admin import open_new_festival_form, show_tab_with, sign_in

pytestmark = pytest.mark.browser

PLACE_SCRIPT = """
import json
from heritage.models import Place
place = Place.objects.filter(name_vi=NAME).select_related("parent").first()
print(json.dumps({"kind": place.kind, "parent": place.parent.code} if place else None))
"""


def test_an_officer_finds_a_place_folded_and_creates_a_commune_in_the_modal(archive, new_tab):
    tab = new_tab(DESKTOP)
    page = sign_in(archive, tab, "officer")
    open_new_festival_form(archive, page)
    show_tab_with(page, "#id_places-0-place-chooser")
    page.locator("#id_places-0-place-chooser .chooser__choose-button").click()

    page.locator(".modal #id_q").fill("lang son")
    choices = page.locator(".modal a[data-chooser-modal-choice]")
    expect(choices.first).to_have_text("Lạng Sơn", timeout=5_000)
    tab.shoot("place-chooser-folded-search")

    page.locator('.modal a[role="tab"][href="#tab-create"]').click()
    form = page.locator(".modal form[data-chooser-modal-creation-form]")
    expect(form).to_be_visible()
    # Without its province the commune is refused, with the error shown in the modal.
    name = f"Xã Thử {uuid.uuid4().hex[:6]}"
    form.locator("#id_name_vi").fill(name)
    form.locator("#id_kind").select_option("commune")
    form.locator("button[type=submit]").click()
    error = page.locator(".modal [data-contentpath=parent] .error-message")
    expect(error).to_be_visible(timeout=5_000)
    tab.shoot("place-chooser-create-error")
    assert archive.query(f"NAME = {json.dumps(name)}\n" + PLACE_SCRIPT) is None

    form = page.locator(".modal form[data-chooser-modal-creation-form]")
    form.locator("#id_parent").select_option(label="Lạng Sơn (Tỉnh)")
    form.locator("button[type=submit]").click()
    expect(page.locator(".modal")).to_be_hidden(timeout=5_000)
    expect(page.locator("#id_places-0-place-title")).to_have_text(f"{name}, Lạng Sơn")
    tab.shoot("place-chooser-created")
    assert archive.query(f"NAME = {json.dumps(name)}\n" + PLACE_SCRIPT) == {"kind": "commune", "parent": "lang-son"}
