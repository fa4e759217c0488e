"""Our interface to ffmpeg: progress, time limits and errors, independent of Django."""

import pytest

from media_pipeline import transcoder
from media_pipeline.intake import ALLOWED_FORMATS
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
