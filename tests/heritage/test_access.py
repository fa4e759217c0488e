"""Who sees what: public entries for everyone, researcher-only entries for researchers and staff,
restricted entries for staff only, in both languages, in every listing and for every file."""

import io

import pytest
from PIL import Image as PILImage

from django.test import RequestFactory

from wagtail import hooks
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale

from heritage.access import READ_BY_EVERYONE, AccessLevel
from heritage.models import (
    ConsentRecord,
    ConsentScope,
    EntryPage,
    EthnicGroupIndexPage,
    FestivalPage,
    HomePage,
    PlaceIndexPage,
)
from tests.heritage.helpers import distinctive_word, festival_form, page_text


def public_entries(language):
    return EntryPage.objects.filter(access_level=AccessLevel.PUBLIC, locale__language_code=language).live()


def get_file(client, url):
    response = client.get(url)
    if hasattr(response, "streaming_content"):
        # Consuming the content lets the test client finish the request; closing the
        # response by hand would fire request_finished again and close the database
        # connection in the middle of the test transaction.
        return response.status_code, b"".join(response.streaming_content)
    return response.status_code, response.content


def login_redirect(response):
    return response.status_code == 302 and "login" in response["Location"]


def unknown_twin(url: str) -> str:
    """An address shaped like `url` where no page is."""
    return url.rstrip("/") + "-khong-co-trang-nay/"


def assert_same_as_unknown_page(client, url: str, response) -> None:
    """`response` for `url` is the 404 an address without a page gets: same status, and the
    same body once each response's own address is left out."""
    twin = client.get(unknown_twin(url))
    assert twin.status_code == 404
    assert response.status_code == 404, (url, response.status_code)

    def without_address(body: bytes, address: str) -> str:
        tail = address.split("/", 2)[2]  # the path after the language prefix
        return body.decode().replace(tail, "…")

    assert without_address(response.content, url) == without_address(twin.content, unknown_twin(url))


def image_blocks(entry):
    return [block.value["image"] for block in entry.media if block.block_type == "image"]


def asset_urls(entry):
    urls = [block.value["media"].file.url for block in entry.audio_video_blocks]
    urls += [image.file.url for image in image_blocks(entry)]
    return urls


def publish_with_access(entry, level, user=None):
    entry = entry.specific
    entry.access_level = level
    entry.save_revision(user=user).publish(user=user)
    return EntryPage.objects.get(pk=entry.pk).specific


# Pages ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_public_entries_are_open_to_anonymous_visitors(client):
    for entry in [public_entries("vi").first(), public_entries("en").first()]:
        response = client.get(entry.url)
        assert response.status_code == 200
        assert entry.title in page_text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_anonymous_visitors_are_asked_to_sign_in_for_researcher_only_entries(client, language):
    entry = EntryPage.objects.get(access_level=AccessLevel.RESEARCHERS, locale__language_code=language)
    response = client.get(entry.url)
    assert login_redirect(response)
    assert entry.title not in page_text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_restricted_entries_are_not_found_by_anyone_outside_their_groups(client, researcher, language):
    entry = EntryPage.objects.get(access_level=AccessLevel.RESTRICTED, locale__language_code=language)
    for user in (None, researcher):
        if user:
            client.force_login(user)
        response = client.get(entry.url)
        assert_same_as_unknown_page(client, entry.url, response)
        assert entry.title not in page_text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_signed_in_visitors_outside_the_groups_may_ask_for_a_researcher_entry_without_reading_it(
    client, django_user_model, language
):
    """As anonymous visitors are asked to sign in there, a signed-in visitor who is not a
    researcher is offered to ask for access (issue 15), and reads nothing of the entry."""
    entry = EntryPage.objects.get(access_level=AccessLevel.RESEARCHERS, locale__language_code=language)
    client.force_login(django_user_model.objects.create_user("khach", "khach@example.org", "a-long-Passphrase-42"))
    response = client.get(entry.url)
    assert response.status_code == 403
    assert f"/account/requests/{entry.translation_key}/" in response.content.decode()
    for secret in (entry.title, entry.summary):
        assert secret not in page_text(response)
    assert client.get(public_entries(language).first().url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_researcher_sees_researcher_only_entries_but_not_restricted_ones(client, researcher, language):
    client.force_login(researcher)
    open_entry = EntryPage.objects.get(access_level=AccessLevel.RESEARCHERS, locale__language_code=language)
    response = client.get(open_entry.url)
    assert response.status_code == 200
    assert open_entry.title in page_text(response)

    closed = EntryPage.objects.get(access_level=AccessLevel.RESTRICTED, locale__language_code=language)
    response = client.get(closed.url)
    assert response.status_code == 404
    assert closed.title not in page_text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_officer_sees_restricted_entries(client, officer, language):
    client.force_login(officer)
    for level in (AccessLevel.RESTRICTED, AccessLevel.RESEARCHERS):
        entry = EntryPage.objects.get(access_level=level, locale__language_code=language)
        response = client.get(entry.url)
        assert response.status_code == 200
        assert entry.title in page_text(response)


@pytest.mark.django_db
def test_a_researcher_who_signs_in_from_the_redirect_reaches_the_entry(client, django_user_model, researchers_entry):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("nghiencuu", "nc@example.org", "a-long-Passphrase-42")
    user.groups.add(Group.objects.get(name="Researchers"))
    login_url = client.get(researchers_entry.url)["Location"]
    response = client.post(login_url, {"username": "nghiencuu", "password": "a-long-Passphrase-42"})
    assert response.status_code == 302
    assert response["Location"] == researchers_entry.url
    assert client.get(researchers_entry.url).status_code == 200


# Listings, sitemap, API, search ----------------------------------------------------------------


def listing_urls(entry):
    """Every listing an entry would normally appear in, with a public entry that should be there too."""
    entry = entry.specific
    language = entry.locale.language_code
    public = public_entries(language)
    group = entry.ethnic_groups.first()
    province = entry.places.first().place.current_province()
    groups_page = EthnicGroupIndexPage.objects.get(locale=entry.locale)
    places_page = PlaceIndexPage.objects.get(locale=entry.locale)
    return [
        (HomePage.objects.get(locale=entry.locale).url, None),
        (entry.get_parent().url, public.child_of(entry.get_parent()).first()),
        (f"{groups_page.url}{group.code}/", public.filter(ethnic_groups=group).first()),
        (f"{places_page.url}{province.code}/", public.filter(places__place=province).first()),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("level", [AccessLevel.RESEARCHERS, AccessLevel.RESTRICTED])
def test_hidden_entries_never_appear_in_listings_for_anonymous_visitors(client, language, level):
    entry = EntryPage.objects.get(access_level=level, locale__language_code=language)
    for url, public_neighbour in listing_urls(entry):
        response = client.get(url)
        assert response.status_code == 200, url
        text = page_text(response)
        assert entry.title not in text, url
        assert entry.url not in text, url
        if public_neighbour is not None:
            assert public_neighbour.title in text, url


@pytest.mark.django_db
def test_listings_show_researcher_only_entries_to_researchers(client, researcher, researchers_entry):
    client.force_login(researcher)
    for url, _ in listing_urls(researchers_entry)[1:]:
        assert researchers_entry.title in page_text(client.get(url)), url


@pytest.mark.django_db
def test_listings_show_restricted_entries_to_officers_only(client, officer, researcher, restricted_entry):
    client.force_login(researcher)
    for url, _ in listing_urls(restricted_entry)[1:]:
        assert restricted_entry.title not in page_text(client.get(url)), url
    client.force_login(officer)
    for url, _ in listing_urls(restricted_entry)[1:]:
        assert restricted_entry.title in page_text(client.get(url)), url


@pytest.mark.django_db
def test_hidden_entries_are_not_in_the_sitemap(client, restricted_entry, researchers_entry):
    content = client.get("/sitemap.xml").content.decode()
    assert public_entries("vi").first().url in content
    for entry in EntryPage.objects.exclude(access_level__in=READ_BY_EVERYONE):
        assert entry.url not in content


@pytest.mark.django_db
def test_hidden_entries_are_not_in_the_api(client):
    hidden = EntryPage.objects.exclude(access_level__in=READ_BY_EVERYONE)
    assert set(hidden.values_list("locale__language_code", flat=True)) == {"vi", "en"}
    ids = set()
    url = "/api/v2/pages/?limit=100"
    while url:
        data = client.get(url).json()
        ids |= {item["id"] for item in data["items"]}
        offset = len(ids)
        url = f"/api/v2/pages/?limit=100&offset={offset}" if offset < data["meta"]["total_count"] else None
    assert public_entries("vi").first().pk in ids
    for entry in hidden:
        assert entry.pk not in ids
        assert client.get(f"/api/v2/pages/{entry.pk}/", follow=True).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("level", [AccessLevel.RESEARCHERS, AccessLevel.RESTRICTED])
def test_hidden_entries_are_not_found_by_search(client, officer, language, level):
    entry = EntryPage.objects.get(access_level=level, locale__language_code=language)
    query = distinctive_word(entry)
    response = client.get(f"/{language}/search/", {"q": query})
    assert response.status_code == 200
    assert entry.title not in page_text(response)

    client.force_login(officer)
    assert entry.title in page_text(client.get(f"/{language}/search/", {"q": query}))


@pytest.mark.django_db
def test_search_finds_public_entries_for_anonymous_visitors(client):
    entry = public_entries("vi").first()
    response = client.get("/vi/search/", {"q": distinctive_word(entry)})
    assert entry.title in page_text(response)


# Files -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_files_of_a_restricted_entry_are_staff_only(client, researcher, officer, restricted_entry):
    urls = asset_urls(restricted_entry)
    assert urls and all(url.startswith("/files/") for url in urls)
    for user in (None, researcher):
        if user:
            client.force_login(user)
        for url in urls:
            assert get_file(client, url)[0] == 404, (user, url)
    client.force_login(officer)
    for url in urls:
        status, body = get_file(client, url)
        assert status == 200 and body, url


@pytest.mark.django_db
def test_files_of_a_researcher_only_entry_open_to_researchers(client, researcher, researchers_entry):
    urls = asset_urls(researchers_entry)
    assert urls
    assert all(get_file(client, url)[0] == 404 for url in urls)
    client.force_login(researcher)
    assert all(get_file(client, url)[0] == 200 for url in urls)


@pytest.mark.django_db
def test_files_of_public_entries_are_public(client):
    checked = 0
    for entry in public_entries("vi").specific()[:6]:
        for url in asset_urls(entry):
            status, body = get_file(client, url)
            assert status == 200 and body, url
            checked += 1
        for image in image_blocks(entry):
            status, body = get_file(client, image.get_rendition("fill-200x150").url)
            assert status == 200 and body
    assert checked


@pytest.mark.django_db
def test_unknown_files_are_not_served(client, officer):
    assert client.get("/files/media/does-not-exist.mp4").status_code == 404
    assert client.get("/files/../config/settings/base.py").status_code == 404


@pytest.mark.django_db
def test_an_entry_made_restricted_hides_its_images_and_renditions(client, researcher, officer):
    entry = next(e for e in public_entries("vi").specific() if image_blocks(e))
    image = image_blocks(entry)[0]
    rendition_url = image.get_rendition("fill-300x200").url
    assert get_file(client, rendition_url)[0] == 200

    publish_with_access(entry, AccessLevel.RESTRICTED)

    for user in (None, researcher):
        if user:
            client.force_login(user)
        assert get_file(client, image.file.url)[0] == 404
        assert get_file(client, rendition_url)[0] == 404
        assert get_file(client, image.get_rendition("width-100").url)[0] == 404
    client.force_login(officer)
    assert get_file(client, rendition_url)[0] == 200


@pytest.mark.django_db
def test_an_image_added_to_a_restricted_entry_is_not_public(client, restricted_entry):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), (120, 30, 30)).save(buffer, format="JPEG")
    from django.core.files.images import ImageFile

    image = get_image_model().objects.create(
        title="Ảnh hạn chế", collection=Collection.get_first_root_node(), file=ImageFile(buffer, name="han-che.jpg")
    )
    restricted_entry.media.append(("image", {"image": image, "caption": "", "alt_text": ""}))
    restricted_entry.save_revision().publish()
    assert get_file(client, image.file.url)[0] == 404
    assert get_file(client, image.get_rendition("fill-40x40").url)[0] == 404


# Changing access ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_publishing_a_restriction_applies_to_the_english_translation(client):
    entry = public_entries("vi").type(FestivalPage).first().specific
    english = entry.get_translation(Locale.objects.get(language_code="en"))
    assert client.get(english.url).status_code == 200

    publish_with_access(entry, AccessLevel.RESTRICTED)

    assert client.get(entry.url).status_code == 404
    assert client.get(english.url).status_code == 404
    assert english.title not in page_text(client.get(english.get_parent().url))


@pytest.mark.django_db
def test_loosening_one_translation_keeps_the_stricter_level_until_both_agree(client, restricted_entry_en):
    vietnamese = restricted_entry_en.get_translation(Locale.objects.get(language_code="vi"))
    # The demo's restricted entry has a withdrawn consent: its people consent anew first.
    for record in ConsentRecord.objects.filter(entry__translation_key=vietnamese.translation_key):
        ConsentRecord.objects.create(entry=record.entry, contributor=record.contributor, scope=ConsentScope.PUBLIC)
    publish_with_access(vietnamese, AccessLevel.PUBLIC)
    assert client.get(vietnamese.url).status_code == 404
    assert client.get(restricted_entry_en.url).status_code == 404

    publish_with_access(restricted_entry_en, AccessLevel.PUBLIC)
    assert client.get(vietnamese.url).status_code == 200
    assert client.get(restricted_entry_en.url).status_code == 200


@pytest.mark.django_db
def test_a_draft_that_tightens_access_applies_at_once(client, officer):
    entry = public_entries("vi").type(FestivalPage).first().specific
    english = entry.get_translation(Locale.objects.get(language_code="en"))
    group_code = entry.ethnic_groups.first().code
    place_code = entry.places.first().place.code

    client.force_login(officer)
    response = client.post(
        f"/admin/pages/{entry.pk}/edit/",
        festival_form(entry.slug, group_code, place_code, title=entry.title, access_level="restricted"),
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    client.logout()

    entry.refresh_from_db()
    assert entry.access_level == AccessLevel.PUBLIC  # the live version is unchanged...
    assert entry.has_unpublished_changes
    assert client.get(entry.url).status_code == 404  # ...but already closed
    assert client.get(english.url).status_code == 404
    assert entry.title not in page_text(client.get(entry.get_parent().url))


@pytest.mark.django_db
def test_a_draft_that_loosens_access_waits_for_publication(client, officer, restricted_entry):
    restricted_entry.access_level = AccessLevel.PUBLIC
    restricted_entry.save_revision(user=officer)
    request = RequestFactory().post("/admin/")
    request.user = officer
    for hook in hooks.get_hooks("after_edit_page"):
        hook(request, restricted_entry)
    assert client.get(restricted_entry.url).status_code == 404


# Refusals look alike ------------------------------------------------------------------------------

UNKNOWN_KEY = "00000000-0000-0000-0000-000000000000"


def assert_alike(response, address: str, expected, expected_address: str) -> None:
    """Both 404, with the same body once each response's own address (or number) is left out."""
    assert expected.status_code == 404
    assert response.status_code == 404, (address, response.status_code)
    assert response.content.decode().replace(address, "…") == expected.content.decode().replace(expected_address, "…")


@pytest.mark.django_db
def test_the_permalink_of_a_restricted_entry_is_not_found_like_an_unknown_key(client, researcher, restricted_entry):
    for user in (None, researcher):
        if user:
            client.force_login(user)
        unknown = client.get(f"/e/{UNKNOWN_KEY}/", follow=True)  # as the same visitor: the header names them
        response = client.get(f"/e/{restricted_entry.translation_key}/", follow=True)
        assert_alike(response, str(restricted_entry.translation_key), unknown, UNKNOWN_KEY)
        assert restricted_entry.slug not in response.content.decode()


@pytest.mark.django_db
def test_the_permalink_of_a_researcher_entry_asks_to_sign_in_without_naming_it(client, researcher, researchers_entry):
    permalink = f"/e/{researchers_entry.translation_key}/"
    response = client.get(permalink)
    assert login_redirect(response)
    assert researchers_entry.slug not in response["Location"]
    client.force_login(researcher)
    assert client.get(permalink)["Location"] == researchers_entry.url


@pytest.mark.django_db
def test_the_permalink_of_a_public_entry_still_leads_to_it(client):
    entry = public_entries("vi").first()
    response = client.get(f"/e/{entry.translation_key}/", headers={"accept-language": "vi"})
    assert response.status_code == 302
    assert response["Location"] == entry.url


@pytest.mark.django_db
def test_the_api_answers_a_hidden_entry_as_an_unknown_id(client):
    unknown = client.get("/api/v2/pages/999999/", follow=True)
    for entry in EntryPage.objects.exclude(access_level__in=READ_BY_EVERYONE):
        response = client.get(f"/api/v2/pages/{entry.pk}/", follow=True)
        assert_alike(response, f"/{entry.pk}/", unknown, "/999999/")
    public = public_entries("vi").first()
    assert client.get(f"/api/v2/pages/{public.pk}/").json()["title"] == public.title


def password_view(restriction_id: int, page_id: int, language: str = "vi") -> str:
    return f"/{language}/_util/authenticate_with_password/{restriction_id}/{page_id}/"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_password_view_names_no_page_it_does_not_guard(client, language):
    from wagtail.models import PageViewRestriction

    unknown = client.get(password_view(999999, 999999, language))
    hidden = EntryPage.objects.exclude(access_level__in=READ_BY_EVERYONE)
    restriction_ids = list(PageViewRestriction.objects.values_list("pk", flat=True))
    assert restriction_ids
    for entry in hidden:
        own = PageViewRestriction.objects.get(page=entry).pk
        for restriction_id in {own, restriction_ids[0], 999999}:
            response = client.get(password_view(restriction_id, entry.pk, language))
            assert_alike(response, f"/{restriction_id}/{entry.pk}/", unknown, "/999999/999999/")
            assert entry.slug not in response.content.decode()


@pytest.mark.django_db
def test_the_password_view_still_serves_a_password_restriction_on_its_page(client):
    from wagtail.models import PageViewRestriction

    page = EthnicGroupIndexPage.objects.get(locale__language_code="vi")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="mat-khau-thu"
    )
    response = client.get(password_view(restriction.pk, page.pk))
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
    other = public_entries("vi").first()
    assert client.get(password_view(restriction.pk, other.pk)).status_code == 404
