"""Files officers might upload by mistake, or that someone might craft: each is refused
with a readable reason on the asset, before anything is transcoded or fetched."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from django.core.files.storage import default_storage
from django.utils import translation

from wagtail.images import get_image_model

from media_pipeline.failures import MediaRejectedError
from media_pipeline.intake import check_image
from media_pipeline.jobs import process
from media_pipeline.models import MediaAsset, MediaStatus, Rendition
from tests.media_pipeline import sample_files


class CountingHandler(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        CountingHandler.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"x" * 188)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def listening_server():
    """A server on the loopback that records any request a crafted file makes ffmpeg send."""
    CountingHandler.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/segment.ts"
    server.shutdown()
    server.server_close()


def assert_refused(asset, code: str, words: str) -> None:
    """Failed with `code`; the reason reads as `words` in English and is translated."""
    asset.refresh_from_db()
    assert asset.status == MediaStatus.FAILED, (asset.status, asset.failure_code)
    assert asset.failure_code == code
    with translation.override("en"):
        english = asset.failure_message
    with translation.override("vi"):
        vietnamese = asset.failure_message
    assert words in english
    assert vietnamese and vietnamese != english, "the reason is not translated into Vietnamese"
    assert not Rendition.objects.filter(asset=asset).exists()
    # Nothing of the failed run is left in the store.
    assert (
        default_storage.listdir(f"renditions/{asset.pk}")[0] == []
        if default_storage.exists(f"renditions/{asset.pk}")
        else True
    )


BAD_FILES = [
    ("zero-byte", lambda folder, url: sample_files.make_zero_byte(folder), "video", "empty", "empty"),
    (
        "random bytes named .mp4",
        lambda folder, url: sample_files.make_random_bytes(folder),
        "video",
        "unreadable",
        "not an audio or video file",
    ),
    (
        "text named .mp3",
        lambda folder, url: sample_files.make_text_as_mp3(folder),
        "audio",
        "unreadable",
        "not an audio or video file",
    ),
    (
        "HLS playlist pointing at /etc/passwd and the loopback",
        lambda folder, url: sample_files.make_hls_playlist_with_local_and_network_refs(folder, url),
        "video",
        "unreadable",
        "not an audio or video file",
    ),
    (
        "ffconcat script",
        lambda folder, url: sample_files.make_ffconcat(folder),
        "video",
        "unreadable",
        "not an audio or video file",
    ),
    (
        "video claiming 16000x16000",
        lambda folder, url: sample_files.make_huge_video(folder),
        "video",
        "too_many_pixels",
        "16000 × 16000",
    ),
    (
        "40-channel audio",
        lambda folder, url: sample_files.make_many_channels(folder),
        "audio",
        "too_many_channels",
        "40 channels",
    ),
]


@pytest.mark.parametrize(
    ("maker", "media_type", "code", "words"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_bad_file_is_refused_with_a_reason_and_fetches_nothing(
    upload, tmp_path, listening_server, maker, media_type, code, words
):
    path = maker(tmp_path, listening_server)
    asset = upload(path, media_type)
    assert process(asset.pk) == f"failed: {code}"
    assert_refused(asset, code, words)
    assert CountingHandler.requests == []


def test_a_file_over_the_duration_limit_is_refused(upload, tmp_path, settings):
    settings.MEDIA_MAX_DURATION_SECONDS = 5
    asset = upload(sample_files.make_long_audio(tmp_path, seconds=8), "audio")
    process(asset.pk)
    assert_refused(asset, "too_long", "lasts 0:08")


def test_content_must_match_the_claimed_type(upload, tmp_path):
    """A real MP3 renamed .m4a is not what it claims to be."""
    mp3 = sample_files.make_audio(tmp_path, seconds=2, name="speech.mp3")
    asset = upload(mp3, "audio", name="speech.m4a")
    process(asset.pk)
    assert_refused(asset, "type_mismatch", "named “.m4a” but its content is in MP3 format")


def test_a_truncated_mp4_fails_on_the_output_check(upload, tmp_path):
    """ffprobe reads the header and believes the full length; ffmpeg decodes what is there
    and exits 0. Only the check of the output's duration catches it."""
    path = sample_files.make_truncated_mp4(tmp_path)
    assert float(sample_files.probe(path)["format"]["duration"]) == pytest.approx(6, abs=0.1)
    asset = upload(path, "video")
    process(asset.pk)
    assert_refused(asset, "incomplete_output", "truncated")


def test_a_run_past_its_timeout_is_stopped_and_reported(upload, tmp_path, settings):
    settings.MEDIA_TIMEOUT_BASE_SECONDS = 0.2
    settings.MEDIA_TIMEOUT_PER_SECOND = 0
    asset = upload(sample_files.make_video(tmp_path, seconds=4), "video")
    process(asset.pk)
    assert_refused(asset, "timed_out", "longer than allowed")


def test_the_next_job_still_runs_after_a_refused_one(upload, tmp_path):
    bad = upload(sample_files.make_random_bytes(tmp_path), "video")
    good = upload(sample_files.make_audio(tmp_path, seconds=2), "audio")
    assert process(bad.pk) == "failed: unreadable"
    assert process(good.pk) == "ready"


def test_an_image_with_a_huge_declared_size_is_refused(admin_client, tmp_path):
    path = sample_files.make_huge_image(tmp_path)
    with path.open("rb") as handle:
        response = admin_client.post("/admin/images/add/", {"title": "bomb", "file": handle, "collection": 1})
    assert response.status_code == 200
    assert "120 000 000" in response.content.decode()
    assert not get_image_model().objects.filter(title="bomb").exists()


@pytest.mark.parametrize("side", [12_000, 100_000])
def test_pillow_decompression_bomb_warning_is_an_error(tmp_path, side):
    """Between the limit and twice the limit Pillow only warns; the archive refuses too."""
    path = sample_files.make_huge_image(tmp_path, width=side, height=side)
    with pytest.raises(MediaRejectedError) as refusal, path.open("rb") as handle:
        check_image(handle)
    assert refusal.value.code == "image_too_large"
    assert refusal.value.params["pixels"] == side * side


def test_a_huge_poster_is_refused_on_the_media_form(admin_client, tmp_path):
    video = sample_files.make_video(tmp_path, seconds=1)
    poster = sample_files.make_huge_image(tmp_path, width=12_000, height=12_000)
    with video.open("rb") as file, poster.open("rb") as thumbnail:
        response = admin_client.post(
            "/admin/media/video/add/",
            {"title": "big poster", "file": file, "thumbnail": thumbnail, "collection": 1},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert "144 000 000" in response.content.decode()
    assert not MediaAsset.objects.filter(title="big poster").exists()


def test_an_empty_upload_is_refused_by_the_form(admin_client, tmp_path):
    path = sample_files.make_zero_byte(tmp_path)
    with path.open("rb") as handle:
        response = admin_client.post(
            "/admin/media/video/add/", {"title": "nothing", "file": handle, "collection": 1}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    content = response.content.decode()
    assert "empty" in content or "trống" in content


def test_limits_path_is_local_file(tmp_path: Path):
    """Probing never follows a name that looks like a URL: it is opened as a local file."""
    from media_pipeline import transcoder

    weird = tmp_path / "http:"
    weird.mkdir()
    clip = sample_files.make_audio(weird, seconds=1)
    result = transcoder.probe(clip, timeout=10, allowed_formats=["mov", "mp4", "m4a"])
    assert result.duration == pytest.approx(1, abs=0.1)
