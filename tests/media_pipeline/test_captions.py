"""Captions and transcripts as WebVTT: validated on upload, kept as cues, offered as
tracks by the players, served with the same access as the recording."""

import pytest

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from heritage.access import AccessLevel
from heritage.models import EntryPage
from media_pipeline.captions import read_cues
from media_pipeline.models import CaptionTrack, MediaAsset

GOOD = "WEBVTT\n\n00:00.000 --> 00:02.500\nXin chào\n\n00:02.500 --> 00:05.000\n<v Bà Lan>Hát then\n"


def test_cues_are_read_with_times_and_plain_text():
    assert read_cues(GOOD.encode()) == [
        {"start": 0.0, "end": 2.5, "text": "Xin chào"},
        {"start": 2.5, "end": 5.0, "text": "Hát then"},
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"1\n00:00:01,000 --> 00:00:02,000\nSRT, not WebVTT\n", "WEBVTT"),
        (b"WEBVTT\n\n00:03.000 --> 00:01.000\nbackwards\n", "before it starts"),
        (b"WEBVTT\n\n00:05.000 --> 00:06.000\nb\n\n00:01.000 --> 00:02.000\na\n", "above it"),
        (b"WEBVTT\n\n01:00.000 --> 01:02.000\nlate\n", "after the recording ends"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\nchào\n".encode("utf-16"), "UTF-8"),
        (b"WEBVTT\n\n", "no cues"),
    ],
)
def test_bad_caption_files_are_refused_with_the_reason(content, message, settings):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(ValidationError) as refusal:
        read_cues(content, duration=10)
    assert message in " ".join(refusal.value.messages)


def demo_entry(level: str) -> EntryPage:
    for page in EntryPage.objects.filter(access_level=level, locale__language_code="vi").specific():
        if page.audio_video_blocks:
            return page
    raise LookupError(level)


def test_officers_add_captions_in_the_admin_and_bad_files_are_refused(admin_client):
    asset = MediaAsset.objects.filter(type="audio").first()
    url = "/admin/snippets/media_pipeline/captiontrack/add/"
    form = {"asset": asset.pk, "language": "tyz", "label": "Tày", "kind": "captions"}
    bad = admin_client.post(
        url, {**form, "file": SimpleUploadedFile("x.vtt", b"not captions")}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert bad.status_code == 200
    assert not CaptionTrack.objects.filter(asset=asset, language="tyz").exists()
    good = admin_client.post(url, {**form, "file": SimpleUploadedFile("x.vtt", GOOD.encode())})
    assert good.status_code == 302
    track = CaptionTrack.objects.get(asset=asset, language="tyz")
    assert [cue["text"] for cue in track.cues] == ["Xin chào", "Hát then"]
    # Opened from the recording's page, the recording is filled in.
    prefilled = admin_client.get(f"{url}?asset={asset.pk}").content.decode()
    assert f'value="{asset.pk}"' in prefilled


def test_players_offer_every_caption_language_and_the_tracks_are_served(db, client):
    entry = demo_entry(AccessLevel.PUBLIC)
    asset = entry.audio_video_blocks[0].value["media"]
    page = client.get(entry.url).content.decode()
    for track in asset.captions.all():
        assert f'srclang="{track.language}"' in page
        assert f'src="{track.url}"' in page
        response = client.get(track.url)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/vtt")
        assert b"".join(response.streaming_content).startswith(b"WEBVTT")
    assert 'srclang="vi" label="Tiếng Việt" src="' in page and "default>" in page


def test_tracks_of_restricted_recordings_are_not_served(db, client):
    asset = demo_entry(AccessLevel.RESTRICTED).audio_video_blocks[0].value["media"]
    track = asset.captions.first()
    assert client.get(track.url).status_code == 404
    assert client.get(asset.stream.url).status_code == 404
