"""The stylesheet the first paint needs is inline and allowed by the page's policy; the
full stylesheet no longer blocks the first paint, and still applies without JavaScript."""

import base64
import hashlib
import re

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db


def _inline_style_source(html: str) -> str:
    style = BeautifulSoup(html, "html.parser").head.find("style")
    assert style is not None and ".site-header" in style.string
    return "'sha256-" + base64.b64encode(hashlib.sha256(style.string.encode()).digest()).decode() + "'"


@pytest.mark.parametrize("path", ["/vi/", "/en/", "/vi/search/?q=then"])
def test_public_pages_inline_the_critical_css_and_allow_exactly_it(client, path):
    response = client.get(path)
    assert response.status_code == 200
    style_src = re.search(r"style-src ([^;]*)", response["Content-Security-Policy"]).group(1).split()
    assert _inline_style_source(response.content.decode()) in style_src
    assert "'unsafe-inline'" not in style_src


def test_the_full_stylesheet_does_not_block_the_first_paint_and_has_a_fallback(client):
    head = BeautifulSoup(client.get("/vi/").content, "html.parser").head
    stylesheets = head.find_all("link", rel="stylesheet")
    # With JavaScript on, a browser reads what is inside <noscript> as text, not as links.
    loaded = [link for link in stylesheets if link.find_parent("noscript") is None]
    assert [link.get("media") for link in loaded] == ["print"]
    assert loaded[0]["href"].endswith("css/site.css") and loaded[0].has_attr("data-full-stylesheet")
    fallback = [link for link in stylesheets if link.find_parent("noscript") is not None]
    assert [link["href"] for link in fallback] == [loaded[0]["href"]]


def test_the_admin_keeps_its_inline_styles(admin_client):
    """Beside a hash, browsers ignore 'unsafe-inline': the admin's policy must have no hash."""
    response = admin_client.get("/admin/")
    style_src = re.search(r"style-src ([^;]*)", response["Content-Security-Policy"]).group(1).split()
    assert "'unsafe-inline'" in style_src
    assert not any(source.startswith("'sha256-") for source in style_src)
