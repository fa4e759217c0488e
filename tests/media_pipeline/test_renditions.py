"""What an officer's upload becomes: renditions checked and published as a whole."""

import hashlib
import json
import re
from pathlib import Path

import pytest

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from wagtail.models import Collection

from media_pipeline.jobs import process, recover_interrupted_jobs
from media_pipeline.models import MediaAsset, MediaStatus, Rendition
from media_pipeline.profiles import get_profiles
from tests.media_pipeline import sample_files


def stored_path(rendition_or_name) -> Path:
    name = getattr(rendition_or_name, "file", rendition_or_name)
    return Path(default_storage.path(str(name)))


def playlist_entries(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line and not line.startswith("#")]


def make_clip(folder: Path) -> Path:
    return sample_files.make_video(folder, seconds=9, width=854, height=480)


@pytest.fixture
def video(prepared, tmp_path):
    """A clip of its own, for tests that change it."""
    return prepared(make_clip(tmp_path), "video")


@pytest.fixture(scope="module")
def shared_video(django_db_blocker, tmp_path_factory):
    """One clip prepared once for the tests that only read it (or change only database rows,
    which each test's transaction rolls back)."""
    with django_db_blocker.unblock():
        asset = MediaAsset(title="shared clip", type="video", collection=Collection.get_first_root_node())
        with make_clip(tmp_path_factory.mktemp("clip")).open("rb") as handle:
            asset.file.save("shared-clip.mp4", File(handle), save=False)
        asset.save()
        process(asset.pk)
        asset.refresh_from_db()
    yield asset
    with django_db_blocker.unblock():
        asset.delete()


@pytest.fixture
def audio(prepared, tmp_path):
    return prepared(sample_files.make_audio(tmp_path, seconds=9), "audio")


def test_original_is_kept_untouched_with_checksum_size_and_technical_metadata(db, shared_video):
    original = stored_path(shared_video.file.name)
    assert shared_video.status == MediaStatus.READY
    assert shared_video.size_bytes == original.stat().st_size
    assert shared_video.sha256 == hashlib.sha256(original.read_bytes()).hexdigest()
    metadata = shared_video.technical_metadata
    assert "mp4" in metadata["container"]
    codecs = {stream["kind"]: stream for stream in metadata["streams"]}
    assert codecs["video"]["codec"] == "h264" and (codecs["video"]["width"], codecs["video"]["height"]) == (854, 480)
    assert codecs["audio"]["codec"] == "aac" and codecs["audio"]["channels"] and codecs["audio"]["sample_rate"]
    assert shared_video.duration == pytest.approx(9, abs=0.1)
    assert (shared_video.width, shared_video.height) == (854, 480)


def test_video_ladder_never_exceeds_the_source_and_has_an_audio_only_rung(db, shared_video):
    master = stored_path(shared_video.stream)
    text = master.read_text()
    variants = playlist_entries(master)
    # A 480p source gets the 144p, 240p and 360p rungs, not the 720p one; the lowest first,
    # which is where players without a bandwidth estimate start.
    assert variants == ["144p/index.m3u8", "240p/index.m3u8", "360p/index.m3u8", "audio/index.m3u8"]
    assert "RESOLUTION=256x144" in text and "RESOLUTION=428x240" in text and "RESOLUTION=640x360" in text
    assert "1280x720" not in text


def segments(playlist: Path) -> list[tuple[float, int]]:
    """(seconds, bits as sent) of each segment of a media playlist."""
    durations = [float(value) for value in re.findall(r"#EXTINF:([\d.]+),", playlist.read_text())]
    sizes = [(playlist.parent / name).stat().st_size * 8 for name in playlist_entries(playlist)]
    return list(zip(durations, sizes, strict=True))


def wire_rates(playlist: Path) -> list[float]:
    """Bits per second of each segment of a second or more (the shorter opening ones too),
    as sent; the short tail is left out, its fixed headers would dominate it."""
    return [bits / seconds for seconds, bits in segments(playlist) if seconds >= 1]


def window_rates(playlist: Path) -> list[float]:
    """Bits per second of every run of consecutive segments lasting half to 1.5 times the
    playlist's target duration: what RFC 8216bis calls the peak segment bit rate is the
    highest of them."""
    target = int(re.search(r"#EXT-X-TARGETDURATION:(\d+)", playlist.read_text()).group(1))
    parts = segments(playlist)
    rates = []
    for start in range(len(parts)):
        for end in range(start + 1, len(parts) + 1):
            seconds = sum(length for length, _ in parts[start:end])
            if 0.5 * target <= seconds <= 1.5 * target:
                rates.append(sum(bits for _, bits in parts[start:end]) / seconds)
    return rates


def variant_attributes(master: Path) -> dict[str, str]:
    lines = master.read_text().splitlines()
    return {lines[n + 1]: line for n, line in enumerate(lines) if line.startswith("#EXT-X-STREAM-INF:")}


def test_the_lowest_rung_and_the_audio_only_rung_fit_a_2g_3g_link_as_sent(db, shared_video):
    master = stored_path(shared_video.stream)
    lowest = wire_rates(master.parent / "144p" / "index.m3u8")
    audio_only = wire_rates(master.parent / "audio" / "index.m3u8")
    # Measured on the segment files (MPEG-TS overhead included), on a busy test pattern.
    assert lowest and max(lowest) <= 200_000, lowest
    assert audio_only and max(audio_only) <= 48_000, audio_only
    streams = {s["codec_type"]: s for s in sample_files.probe(master.parent / "144p" / "segment_00000.ts")["streams"]}
    assert streams["video"]["height"] == 144 and streams["video"]["r_frame_rate"] == "15/1"
    assert streams["audio"]["codec_name"] == "aac" and streams["audio"]["channels"] == 1
    only = sample_files.probe(master.parent / "audio" / "segment_00000.ts")["streams"]
    assert [(s["codec_type"], s["channels"]) for s in only] == [("audio", 1)]


def test_the_master_playlist_advertises_what_each_rung_really_costs(db, shared_video):
    master = stored_path(shared_video.stream)
    for variant, attributes in variant_attributes(master).items():
        peak = int(re.search(r"[:,]BANDWIDTH=(\d+)", attributes).group(1))
        average = int(re.search(r"AVERAGE-BANDWIDTH=(\d+)", attributes).group(1))
        measured = window_rates(master.parent / variant)
        # A player trusting BANDWIDTH never picks a rung heavier than it says over any few
        # seconds; a short segment (mostly keyframe, or the tail) does not inflate it.
        assert max(measured) <= peak <= max(measured) + 1, (variant, attributes)
        everything = segments(master.parent / variant)
        assert average == pytest.approx(sum(b for _, b in everything) / sum(s for s, _ in everything), abs=1)
        assert average <= peak
        if variant == "audio/index.m3u8":
            assert 'CODECS="mp4a.40.2"' in attributes and "RESOLUTION" not in attributes
        else:
            assert re.search(r'CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2"', attributes), attributes
    lowest = variant_attributes(master)["144p/index.m3u8"]
    assert int(re.search(r"[:,]BANDWIDTH=(\d+)", lowest).group(1)) <= 200_000


def starts_with_a_keyframe(segment: Path) -> bool:
    frames = sample_files._run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-read_intervals", "%+#1"]
        + ["-show_entries", "frame=key_frame", "-of", "json", str(segment)],
        20,
    )
    return json.loads(frames.stdout)["frames"][0]["key_frame"] == 1


def test_hls_starts_with_3_second_segments_then_six_seconds_lined_up_across_rungs(db, shared_video):
    master = stored_path(shared_video.stream)
    durations = {}
    for variant in playlist_entries(master):
        playlist = master.parent / variant
        durations[variant] = [float(value) for value in re.findall(r"#EXTINF:([\d.]+),", playlist.read_text())]
        assert "#EXT-X-ENDLIST" in playlist.read_text()
    video_rungs = [durations["144p/index.m3u8"], durations["240p/index.m3u8"], durations["360p/index.m3u8"]]
    assert video_rungs[0] == video_rungs[1] == video_rungs[2], "keyframes are not aligned across rungs"
    # 3 + 3 s (the first frame after one small download), then 6 s (here the 3 s rest).
    assert video_rungs[0] == pytest.approx([3, 3, 3], abs=0.05)
    for rung in ("144p", "360p"):
        assert all(starts_with_a_keyframe(path) for path in sorted((master.parent / rung).glob("segment_*.ts")))
    # The audio-only rung is a separate output: whole segments from the start.
    assert durations["audio/index.m3u8"] == pytest.approx([6, 3], abs=0.1)
    first_segment = master.parent / "360p" / "segment_00000.ts"
    frames = sample_files.probe(first_segment)
    assert {stream["codec_name"] for stream in frames["streams"]} == {"h264", "aac"}


def test_mp4_fallback_is_faststart_h264_aac_from_the_360p_rung(db, shared_video):
    mp4 = shared_video.download
    assert mp4.role == Rendition.Role.MP4 and mp4.name == "360p" and mp4.mime_type == "video/mp4"
    data = stored_path(mp4).read_bytes()
    assert data.index(b"moov") < data.index(b"mdat"), "moov atom must come first (faststart)"
    streams = {stream["codec_type"]: stream for stream in sample_files.probe(stored_path(mp4))["streams"]}
    assert streams["video"]["codec_name"] == "h264" and streams["video"]["height"] == 360
    assert streams["audio"]["codec_name"] == "aac"
    assert (mp4.width, mp4.height) == (640, 360)


def test_poster_and_thumbnails(db, shared_video):
    from PIL import Image

    with Image.open(stored_path(shared_video.poster)) as poster:
        assert poster.format == "JPEG" and poster.size == (854, 480)
    thumbnails = shared_video.renditions.filter(role=Rendition.Role.THUMBNAIL)
    widths = {rendition.name: rendition.width for rendition in thumbnails}
    assert widths == {thumbnail.name: thumbnail.width for thumbnail in get_profiles().video.thumbnails}


def test_audio_gets_a_loudness_normalised_speech_rendition_stream_and_waveform(audio):
    speech = audio.rendition(Rendition.Role.SPEECH)
    streams = sample_files.probe(stored_path(speech))["streams"]
    assert [(s["codec_name"], s["channels"]) for s in streams] == [("aac", 1)]
    assert playlist_entries(stored_path(audio.stream))[0] == "segment_00000.ts"
    waveform = json.loads(stored_path(audio.waveform).read_text())
    assert waveform["duration"] == pytest.approx(9, abs=0.1)
    assert 0 < max(waveform["peaks"]) <= 1 and len(waveform["peaks"]) <= get_profiles().audio.waveform_peaks
    assert [source["type"] for source in audio.sources] == ["application/vnd.apple.mpegurl", "audio/mp4"]


def test_a_rerun_replaces_renditions_as_a_whole_and_removes_the_old_files(video, django_capture_on_commit_callbacks):
    old_folder = video.stream.folder
    old_files = sorted(path for path in stored_path(old_folder).rglob("*") if path.is_file())
    assert old_files
    with django_capture_on_commit_callbacks(execute=True):
        assert process(video.pk) == "ready"
    video.refresh_from_db()
    new_folders = set(video.renditions.values_list("folder", flat=True))
    assert len(new_folders) == 1 and old_folder not in new_folders
    assert not stored_path(old_folder).exists()
    assert video.renditions.count() == 2 + 1 + len(get_profiles().video.thumbnails)


def test_a_job_whose_worker_died_is_requeued_and_its_partial_upload_removed(
    video, settings, django_capture_on_commit_callbacks
):
    """A worker killed mid-job leaves the asset "processing" with an old heartbeat and maybe
    some uploaded files in its run folder, referenced by nothing."""
    from datetime import timedelta

    from django.utils import timezone

    dead_attempt = "0123456789abcdef0123456789abcdef"
    orphan = f"renditions/{video.pk}/{dead_attempt}/hls/240p/segment_00000.ts"
    default_storage.save(orphan, open(stored_path(video.download), "rb"))
    MediaAsset.objects.filter(pk=video.pk).update(
        status=MediaStatus.PROCESSING, attempt=dead_attempt, heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    published = video.stream.folder
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert recover_interrupted_jobs() == [video.pk]
    assert len(callbacks) == 1  # the job is enqueued again
    assert not default_storage.exists(orphan)
    # The published renditions stayed in place and are still served meanwhile.
    assert stored_path(published).exists()
    video.refresh_from_db()
    assert video.status == MediaStatus.QUEUED


def test_a_fresh_job_is_not_taken_for_a_dead_one(db, shared_video):
    from django.utils import timezone

    MediaAsset.objects.filter(pk=shared_video.pk).update(status=MediaStatus.PROCESSING, heartbeat_at=timezone.now())
    assert recover_interrupted_jobs() == []


def test_replacing_the_original_queues_a_new_job(video, tmp_path, django_capture_on_commit_callbacks):
    from django.core.files import File

    replacement = sample_files.make_video(tmp_path, seconds=2, name="new.mp4")
    with django_capture_on_commit_callbacks(execute=False) as callbacks, replacement.open("rb") as handle:
        video.file.save("new.mp4", File(handle), save=False)
        video.save()
    assert len(callbacks) == 1
    video.refresh_from_db()
    assert video.status == MediaStatus.QUEUED and video.sha256 == ""
    video.title = "renamed"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        video.save()
    assert callbacks == []


def test_verify_fixity_passes_then_reports_a_changed_original(audio, capsys):
    call_command("verify_fixity")
    assert "intact, 0 not." in capsys.readouterr().out
    original = stored_path(audio.file.name)
    data = bytearray(original.read_bytes())
    data[len(data) // 2] ^= 0xFF
    original.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="1 not"):
        call_command("verify_fixity", str(audio.pk))
    assert audio.file.name in capsys.readouterr().err


def test_a_changed_original_fails_the_next_job(audio):
    original = stored_path(audio.file.name)
    original.write_bytes(original.read_bytes() + b"\0")
    assert process(audio.pk) == "failed: fixity_mismatch"


def test_preparing_again_for_a_new_ladder_keeps_the_recording_playing_until_the_swap(
    video, django_capture_on_commit_callbacks
):
    old_master = video.stream
    with django_capture_on_commit_callbacks(execute=False) as queued:
        call_command("prepare_media_again", "--type", "video")
    assert queued, "nothing was queued"
    video.refresh_from_db()
    assert video.status == MediaStatus.QUEUED
    # Meanwhile the page still plays the published renditions.
    assert video.is_ready and [source["src"] for source in video.sources][0] == old_master.url
    assert process(video.pk) == "ready"
    assert MediaAsset.objects.get(pk=video.pk).stream.folder != old_master.folder


def test_a_replaced_original_does_not_play_the_old_recordings_renditions(video, tmp_path):
    assert video.is_ready and video.sources  # positive control
    with sample_files.make_video(tmp_path, seconds=5, name="other.mp4").open("rb") as handle:
        video.file.save("other.mp4", File(handle), save=False)
    video.save()
    video.refresh_from_db()
    assert video.status == MediaStatus.QUEUED
    assert not video.is_ready and video.sources == []


def test_measured_bandwidth_replaces_the_estimate_once_and_skips_the_short_tail(tmp_path):
    from media_pipeline.renditions import advertise_measured_bandwidth

    (tmp_path / "low").mkdir()
    (tmp_path / "low" / "a.ts").write_bytes(b"x" * 150_000)  # 200 kbit/s over 6 s
    (tmp_path / "low" / "b.ts").write_bytes(b"x" * 30_000)  # 100 kbit/s over 2.4 s
    (tmp_path / "low" / "c.ts").write_bytes(b"x" * 5_000)  # 400 kbit/s, but only 0.1 s
    (tmp_path / "low" / "index.m3u8").write_text(
        "#EXTM3U\n#EXTINF:6.000000,\na.ts\n#EXTINF:2.400000,\nb.ts\n#EXTINF:0.100000,\nc.ts\n#EXT-X-ENDLIST\n"
    )
    master = tmp_path / "master.m3u8"
    master.write_text(
        "#EXTM3U\n#EXT-X-VERSION:6\n"
        '#EXT-X-STREAM-INF:BANDWIDTH=156200,RESOLUTION=256x144,CODECS="avc1.4d400b,mp4a.40.2"\nlow/index.m3u8\n\n'
        '#EXT-X-STREAM-INF:BANDWIDTH=52800,CODECS="mp4a.40.2"\nmissing/index.m3u8\n'
    )
    for _ in range(2):  # a second run (a re-run of the step) changes nothing more
        advertise_measured_bandwidth(master)
    text = master.read_text()
    assert "#EXT-X-STREAM-INF:BANDWIDTH=200000,AVERAGE-BANDWIDTH=174118,RESOLUTION=256x144," in text
    assert text.count("AVERAGE-BANDWIDTH") == 1
    assert '#EXT-X-STREAM-INF:BANDWIDTH=52800,CODECS="mp4a.40.2"\nmissing/index.m3u8' in text


def test_measured_bandwidth_is_not_inflated_by_a_keyframe_heavy_first_second(tmp_path):
    """With short opening segments (a profile may have them), the first second (mostly
    keyframe) runs far above the rung's rate; a BANDWIDTH taken from it would make players think the lowest rung does
    not fit a 3G link. The peak is over runs of 3 to 9 s (half to 1.5 times the target)."""
    from media_pipeline.renditions import advertise_measured_bandwidth

    (tmp_path / "low").mkdir()
    layout = [(1, 40_000), (1, 20_000), (2, 40_000), (2, 40_000), (6, 120_000), (6, 135_000), (0.2, 9_000)]
    playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n"
    for number, (seconds, size) in enumerate(layout):
        (tmp_path / "low" / f"s{number}.ts").write_bytes(b"x" * size)
        playlist += f"#EXTINF:{seconds:.6f},\ns{number}.ts\n"
    (tmp_path / "low" / "index.m3u8").write_text(playlist + "#EXT-X-ENDLIST\n")
    master = tmp_path / "master.m3u8"
    master.write_text('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=156200,CODECS="avc1.4d400b,mp4a.40.2"\nlow/index.m3u8\n')
    advertise_measured_bandwidth(master)
    peak = int(re.search(r"[:,]BANDWIDTH=(\d+)", master.read_text()).group(1))
    # The first second alone is 320 kbit/s; the heaviest 3-9 s run is 1 s + 1 s + 2 s at 200 kbit/s.
    assert peak == 200_000
    # The 6 s segment at 180 kbit/s and every other run of 3-9 s fit under it.
    assert 135_000 * 8 / 6 <= peak
