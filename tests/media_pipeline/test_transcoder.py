"""Our interface to ffmpeg: progress, time limits and errors, independent of Django."""

import json
import re
import subprocess

import pytest

from media_pipeline import transcoder
from media_pipeline.intake import ALLOWED_FORMATS
from media_pipeline.profiles import Rung
from tests.media_pipeline import sample_files


def test_progress_is_reported_and_reaches_the_end(tmp_path):
    clip = sample_files.make_video(tmp_path, seconds=6)
    source = transcoder.untrusted_input(clip, allowed_formats=ALLOWED_FORMATS, max_pixels=10**7)
    arguments = transcoder.still_frame(source, tmp_path / "still.jpg", max_width=320, quality=80)
    seen = []
    slow = transcoder.ffmpeg.input(f"file:{clip}", re=None).output(str(tmp_path / "copy.mp4"), c="copy")
    transcoder.run(transcoder.compile_arguments(slow), timeout=30, duration=6, on_progress=seen.append)
    assert len(seen) >= 3, seen
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1, abs=0.1)
    transcoder.run(arguments, timeout=30)
    assert (tmp_path / "still.jpg").stat().st_size > 0


def test_a_run_over_its_time_limit_is_killed(tmp_path):
    clip = sample_files.make_video(tmp_path, seconds=6)
    realtime = transcoder.ffmpeg.input(f"file:{clip}", re=None).output(str(tmp_path / "copy.mp4"), c="copy")
    with pytest.raises(transcoder.TranscodeTimeoutError):
        transcoder.run(transcoder.compile_arguments(realtime), timeout=1)


def test_ffmpeg_errors_carry_ffmpegs_own_words(tmp_path):
    missing = transcoder.ffmpeg.input(f"file:{tmp_path / 'nothing.mp4'}").output(str(tmp_path / "out.mp4"))
    with pytest.raises(transcoder.TranscoderError) as failure:
        transcoder.run(transcoder.compile_arguments(missing), timeout=10)
    assert "No such file" in failure.value.detail


def segment_durations(playlist) -> list[float]:
    return [float(value) for value in re.findall(r"#EXTINF:([\d.]+),", playlist.read_text())]


def starts_with_a_keyframe(segment) -> bool:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-read_intervals", "%+#1"]
        + ["-show_entries", "frame=key_frame,pict_type", "-of", "json", str(segment)],
        capture_output=True,
        check=True,
        timeout=20,
    )
    first = json.loads(result.stdout)["frames"][0]
    return first["key_frame"] == 1 and first["pict_type"] == "I"


def test_shorter_first_segments_line_up_across_rungs_and_leave_the_audio_only_rung_alone(tmp_path):
    """A 60 fps phone clip: x264 would add keyframes of its own every 250 frames (4.2 s) in
    the full-rate rung, and each would cut a segment there and not in the 15 fps rung."""
    clip = sample_files.make_video(tmp_path, seconds=13)
    sixty = tmp_path / "sixty.mp4"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(clip), "-vf", "fps=60", "-c:a", "copy", str(sixty)],
        check=True,
        timeout=60,
    )
    rungs = (Rung("144p", 144, 110, 32, 1, max_fps=15), Rung("240p", 240, 300, 64))
    for name in ("144p", "240p", "audio"):
        (tmp_path / "hls" / name).mkdir(parents=True)
    arguments = transcoder.hls_ladder(
        transcoder.untrusted_input(sixty, allowed_formats=ALLOWED_FORMATS, max_pixels=10**7),
        tmp_path / "hls",
        rungs,
        audio_only_name="audio",
        audio_only_kbps=36,
        audio_only_channels=1,
        has_audio=True,
        segment_seconds=6,
        first_segments=(3, 3),
        preset="ultrafast",
        source_fps=60,
    )
    transcoder.run(arguments, timeout=120)
    for rung in ("144p", "240p"):
        playlist = tmp_path / "hls" / rung / "index.m3u8"
        assert segment_durations(playlist) == pytest.approx([3, 3, 6, 1], abs=0.07), rung
        assert "#EXT-X-TARGETDURATION:6" in playlist.read_text()
        segments = sorted(playlist.parent.glob("segment_*.ts"))
        assert len(segments) == 4 and all(starts_with_a_keyframe(segment) for segment in segments), rung
    # The audio-only rung keeps whole segments: it is not cut at the video's shorter ones.
    audio = segment_durations(tmp_path / "hls" / "audio" / "index.m3u8")
    assert audio == pytest.approx([6, 6, 1], abs=0.1)
    master = (tmp_path / "hls" / "master.m3u8").read_text()
    assert "144p/index.m3u8" in master and "240p/index.m3u8" in master and "audio/" not in master


@pytest.mark.parametrize(
    ("first_segments", "segment_seconds", "keyframes"),
    [
        ((), 6, [0, 6, 12]),
        ((1, 1, 2, 2), 6, [0, 1, 2, 4, 6, 12]),
        ((1.5, 2.5), 4, [0, 1.5, 4, 8, 12]),
        ((2, 2, 2), 5, [0, 2, 4, 6, 11]),
    ],
)
def test_keyframes_come_where_the_schedule_puts_them(tmp_path, first_segments, segment_seconds, keyframes):
    clip = sample_files.make_video(tmp_path, seconds=13, width=64, height=36)
    output = tmp_path / "keyframes.mp4"
    source = transcoder.untrusted_input(clip, allowed_formats=ALLOWED_FORMATS, max_pixels=10**7)
    encoded = source.video.output(
        str(output),
        vcodec="libx264",
        preset="ultrafast",
        sc_threshold=0,
        g=1000,
        force_key_frames=transcoder.keyframe_schedule(first_segments, segment_seconds),
    )
    transcoder.run(transcoder.compile_arguments(encoded), timeout=60)
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-skip_frame", "nokey"]
        + ["-show_entries", "frame=pts_time", "-of", "csv=p=0", str(output)],
        capture_output=True,
        check=True,
        timeout=20,
    )
    assert [float(line.strip(",")) for line in result.stdout.decode().split()] == pytest.approx(keyframes, abs=0.04)
