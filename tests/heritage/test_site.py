"""The public site as visitors and operators meet it: languages, browsing, permalinks,
security headers and deployment checks."""

import base64
import hashlib
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse
from xml.etree import ElementTree

import pytest

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from wagtail.models import Locale

from heritage.access import AccessLevel
from heritage.models import EntryPage, EthnicGroup, HomePage, Place, RecordingPage
from tests.heritage.helpers import page_text, soup

BASE_DIR = Path(settings.BASE_DIR)


def public_entry(language="vi", **filters):
    return (
        EntryPage.objects.live()
        .filter(access_level=AccessLevel.PUBLIC, locale__language_code=language, **filters)
        .order_by("pk")
        .first()
        .specific
    )


def english_of(entry):
    return entry.get_translation(Locale.objects.get(language_code="en")).specific


def hrefs(response):
    return [urlparse(a["href"]).path for a in soup(response).find_all("a", href=True)]


# Languages ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_home_pages_in_both_languages(client, language):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert soup(response).html["lang"] == language


@pytest.mark.django_db
@pytest.mark.parametrize(("accept", "expected"), [("", "/vi/"), ("en-GB,en;q=0.9", "/en/"), ("vi", "/vi/")])
def test_the_bare_address_sends_visitors_to_a_language(client, accept, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept) if accept else client.get("/")
    assert response.status_code in (301, 302)
    assert urlparse(response["Location"]).path == expected


@pytest.mark.django_db
def test_an_english_entry_page_is_in_english(client):
    entry = public_entry()
    english = english_of(entry)
    assert english.title != entry.title
    response = client.get(english.url)
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == "en"
    assert page.h1.get_text(" ", strip=True) == english.title
    assert entry.title not in page.h1.get_text()


@pytest.mark.django_db
def test_the_language_switch_links_to_the_translation(client):
    entry = public_entry()
    english = english_of(entry)
    assert english.url in hrefs(client.get(entry.url))
    assert entry.url in hrefs(client.get(english.url))


@pytest.mark.django_db
def test_translations_announce_each_other_for_search_engines(client):
    entry = public_entry()
    links = soup(client.get(entry.url)).find_all("link", rel="alternate", hreflang=True)
    assert {link["hreflang"]: urlparse(link["href"]).path for link in links if link["hreflang"] in ("vi", "en")} == {
        "vi": entry.url,
        "en": english_of(entry).url,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
def test_an_unpublished_translation_is_not_linked_from_its_entry(client, researcher, signed_in):
    """Anonymous visitors' links come from the query that reads the entry's access levels,
    signed-in visitors' from their own: both leave out a translation taken offline."""
    if signed_in:
        client.force_login(researcher)
    entry = public_entry()
    english = english_of(entry)
    english_home = HomePage.objects.live().get(locale__language_code="en").url
    assert english.url in hrefs(client.get(entry.url))  # control: linked while live
    english.unpublish()
    links = hrefs(client.get(entry.url))
    assert english.url not in links
    assert english_home in links
    alternates = soup(client.get(entry.url)).find_all("link", rel="alternate", hreflang="en")
    assert not alternates


# Browsing ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_all_54_ethnic_groups_are_listed(client):
    response = client.get("/vi/dan-toc/")
    assert response.status_code == 200
    links = set(hrefs(response))
    assert {f"/vi/dan-toc/{code}/" for code in EthnicGroup.objects.values_list("code", flat=True)} <= links
    assert EthnicGroup.objects.count() == 54
    text = page_text(response)
    assert all(group.name_vi in text for group in EthnicGroup.objects.all())


@pytest.mark.django_db
def test_an_ethnic_group_page_shows_its_entries(client):
    hmong = EthnicGroup.objects.get(code="hmong")
    response = client.get("/vi/dan-toc/hmong/")
    assert response.status_code == 200
    text = page_text(response)
    assert "H'Mông" in text
    entries = EntryPage.objects.live().public().filter(locale__language_code="vi", ethnic_groups=hmong)
    assert entries.count() >= 2
    assert all(entry.title in text for entry in entries)
    others = EntryPage.objects.live().filter(locale__language_code="vi").exclude(ethnic_groups=hmong)
    assert not any(entry.title in text for entry in others)


@pytest.mark.django_db
def test_unknown_group_is_not_found(client):
    assert client.get("/vi/dan-toc/khong-co/").status_code == 404


@pytest.mark.django_db
def test_the_34_provinces_and_cities_are_listed(client):
    response = client.get("/vi/dia-phuong/")
    assert response.status_code == 200
    current = Place.objects.filter(kind__in=[Place.Kind.CITY, Place.Kind.PROVINCE])
    assert current.count() == 34
    links = set(hrefs(response))
    assert {f"/vi/dia-phuong/{place.code}/" for place in current} <= links
    assert not any(link.startswith("/vi/dia-phuong/former-") for link in links)


@pytest.mark.django_db
def test_a_former_province_redirects_to_todays_province(client):
    response = client.get("/vi/dia-phuong/former-ha-giang/")
    assert response.status_code == 301
    assert urlparse(response["Location"]).path == "/vi/dia-phuong/tuyen-quang/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_a_province_page_lists_entries_recorded_there(client):
    response = client.get("/vi/dia-phuong/tuyen-quang/")
    text = page_text(response)
    recorded_there = (
        EntryPage.objects.live().public().filter(locale__language_code="vi", places__place__code="tuyen-quang")
    )
    assert recorded_there.exists()
    for entry in recorded_there[:20]:
        assert entry.title in text


@pytest.mark.django_db
@pytest.mark.parametrize(("accept", "language"), [("vi", "vi"), ("en", "en")])
def test_permalink_leads_to_the_entry_in_the_visitors_language(client, accept, language):
    entry = public_entry()
    response = client.get(f"/e/{entry.translation_key}/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    expected = entry if language == "vi" else english_of(entry)
    assert urlparse(response["Location"]).path == expected.url


@pytest.mark.django_db
def test_permalink_is_what_the_entry_page_cites(client):
    entry = public_entry()
    assert urlparse(entry.get_permalink()).path == f"/e/{entry.translation_key}/"
    assert client.get("/e/00000000-0000-0000-0000-000000000000/", follow=True).status_code == 404


@pytest.mark.django_db
def test_permalink_of_a_restricted_entry_is_not_found(client, restricted_entry):
    response = client.get(f"/e/{restricted_entry.translation_key}/", follow=True)
    assert response.status_code == 404
    assert restricted_entry.title not in page_text(response)


# Operations --------------------------------------------------------------------------------------


def public_pages():
    return ["/vi/", "/en/", "/vi/dan-toc/", "/vi/dan-toc/hmong/", "/vi/dia-phuong/", "/vi/le-hoi/", "/vi/search/?q=lễ"]


@pytest.mark.django_db
def test_security_headers_on_public_pages(client):
    for url in [*public_pages(), public_entry().url, english_of(public_entry()).url]:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = {
            part.split()[0]: part.split()[1:] for part in response["Content-Security-Policy"].split(";") if part.strip()
        }
        assert policy["script-src"] == ["'self'"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        assert "'unsafe-inline'" not in policy.get("style-src", []), url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url


@pytest.mark.django_db
def test_the_admin_gets_the_policy_it_needs_to_work(client, officer):
    client.force_login(officer)
    policy = client.get("/admin/")["Content-Security-Policy"]
    assert "'unsafe-inline'" in policy


@pytest.mark.django_db
def test_public_pages_have_no_inline_script_or_style(client):
    """The strict policy would block them, so they would silently not work."""
    entry = public_entry()
    for url in [*public_pages(), entry.url, english_of(entry).url, "/vi/khong-ton-tai/"]:
        response = client.get(url)
        page = soup(response)
        for script in page.find_all("script"):
            if script.get("type") in ("application/ld+json", "application/json"):
                continue
            assert script.get("src"), f"inline script on {url}: {script}"
        # Only the critical stylesheet, which the policy allows by its hash (critical_css/).
        style_src = re.search(r"style-src ([^;]*)", response["Content-Security-Policy"]).group(1).split()
        for style in page.find_all("style"):
            digest = base64.b64encode(hashlib.sha256(style.string.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in style_src, url
        for element in page.find_all(True):
            assert "style" not in element.attrs, f"style attribute on {url}: {element.name}"
            assert not [name for name in element.attrs if name.startswith("on")], f"inline handler on {url}"


@pytest.mark.django_db
def test_sitemap_lists_public_entries_in_both_languages(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    tree = ElementTree.fromstring(response.content)
    locations = {urlparse(loc.text).path for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    public = EntryPage.objects.live().filter(access_level=AccessLevel.PUBLIC)
    embargoed = public.filter(embargo_until__gt=timezone.localdate())
    assert embargoed.exists(), "the demo has an entry under embargo"
    assert not [entry.url for entry in embargoed if entry.url in locations]
    public = public.exclude(pk__in=embargoed)
    assert public.filter(locale__language_code="en").exists()
    missing = [entry.url for entry in public if entry.url not in locations]
    assert not missing, f"{len(missing)} public entries missing from the sitemap, e.g. {missing[:3]}"


@pytest.mark.django_db
def test_entry_pages_have_open_graph_tags(client):
    entry = next(e for e in EntryPage.objects.live().public().specific() if e.first_image)
    page = soup(client.get(entry.url))
    og = {meta["property"]: meta["content"] for meta in page.find_all("meta", property=True)}
    assert og["og:title"] == entry.title
    image = urlparse(og["og:image"])
    assert image.scheme in ("http", "https") and image.netloc, "og:image must be an absolute URL"
    assert client.get(image.path).status_code == 200


def test_deploy_checks_pass_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(45)[:60],
        "ALLOWED_HOSTS": "archive.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    assert len(env["SECRET_KEY"]) == 60
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output


def test_production_refuses_to_start_without_a_real_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": "short"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_open_data_api_describes_entries(client):
    recording = RecordingPage.objects.live().public().filter(locale__language_code="vi").first()
    hidden_person = recording.contributors.first()
    hidden_person.may_be_named = False
    hidden_person.save()

    response = client.get(f"/api/v2/pages/{recording.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == recording.title
    assert {group["code"] for group in data["ethnic_groups"]} == {g.code for g in recording.ethnic_groups.all()}
    place = recording.places.first()
    assert data["places"][0]["code"] == place.place.code
    assert data["places"][0]["name_as_recorded"] == place.name_as_recorded
    assert data["licence"] == {
        "code": recording.licence,
        "url": recording.licence_url,
        "attribution": recording.attribution,
    }
    assert data["genre"] == recording.genre
    assert {lang["code"] for lang in data["content_languages"]} == {
        lang.code for lang in recording.content_languages.all()
    }
    named = [row["name"] for row in data["contributors"]]
    assert hidden_person.contributor.name not in named
    assert len(named) == recording.contributors.filter(may_be_named=True).count()


@pytest.mark.django_db
def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert client.get("/sitemap.xml").status_code == 200


@pytest.mark.django_db
def test_robots_txt_keeps_crawlers_out_of_each_languages_utility_pages(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            login = reverse("wagtailcore_login")
        assert client.get(login).status_code == 200, login
        assert f"Disallow: /{code}/_util/" in lines
        assert login.startswith(f"/{code}/_util/")
