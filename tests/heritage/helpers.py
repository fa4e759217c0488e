"""Small helpers shared by the heritage tests."""

import html
import re

from bs4 import BeautifulSoup

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from heritage.models import EntryPage, EthnicGroup, Place


def page_text(response):
    """The HTML of a response with entities decoded and search highlights unmarked, as a
    visitor would read the titles in it."""
    return html.unescape(re.sub(r"</?mark>", "", response.content.decode()))


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def distinctive_word(entry):
    """A word of the entry's title that no other entry in its language has in its title."""
    others = " ".join(
        EntryPage.objects.filter(locale=entry.locale).exclude(pk=entry.pk).values_list("title", flat=True)
    ).lower()
    words = sorted(re.findall(r"\w{4,}", entry.title), key=len, reverse=True)
    for word in words:
        if word.lower() not in others:
            return word
    raise AssertionError(f"No distinctive word in {entry.title!r}")


def festival_form(slug, group_code="giay", place_code="lao-cai", **overrides):
    """POST data for the admin's festival add and edit forms."""
    data = {
        "title": "Lễ hội Roóng Poọc của người Giáy",
        "slug": slug,
        "native_title": "",
        "summary": "Lễ xuống đồng đầu năm của người Giáy.",
        "body": streamfield([("paragraph", rich_text("<p>Dữ liệu mẫu.</p>"))]),
        "media": streamfield([]),
        "places": inline_formset([{"place": Place.objects.get(code=place_code).pk, "name_as_recorded": ""}]),
        "documented_on": "",
        "tags": "",
        "lunar_date": "Tháng Giêng",
        "solar_date": "",
        "frequency": "yearly",
        "participants": "",
        "access_level": "public",
        "licence": "cc-by-4.0",
        "attribution": "Kiểm thử (dữ liệu mẫu)",
        "rights_note": "",
        "contributors": inline_formset([]),
        "comments": inline_formset([]),
        "seo_title": "",
        "search_description": "",
    }
    data.update(overrides)
    data = nested_form_data(data)
    data["ethnic_groups"] = [EthnicGroup.objects.get(code=group_code).pk]
    return data
