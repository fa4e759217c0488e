"""Page addresses are made the Vietnamese way: đ becomes d and every mark is removed,
in the editor (tests/browser/test_officer_admin.py) and on the server, for pages made
without a slug. Existing addresses never change."""

import html
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from django.test import TestCase

from wagtail.models import Locale

from heritage.models import FestivalIndexPage, FestivalPage
from heritage.slugs import SLUG_FORMATTERS, vietnamese_slug

TITLES = [
    ("Thử nghiệm UX 2 – Lễ Xên bản của người Thái", "thu-nghiem-ux-2-le-xen-ban-cua-nguoi-thai"),
    ("Đền Hùng — ĐÊM HỘI", "den-hung-dem-hoi"),
    ("Lễ hội Lồng Tồng (Tày, Tuyên Quang)", "le-hoi-long-tong-tay-tuyen-quang"),
    ("Múa xòe Thái: 'Xòe vòng'", "mua-xoe-thai-xoe-vong"),
    ("Ả Ã Ạ Ằ Ắ Ẳ Ẵ Ặ Ầ Ấ Ẩ Ẫ Ậ", "a-a-a-a-a-a-a-a-a-a-a-a-a"),
    ("Ẻ Ẽ Ẹ Ề Ế Ể Ễ Ệ ỉ ĩ ị", "e-e-e-e-e-e-e-e-i-i-i"),
    ("Ỏ Õ Ọ Ồ Ố Ổ Ỗ Ộ Ờ Ớ Ở Ỡ Ợ", "o-o-o-o-o-o-o-o-o-o-o-o-o"),
    ("Ủ Ũ Ụ Ừ Ứ Ử Ữ Ự Ỳ Ý Ỷ Ỹ Ỵ", "u-u-u-u-u-u-u-u-y-y-y-y-y"),
    ("Người H'Mông ở Hà Giang... 2025!", "nguoi-h-mong-o-ha-giang-2025"),
    ("  --Ơ Đu__Xơ Đăng--  ", "o-du-xo-dang"),
    ("Pà Thẻn / Cơ Lao & Lô Lô", "pa-then-co-lao-lo-lo"),
]


@pytest.mark.parametrize(("title", "slug"), TITLES)
def test_titles_become_vietnamese_slugs(title, slug):
    assert vietnamese_slug(title) == slug


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_any_title_gives_a_clean_ascii_slug(title):
    slug = vietnamese_slug(title)
    assert slug == "" or re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert len(slug) <= 255


def test_the_editor_map_agrees_with_the_server():
    """The replacements the editor's slug field runs leave no Vietnamese letter behind."""
    title = "".join(
        letters.upper() + letters for letters in "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    )
    for pattern, plain in SLUG_FORMATTERS:
        title = pattern.sub(plain, title)
    assert title.isascii()


@pytest.fixture
def festivals(db):
    return FestivalIndexPage.objects.get(locale__language_code="vi")


def new_festival(title: str, slug: str = "") -> FestivalPage:
    return FestivalPage(title=title, slug=slug, summary="Dữ liệu mẫu.", attribution="Kiểm thử")


def test_a_page_made_without_a_slug_gets_the_vietnamese_one(festivals):
    page = festivals.add_child(instance=new_festival("Thử nghiệm UX 2 – Lễ Xên bản của người Thái"))
    again = festivals.add_child(instance=new_festival("Thử nghiệm UX 2 - Lễ Xên bản của người Thái!"))
    assert page.slug == "thu-nghiem-ux-2-le-xen-ban-cua-nguoi-thai"
    assert again.slug == "thu-nghiem-ux-2-le-xen-ban-cua-nguoi-thai-2"
    assert page.url.endswith("/thu-nghiem-ux-2-le-xen-ban-cua-nguoi-thai/")


def test_a_given_slug_is_kept_and_existing_pages_keep_their_address(festivals):
    page = festivals.add_child(instance=new_festival("Đền Hùng", slug="en-hung"))
    page.title = "Đền Hùng (sửa)"
    page.save()
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.slug == "en-hung"


def test_the_admin_slug_field_carries_the_vietnamese_map(client, festivals, officer):
    client.force_login(officer)
    response = client.get(f"/admin/pages/add/heritage/festivalpage/{festivals.pk}/")
    slug_input = re.search(r'<input[^>]*name="slug"[^>]*>', response.content.decode()).group(0)
    assert 'data-controller="w-slug"' in slug_input
    formatters = json.loads(html.unescape(re.search(r'data-w-slug-formatters-value="([^"]*)"', slug_input).group(1)))
    assert ["[đ]", "giu"] in [pattern for pattern, _ in formatters]


def test_an_english_translation_keeps_the_vietnamese_address(client, festivals, officer):
    """wagtail-localize copies the source's slug; a translator may change it on the page."""
    page = festivals.add_child(instance=new_festival("Lễ Xên bản của người Thái"))
    page.save_revision()
    client.force_login(officer)
    english = Locale.objects.get(language_code="en")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/admin/localize/submit/page/{page.pk}/", {"locales": [english.pk]})
    assert response.status_code == 302
    assert page.get_translation(english).slug == "le-xen-ban-cua-nguoi-thai"
