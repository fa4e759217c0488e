"""The admin's upload pages for audio and video, images and documents carry the resumable
upload panel, with a token that lets that officer start that kind of upload only, and the
admin's Content-Security-Policy lets the page talk to tusd."""

import re

import pytest

from django.contrib.auth import get_user_model

from uploads.tokens import read_token

PAGES = {
    "media": "/admin/media/video/add/",
    "image": "/admin/images/multiple/add/",
    "document": "/admin/documents/multiple/add/",
}


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "url"), PAGES.items())
def test_each_upload_page_offers_a_resumable_upload_for_its_kind(client, settings, kind, url):
    officer = get_user_model().objects.get(username="officer")
    client.force_login(officer)
    response = client.get(url)
    html = response.content.decode()
    assert f'data-kind="{kind}"' in html
    token = re.search(r'data-token="([^"]+)"', html).group(1)
    assert read_token(token, kind) == officer
    assert all(read_token(token, other) is None for other in PAGES if other != kind)
    assert "vendor/tus.min.js" in html and "js/upload.js" in html
    policy = response.headers["Content-Security-Policy"]
    connect = next(part for part in policy.split(";") if part.strip().startswith("connect-src"))
    assert "http://127.0.0.1:1080" in connect


@pytest.mark.django_db
def test_the_public_site_policy_does_not_open_connections_to_tusd(client):
    policy = client.get("/vi/").headers["Content-Security-Policy"]
    assert "1080" not in policy
