"""A caption's language is chosen from the archive's languages and stored as the tag the
players use, so captions in the page's language are on by default; old free-text values
are mapped, and a value that names no language is kept and reported, never dropped."""

import importlib

import pytest

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from heritage.models import Language
from media_pipeline.caption_languages import to_caption_code
from media_pipeline.models import CaptionTrack, MediaAsset

GOOD = "WEBVTT\n\n00:00.000 --> 00:01.000\nXin chào\n"
migration = importlib.import_module("media_pipeline.migrations.0008_caption_language_codes")


@pytest.mark.parametrize(
    ("written", "code"),
    [("Tiếng Việt", "vi"), ("tieng viet", "vi"), ("VI", "vi"), ("vie", "vi"), ("English", "en"), ("eng", "en"),
     ("Tày", "tyz"), ("tyz", "tyz"), ("Tiếng Tày", "tyz"), ("Klingon", None), ("", None)],
)  # fmt: skip
def test_old_values_map_to_the_players_tags(db, written, code):
    assert to_caption_code(written, Language.objects.all()) == code


def test_the_migration_maps_names_and_keeps_what_it_cannot(db, capsys):
    asset = MediaAsset.objects.filter(type="audio").first()
    asset.captions.all().delete()
    named = CaptionTrack.objects.create(asset=asset, language="Tiếng Việt", label="Tiếng Việt", file="a.vtt")
    unknown = CaptionTrack.objects.create(asset=asset, language="Klingon", label="?", file="b.vtt", kind="subtitles")
    migration.codes_for_caption_languages(apps, None)
    named.refresh_from_db()
    unknown.refresh_from_db()
    assert named.language == "vi"
    assert unknown.language == "Klingon"
    assert f"Caption track {unknown.pk} kept its language “Klingon”" in capsys.readouterr().out


def test_a_name_is_refused_and_a_code_accepted_in_the_admin(admin_client):
    asset = MediaAsset.objects.filter(type="audio").first()
    url = "/admin/snippets/media_pipeline/captiontrack/add/"
    form = {"asset": asset.pk, "label": "Tiếng Việt", "kind": "subtitles"}
    page = admin_client.get(url).content.decode()
    assert '<option value="vi">' in page and '<option value="tyz">' in page
    refused = admin_client.post(
        url, {**form, "language": "Tiếng Việt", "file": SimpleUploadedFile("x.vtt", GOOD.encode())}
    )
    assert refused.status_code == 200
    assert not CaptionTrack.objects.filter(asset=asset, label="Tiếng Việt", kind="subtitles").exists()
    accepted = admin_client.post(url, {**form, "language": "vi", "file": SimpleUploadedFile("x.vtt", GOOD.encode())})
    assert accepted.status_code == 302
    assert CaptionTrack.objects.filter(asset=asset, language="vi", kind="subtitles").exists()


def test_a_track_keeps_an_unknown_value_visible_when_edited(admin_client):
    asset = MediaAsset.objects.filter(type="audio").first()
    track = CaptionTrack.objects.create(asset=asset, language="Klingon", label="?", file="c.vtt", kind="subtitles")
    page = admin_client.get(f"/admin/snippets/media_pipeline/captiontrack/edit/{track.pk}/").content.decode()
    assert '<option value="Klingon" selected>' in page


def test_the_model_refuses_free_text(db):
    asset = MediaAsset.objects.filter(type="audio").first()
    with pytest.raises(ValidationError) as refused:
        CaptionTrack(asset=asset, language="Tiếng Việt", label="x").clean()
    assert "language" in refused.value.message_dict
