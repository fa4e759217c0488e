"""The ladder is data (profiles.json); what it may say about HLS segments is checked when
it is read, so a typo cannot make a ladder that stalls phones or breaks rung switching."""

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from media_pipeline.profiles import DEFAULT_PROFILES_FILE, parse_profiles

SHIPPED = json.loads(DEFAULT_PROFILES_FILE.read_text(encoding="utf-8"))


def with_segments(segment_seconds, first_segments=None, audio_segment_seconds=6) -> dict:
    data = copy.deepcopy(SHIPPED)
    data["video"]["hls"]["segment_seconds"] = segment_seconds
    data["audio"]["hls"]["segment_seconds"] = audio_segment_seconds
    if first_segments is None:
        data["video"]["hls"].pop("first_segments_seconds", None)
    else:
        data["video"]["hls"]["first_segments_seconds"] = first_segments
    return data


def test_the_shipped_ladder_starts_with_two_3_second_segments_then_six_seconds():
    video = parse_profiles(SHIPPED).video
    assert video.segment_seconds == 6
    assert video.first_segments_seconds == (3, 3)


def test_a_ladder_without_short_first_segments_is_still_accepted():
    assert parse_profiles(with_segments(6)).video.first_segments_seconds == ()


@pytest.mark.parametrize(
    ("segment_seconds", "first_segments", "audio_segment_seconds"),
    [
        (3, [1], 6),  # regular segments too short: a request (a round trip) every 3 s
        (7, [1], 6),
        (6, [1], 3),  # the recordings' audio-only HLS too
        (6, [1, 1, 2, 2], 6),  # 1 s: Chromium's own HLS misjudges the link from it and climbs
        (6, [2.9, 3], 6),
        (6, [3, 7], 6),  # longer than the segments that follow
        (6, [0], 6),
        (6, [-1], 6),
        (6, [3, 3, 3, 4], 6),  # 13 s of shorter segments: more than two segments' time
    ],
)
def test_segments_outside_the_rule_are_refused(segment_seconds, first_segments, audio_segment_seconds):
    with pytest.raises(ValueError, match="HLS segments"):
        parse_profiles(with_segments(segment_seconds, first_segments, audio_segment_seconds))


@settings(max_examples=150, deadline=None)
@given(
    segment_seconds=st.integers(min_value=0, max_value=12),
    first_segments=st.lists(st.floats(min_value=-2, max_value=14, allow_nan=False), max_size=8),
)
def test_any_segment_layout_is_accepted_exactly_when_it_keeps_the_rule(segment_seconds, first_segments):
    keeps_rule = (
        4 <= segment_seconds <= 6
        and all(3 <= seconds <= segment_seconds for seconds in first_segments)
        and sum(first_segments) <= 2 * segment_seconds
    )
    data = with_segments(segment_seconds, first_segments)
    if keeps_rule:
        assert parse_profiles(data).video.first_segments_seconds == tuple(first_segments)
    else:
        with pytest.raises(ValueError, match="HLS segments"):
            parse_profiles(data)
