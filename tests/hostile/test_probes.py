"""An outside prober's second pass: other addresses to the same hidden entry or file (the
English tree, trailing slashes, `?lang=`, every API filter, embeds of another entry's
recording), other methods and headers, redirects to other sites, and the admin as someone
without admin access. Each refusal has a positive control: someone allowed gets it."""

import json
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django.test import Client

from heritage.access import AccessLevel
from heritage.models import EntryPage
from tests.heritage.helpers import distinctive_word

pytestmark = pytest.mark.django_db


def body_of(response) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def signed_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def django_settings(settings):
    """pytest-django's settings fixture (the name `settings` is Hypothesis's here)."""
    return settings


@pytest.fixture
def hidden_entries(restricted_entry, restricted_entry_en, researchers_entry, researchers_entry_en):
    """Every entry a researcher may not see, and every one an anonymous visitor may not."""
    return {
        "researcher": [restricted_entry, restricted_entry_en],
        "anonymous": [restricted_entry, restricted_entry_en, researchers_entry, researchers_entry_en],
    }


@pytest.fixture
def visitors(researcher):
    return {"anonymous": None, "researcher": researcher}


def test_page_addresses_of_a_hidden_entry_answer_404_in_both_languages(hidden_entries, visitors, officer):
    for kind, user in visitors.items():
        client = signed_in(user)
        for entry in hidden_entries[kind]:
            if kind == "anonymous" and entry.access_level == AccessLevel.RESEARCHERS:
                continue  # asks to sign in, by design
            url = entry.url
            for variant in (url, f"{url}?lang=en", f"{url}?lang=vi", f"{url}?format=json", url.rstrip("/")):
                response = client.get(variant, follow=True)
                assert response.status_code == 404, (kind, variant)
                assert entry.title.encode() not in response.content
            for method in (client.head, client.options):
                assert method(url).status_code == 404, (kind, url, method)
    staff = signed_in(officer)
    for entry in hidden_entries["anonymous"]:
        assert staff.get(entry.url).status_code == 200
        assert staff.head(entry.url).status_code == 200


def api_json(client, path, **params):
    response = client.get(f"/api/v2/pages/{path}", params)
    return response.status_code, (response.json() if response["Content-Type"].startswith("application/json") else {})


def test_every_api_filter_leaves_hidden_entries_out(hidden_entries, visitors, officer):
    for kind, user in visitors.items():
        client = signed_in(user)
        for entry in hidden_entries[kind]:
            word = distinctive_word(entry)
            unknown = 999_999
            queries = [
                {"fields": "*"},
                {"fields": "*", "locale": entry.locale.language_code},
                {"type": "heritage.FestivalPage", "fields": "media,body,contributors"},
                {"type": type(entry)._meta.label, "fields": "*"},
                {"search": word},
                {"search": word, "locale": entry.locale.language_code},
                {"search": word, "search_operator": "or"},
                {"order": "-id", "fields": "*", "limit": 100},
                {"order": "title", "limit": 100},
                {"slug": entry.slug},
                {"title": entry.title},
            ]
            for params in queries:
                status, data = api_json(client, "", **params)
                assert status in (200, 400), (kind, params, status)
                ids = [item["id"] for item in data.get("items", [])]
                assert entry.pk not in ids, (kind, params)
                assert entry.title not in json.dumps(data, ensure_ascii=False), (kind, params)
            # Filters that name the hidden page answer as for a page that does not exist.
            for name in ("child_of", "descendant_of", "translation_of"):
                hidden = api_json(client, "", **{name: entry.pk})
                missing = api_json(client, "", **{name: unknown})
                assert hidden == missing, (kind, name, hidden, missing)
            assert api_json(client, f"{entry.pk}/") == api_json(client, f"{unknown}/")
            find = client.get("/api/v2/pages/find/", {"html_path": entry.url})
            assert find.status_code == 404, (kind, entry.url, find.status_code)
    staff = signed_in(officer)
    for entry in hidden_entries["anonymous"]:
        status, data = api_json(staff, f"{entry.pk}/")
        assert status == 200 and data["title"] == entry.title


@pytest.fixture
def restricted_recording(restricted_entry):
    return restricted_entry.audio_video_blocks[0].value["media"]


@pytest.fixture
def public_entry_with_recording(db):
    for entry in EntryPage.objects.filter(access_level=AccessLevel.PUBLIC).live().specific():
        if any(block.value["media"] is not None for block in entry.audio_video_blocks):
            return entry
    raise AssertionError("The demo has a public entry with a recording")


def test_an_embed_of_a_public_entry_never_plays_another_entrys_recording(
    public_entry_with_recording, restricted_recording, restricted_entry, restricted_entry_en
):
    key = public_entry_with_recording.translation_key
    own = public_entry_with_recording.audio_video_blocks[0].value["media"]
    client = Client()
    assert client.get(f"/embed/{key}/{own.pk}/").status_code == 200  # positive control
    assert client.get(f"/embed/{key}/{restricted_recording.pk}/").status_code == 404
    for suffix in ("", "?lang=en", "?lang=vi"):
        assert client.get(f"/embed/{restricted_entry.translation_key}/{suffix}").status_code == 404
        assert client.head(f"/embed/{restricted_entry.translation_key}/{suffix}").status_code == 404
    for url in (
        f"http://testserver/embed/{key}/{restricted_recording.pk}/",
        f"http://127.0.0.1:8000/embed/{key}/{restricted_recording.pk}/",
        f"http://testserver/embed/{restricted_entry.translation_key}/",
        f"http://testserver/e/{restricted_entry_en.translation_key}/",
        f"http://testserver{restricted_entry_en.url}",
    ):
        assert client.get("/oembed/", {"url": url}).status_code == 404, url
    ok = client.get("/oembed/", {"url": f"http://testserver/embed/{key}/{own.pk}/"})
    assert ok.status_code == 200
    assert f"/embed/{restricted_recording.pk}" not in ok.content.decode()


def test_permalinks_of_hidden_translations_answer_404(restricted_entry, restricted_entry_en, officer):
    for entry in (restricted_entry, restricted_entry_en):
        for path in (f"/e/{entry.translation_key}/", f"/e/{str(entry.translation_key).upper()}/"):
            response = Client().get(path, follow=True)
            assert response.status_code == 404, path
    assert signed_in(officer).get(f"/e/{restricted_entry.translation_key}/").status_code == 302


def test_search_in_english_leaves_hidden_entries_out(hidden_entries, visitors, officer):
    for kind, user in visitors.items():
        client = signed_in(user)
        for entry in hidden_entries[kind]:
            language = entry.locale.language_code
            word = distinctive_word(entry)
            for path in (f"/{language}/search/", f"/{language}/search/autocomplete/"):
                for params in ({"q": word}, {"q": word, "format": "csv"}, {"q": entry.title, "format": "csv"}):
                    response = client.get(path, params)
                    assert response.status_code == 200, (kind, path, params)
                    assert entry.title not in body_of(response).decode(), (kind, path, params)
    staff = signed_in(officer)
    entry = hidden_entries["anonymous"][1]  # the restricted entry in English
    response = staff.get("/en/search/", {"q": distinctive_word(entry), "format": "csv"})
    assert entry.title in body_of(response).decode()


def test_a_contributor_who_may_not_be_named_appears_nowhere():
    entry = EntryPage.objects.filter(access_level=AccessLevel.PUBLIC, contributors__isnull=False).live().first()
    assert entry is not None, "a public entry of the demo credits someone"
    entry = entry.specific
    row = entry.contributors.select_related("contributor").first()
    name = row.contributor.name
    client = Client()
    assert name in client.get(entry.url).content.decode()  # positive control: named
    row.may_be_named = False
    row.save()
    entry.save_revision().publish()
    surfaces = [
        client.get(entry.url),
        client.get(f"/api/v2/pages/{entry.pk}/", {"fields": "*"}),
        client.get("/api/v2/pages/", {"fields": "*", "limit": 100}),
        client.get(f"/{entry.locale.language_code}/search/", {"q": entry.title}),
        client.get(f"/{entry.locale.language_code}/search/", {"q": entry.title, "format": "csv"}),
        client.get(f"/{entry.locale.language_code}/search/", {"q": name, "format": "csv"}),
        client.get("/oembed/", {"url": f"http://testserver{entry.url}"}),
        client.get(f"/embed/{entry.translation_key}/"),
    ]
    for response in surfaces:
        text = body_of(response).decode()
        assert name not in text and json.dumps(name)[1:-1] not in text, response.request


def test_head_and_options_on_every_route_never_fail_and_never_leak(
    restricted_entry, restricted_recording, public_entry_with_recording
):
    client = Client()
    own = public_entry_with_recording.audio_video_blocks[0].value["media"]
    addresses = [
        "/",
        "/vi/",
        "/en/",
        "/vi/search/?q=l%E1%BB%85",
        "/en/search/?q=x&format=csv",
        "/vi/search/autocomplete/?q=le",
        "/api/v2/pages/",
        f"/api/v2/pages/{restricted_entry.pk}/",
        "/api/v2/pages/find/?html_path=/vi/",
        "/oembed/?url=http://localhost/",
        f"/embed/{public_entry_with_recording.translation_key}/",
        f"/e/{restricted_entry.translation_key}/",
        "/sitemap.xml",
        "/robots.txt",
        "/healthz",
        "/files/",
        f"/files/{restricted_recording.file.name}",
        f"/files/{own.file.name}",
        "/documents/1/x.pdf",
        "/i18n/setlang/",
        "/vi/_util/login/",
        "/admin/login/",
    ]
    for address in addresses:
        for method in ("head", "options", "put", "delete", "patch", "trace"):
            response = getattr(client, method)(address)
            failing_health_check = address == "/healthz" and response.status_code == 503  # documented
            assert response.status_code < 500 or failing_health_check, (method, address, response.status_code)
            if method == "head":
                assert body_of(response) == b"", address
    assert client.head(f"/files/{restricted_recording.file.name}").status_code == 404
    assert client.head(f"/files/{own.file.name}").status_code == 200  # positive control


@pytest.mark.parametrize(
    "header",
    [
        "bytes=0-0,5-9",
        "bytes=0-1, 2-3",
        "bytes=abc",
        "bytes=9-1",
        "bytes=-0",
        "bytes=--1",
        "bytes=0-99999999999999999999999999",
        "bytes=99999999999999999999999999-",
        "bytes=-99999999999999999999999999",
        "items=0-1",
        "bytes=0-1\x00",
        "bytes= 0 - 1",
        "bytes=٠-١",  # Arabic-Indic digits: str.isdigit says yes, int() accepts them
        "bytes=１-２",  # full-width digits
        "",
    ],
)
def test_malformed_ranges_never_fail(public_entry_with_recording, restricted_recording, header):
    own = public_entry_with_recording.audio_video_blocks[0].value["media"]
    client = Client()
    response = client.get(f"/files/{own.file.name}", headers={"Range": header})
    assert response.status_code in (200, 206, 416), (header, response.status_code)
    body_of(response)
    refused = client.get(f"/files/{restricted_recording.file.name}", headers={"Range": header})
    assert refused.status_code == 404


def test_very_long_addresses_never_fail():
    client = Client()
    for path in (
        "/vi/" + "a/" * 3000,
        "/vi/" + "a" * 20000 + "/",
        "/files/" + "a/" * 3000 + "x.vtt",
        "/files/" + "a" * 20000,
        "/e/" + "0" * 5000 + "/",
        "/api/v2/pages/?search=" + "a" * 20000,
        "/oembed/?url=http://localhost/" + "a/" * 3000,
    ):
        assert client.get(path).status_code < 500, path[:40]


def test_a_foreign_host_header_is_refused_and_never_names_itself():
    client = Client()
    for host in ("evil.example", "localhost.evil.example", "localhost:80@evil.example", "127.0.0.1.evil.example"):
        for path in ("/vi/", "/oembed/?url=http://localhost/", "/sitemap.xml", "/vi/_util/login/"):
            response = client.get(path, HTTP_HOST=host)
            assert response.status_code == 400, (host, path, response.status_code)
            assert b"evil.example" not in body_of(response)
    assert client.get("/vi/", HTTP_HOST="localhost").status_code == 200


OFFSITE = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "http:evil.example", "\\\\evil.example"]


@pytest.mark.parametrize("target", OFFSITE)
def test_sign_in_never_sends_anyone_to_another_site(researcher, target):
    researcher.set_password("correct horse battery staple")
    researcher.save()
    for login in ("/vi/_util/login/", "/admin/login/"):
        client = Client()
        response = client.post(
            f"{login}?{urlencode({'next': target})}",
            {"username": researcher.username, "password": "correct horse battery staple", "next": target},
        )
        assert response.status_code == 302, (login, response.status_code)
        assert "evil.example" not in response["Location"], (login, response["Location"])
    response = Client().post("/i18n/setlang/", {"language": "en", "next": target}, HTTP_REFERER=target)
    assert "evil.example" not in response.get("Location", "")


def test_the_admin_shows_nothing_to_researchers_or_anonymous_visitors(researcher, restricted_entry):
    restricted_media = restricted_entry.audio_video_blocks[0].value["media"]
    addresses = [
        "/admin/",
        f"/admin/pages/{restricted_entry.pk}/",
        f"/admin/pages/{restricted_entry.pk}/edit/",
        f"/admin/pages/{restricted_entry.pk}/edit/preview/",
        f"/admin/pages/{restricted_entry.pk}/view_draft/",
        f"/admin/pages/{restricted_entry.pk}/revisions/",
        f"/admin/pages/{restricted_entry.pk}/history/",
        f"/admin/pages/{restricted_entry.pk}/usage/",
        "/admin/pages/search/?q=a",
        "/admin/api/main/pages/?fields=*",
        f"/admin/api/main/pages/{restricted_entry.pk}/",
        "/admin/images/",
        "/admin/images/chooser/",
        "/admin/documents/",
        "/admin/documents/chooser/",
        "/admin/media/",
        "/admin/media/chooser/",
        f"/admin/media/edit/{restricted_media.pk}/",
        f"/admin/media-pipeline/{restricted_media.pk}/status/",
        "/admin/snippets/heritage/contributor/",
        "/admin/snippets/media_pipeline/captiontrack/",
        "/admin/localize/",
        "/admin/reports/audit/",
        "/admin/choose-page/?q=a",
        "/admin/choose-page/search/?q=a",
    ]
    for user in (None, researcher):
        client = signed_in(user)
        for address in addresses:
            response = client.get(address)
            assert response.status_code in (302, 403, 404), (user, address, response.status_code)
            if response.status_code == 302:
                assert "/login/" in response["Location"] or response["Location"] in ("/admin/", "/"), address
            assert restricted_entry.title.encode() not in body_of(response), address


def test_files_of_a_restricted_recording_placed_in_a_public_page_stay_hidden(
    public_entry_with_recording, restricted_recording, researcher, officer
):
    """Its captions, renditions, poster and original, through the public page that holds it."""
    entry = public_entry_with_recording
    entry.media.append(("audio_video", {"media": restricted_recording, "caption": "", "transcript": ""}))
    entry.save_revision().publish()
    names = [restricted_recording.file.name]
    names += [track.file.name for track in restricted_recording.captions.all()]
    names += [rendition.url.removeprefix("/files/") for rendition in restricted_recording.renditions.all()]
    assert len(names) > 2
    for user in (None, researcher):
        client = signed_in(user)
        page = client.get(entry.url).content.decode()
        for name in names:
            assert client.get(f"/files/{quote(name)}").status_code == 404, (user, name)
            assert name not in page
    staff = signed_in(officer)
    for name in names:
        response = staff.get(f"/files/{quote(name)}")
        body_of(response)
        assert response.status_code == 200, name


def test_a_restricted_recording_in_a_researchers_entry_stays_hidden_from_researchers(
    researchers_entry, restricted_recording, researcher, officer
):
    researchers_entry.media.append(("audio_video", {"media": restricted_recording, "caption": "", "transcript": ""}))
    researchers_entry.save_revision().publish()
    client = signed_in(researcher)
    page = client.get(researchers_entry.url)
    assert page.status_code == 200  # the entry itself is theirs
    assert restricted_recording.file.name not in page.content.decode()
    for track in restricted_recording.captions.all():
        assert client.get(f"/files/{track.file.name}").status_code == 404
    assert client.get(f"/files/{restricted_recording.file.name}").status_code == 404
    data = client.get(f"/api/v2/pages/{researchers_entry.pk}/").json()
    assert restricted_recording.pk not in [
        block["value"].get("media") for block in data["media"] if isinstance(block["value"], dict)
    ]
    staff = signed_in(officer)
    response = staff.get(f"/files/{restricted_recording.file.name}")
    body_of(response)
    assert response.status_code == 200


def test_sitemap_and_robots_in_every_language(hidden_entries):
    client = Client()
    sitemap = client.get("/sitemap.xml").content.decode()
    for entry in hidden_entries["anonymous"]:
        assert entry.slug not in sitemap
    assert EntryPage.objects.filter(
        access_level=AccessLevel.PUBLIC, locale__language_code="en"
    ).live().first().slug in (sitemap)
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /en/_util/" in robots and "Disallow: /vi/_util/" in robots
    for path in ("/en/robots.txt", "/vi/sitemap.xml", "/en/sitemap.xml"):
        response = client.get(path, follow=True)
        assert response.status_code in (200, 404), path
        for entry in hidden_entries["anonymous"]:
            assert entry.slug not in response.content.decode()


def test_a_page_anywhere_in_the_tree_with_the_same_slug_is_not_a_way_in(restricted_entry):
    """Wagtail routes by path; other spellings of the same path do not reach the page."""
    url = restricted_entry.url
    client = Client()
    for variant in (url.upper(), url.replace("/", "//"), url + "%2e/", url + "./", quote(url, safe="") + "/"):
        response = client.get(variant, follow=True)
        assert response.status_code in (400, 404), (variant, response.status_code)
        assert restricted_entry.title.encode() not in response.content


def test_the_page_tree_of_the_api_never_names_a_hidden_parent(restricted_entry):
    """Listings give each item's parent; no visible item names a hidden one."""
    client = Client()
    listing = client.get("/api/v2/pages/", {"limit": 100}).json()
    visible = [item["id"] for item in listing["items"]]
    assert restricted_entry.pk not in visible
    for page_id in visible:
        meta = client.get(f"/api/v2/pages/{page_id}/").json()["meta"]
        parent = meta.get("parent") or {}
        assert parent.get("id") in visible or parent == {} or not EntryPage.objects.filter(pk=parent["id"]).exists()


def test_asking_for_a_password_reset_never_fails_when_mail_cannot_be_sent(django_settings, officer):
    """Production sends mail over SMTP; a mail server that does not answer must not give an
    anonymous visitor a 500, nor tell them whether the address has an account."""
    django_settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    django_settings.EMAIL_HOST, django_settings.EMAIL_PORT, django_settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    client = Client(raise_request_exception=False)
    known = client.post("/admin/password_reset/", {"email": officer.email})
    unknown = client.post("/admin/password_reset/", {"email": "khong-co-ai@example.org"})
    assert known.status_code == unknown.status_code, (known.status_code, unknown.status_code)
    assert known.status_code in (200, 302, 404)
    assert known.get("Location") == unknown.get("Location")


HOSTILE_FORM = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
FIELD_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\x00", "a" * 5000, "admin\x00", "'; --", "%00", "\ud7ff", "𝔘", "officer ", " officer"]),
)
FORWARDED = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", ",", "::1%eth0", "[::1]:80", "1.2.3.4, , 5.6.7.8", "unknown", "256.1.1.1", "1.2.3.4:99999"]),
)


@HOSTILE_FORM
@given(username=FIELD_TEXT, password=FIELD_TEXT, forwarded=FORWARDED)
def test_no_sign_in_attempt_answers_5xx(django_settings, username, password, forwarded):
    django_settings.TRUSTED_PROXY_COUNT = 1
    client = Client(raise_request_exception=False)
    for login in ("/vi/_util/login/", "/admin/login/"):
        response = client.post(login, {"username": username, "password": password}, HTTP_X_FORWARDED_FOR=forwarded)
        assert response.status_code < 500, (login, username, forwarded, response.status_code)


def test_old_addresses_of_hidden_entries_answer_as_unknown_ones(hidden_entries, visitors, officer):
    """Wagtail keeps a redirect from every old address when a section is renamed or moved;
    the redirect to a hidden entry would tell that it exists, and its new address."""
    from wagtail.contrib.redirects.models import Redirect

    redirects = {redirect.redirect_page_id: redirect for redirect in Redirect.objects.exclude(redirect_page=None)}
    for kind, user in visitors.items():
        client = signed_in(user)
        for entry in hidden_entries[kind]:
            if kind == "anonymous" and entry.access_level == AccessLevel.RESEARCHERS:
                continue
            if entry.pk not in redirects:
                old_path = f"/{entry.locale.language_code}/cu/{entry.slug}"
                redirects[entry.pk] = Redirect.objects.create(old_path=old_path, redirect_page=entry)
            redirect = redirects[entry.pk]
            response = client.get(redirect.old_path + "/")  # stored without the final slash
            assert response.status_code == 404, (kind, redirect.old_path, response.status_code)
            unknown = client.get(redirect.old_path + "-khong-co/", follow=True)
            assert response.status_code == unknown.status_code
            own_address = redirect.old_path.split("/", 2)[2].encode()  # the 404 page's language links repeat it
            assert entry.slug.encode() not in response.content.replace(own_address, b"")
    public = EntryPage.objects.filter(access_level=AccessLevel.PUBLIC).live().first()
    Redirect.objects.create(old_path="/vi/cu/cong-khai", redirect_page=public)
    assert Client().get("/vi/cu/cong-khai/").status_code == 301  # positive control
    staff = signed_in(officer)
    entry = hidden_entries["anonymous"][0]
    Redirect.objects.create(old_path="/vi/cu/han-che", redirect_page=entry)
    assert staff.get("/vi/cu/han-che/").status_code == 301
