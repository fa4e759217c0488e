"""The demo archive someone sees after `make demo`: enough sample entries to explore, in both
languages, with real (generated) media, clearly marked as sample data."""

import io
import json

import pytest
from PIL import Image as PILImage

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage

from wagtail.images import get_image_model
from wagtail.models import Page
from wagtailmedia.models import get_media_model

from heritage.access import AccessLevel
from heritage.demo.loader import ENTRIES_FILE, load_demo_content
from heritage.models import Contributor, EntryPage, Licence

SAMPLE_MARKERS = ("mẫu", "sample")


def demo_rows():
    return json.loads(ENTRIES_FILE.read_text(encoding="utf-8"))["entries"]


def vietnamese_entries():
    return EntryPage.objects.filter(locale__language_code="vi").specific()


def read(name):
    with default_storage.open(name) as handle:
        return handle.read()


@pytest.mark.django_db
def test_about_twenty_entries_across_groups_and_provinces():
    entries = list(vietnamese_entries())
    assert len(entries) == len(demo_rows())
    assert 15 <= len(entries) <= 30
    assert all(entry.live for entry in entries)
    groups = {group.pk for entry in entries for group in entry.ethnic_groups.all()}
    provinces = {place.place.current_province().pk for entry in entries for place in entry.places.all()}
    assert len(groups) >= 5
    assert len(provinces) >= 4
    assert {type(entry).__name__ for entry in entries} == {"FestivalPage", "CustomPage", "RecordingPage"}


@pytest.mark.django_db
def test_every_entry_has_a_published_english_translation():
    for entry in vietnamese_entries():
        english = EntryPage.objects.get(translation_key=entry.translation_key, locale__language_code="en")
        assert english.live
        assert english.title and english.title != entry.title
        assert english.summary != entry.summary
        assert english.access_level == entry.access_level


@pytest.mark.django_db
@pytest.mark.parametrize("level", [AccessLevel.RESTRICTED, AccessLevel.RESEARCHERS])
def test_there_is_a_non_public_entry_with_media_at_each_level(level):
    entries = vietnamese_entries().filter(access_level=level)
    assert entries.exists()
    assert any(len(entry.media) > 0 for entry in entries)


@pytest.mark.django_db
def test_media_files_are_real_media():
    media = list(get_media_model().objects.all())
    assert any(asset.file.name.endswith(".mp4") for asset in media)
    assert any(asset.type == "audio" for asset in media)
    for asset in media:
        assert default_storage.exists(asset.file.name), asset.file.name
        content = read(asset.file.name)
        assert len(content) > 1000, asset.file.name
        # MP4 and M4A files are ISO base media files: the first box is 'ftyp'.
        assert content[4:8] == b"ftyp", asset.file.name


@pytest.mark.django_db
def test_images_are_real_pictures():
    images = list(get_image_model().objects.all())
    assert images
    for image in images:
        picture = PILImage.open(io.BytesIO(read(image.file.name)))
        picture.verify()
        assert picture.format == "JPEG"
        assert (image.width, image.height) == picture.size


@pytest.mark.django_db
def test_every_media_file_is_used_by_an_entry():
    used_media = {block.value["media"].pk for e in vietnamese_entries() for block in e.audio_video_blocks}
    used_images = {
        block.value["image"].pk for e in vietnamese_entries() for block in e.media if block.block_type == "image"
    }
    assert used_media == set(get_media_model().objects.values_list("pk", flat=True))
    assert used_images == set(get_image_model().objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_loading_again_duplicates_nothing():
    def counts():
        return (
            Page.objects.count(),
            get_image_model().objects.count(),
            get_media_model().objects.count(),
            Contributor.objects.count(),
            get_user_model().objects.count(),
        )

    before = counts()
    report = load_demo_content(with_media=False)
    assert not report.created
    assert counts() == before
    assert {name for name, _ in report.accounts} == {"admin", "officer", "reviewer", "researcher", "visitor"}


@pytest.mark.django_db
def test_accounts_have_the_right_roles():
    users = get_user_model().objects
    assert users.get(username="admin").is_superuser
    assert list(users.get(username="officer").groups.values_list("name", flat=True)) == ["Officers"]
    assert list(users.get(username="reviewer").groups.values_list("name", flat=True)) == ["Reviewers"]
    assert list(users.get(username="researcher").groups.values_list("name", flat=True)) == ["Researchers"]
    assert not users.get(username="researcher").has_perm("wagtailadmin.access_admin")
    assert not users.get(username="visitor").groups.exists()


@pytest.mark.django_db
def test_every_entry_has_a_licence_and_says_it_is_sample_data():
    for entry in EntryPage.objects.all():
        assert entry.licence in Licence.values
        assert entry.licence_url.startswith("https://")
        assert any(marker in entry.attribution.lower() for marker in SAMPLE_MARKERS), entry.attribution


@pytest.mark.django_db
def test_people_in_the_demo_are_marked_as_not_real():
    for entry in vietnamese_entries():
        for row in entry.contributors.all():
            assert any(marker in row.consent_note.lower() for marker in SAMPLE_MARKERS)
