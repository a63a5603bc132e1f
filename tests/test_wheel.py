"""The Plutchik wheel (issue 18): the 81-state table, intervals and narrative on hand-built
answers, the stored heads, and (slow) the real model on the labelled timeline clip."""
import csv
import json
import subprocess
import sys

import numpy as np
import pytest

import emotion.wheel_states as wheel_states
from emotion.wheel import FACE_CLASS_DIMENSIONS, HEADS_FILE, WheelHeads
from emotion.wheel_states import DYADS, INTENSITIES, POLES, STATES, adjective, primaries
from emotion.wheel_timeline import PRESENT_SHARE, wheel_reading
from emotion.wheel_types import DIMENSIONS
from tests.conftest import FIXTURES

FPS = 5
CALM, JOY, SAD, FEAR, SURPRISE = (0, 0, 0, 0), (1, 0, 0, 0), (-1, 0, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1)


def answer(seconds: float, look, fps: int = FPS):
    """Times and rows for an answer ``seconds`` long; ``look(t)`` gives each frame's row."""
    times = [i / fps for i in range(int(seconds * fps))]
    return times, [look(t) for t in times]


# --- the table ---------------------------------------------------------------------------------

def test_all_81_states_have_distinct_names():
    assert len(STATES) == 81
    assert all(set(state) <= {-1, 0, 1} for state in STATES)
    assert len(set(STATES.values())) == 81 and all(STATES.values())


def test_opposite_poles_never_blend():
    opposites = [set(poles) for poles in POLES.values()]
    for state in STATES:
        assert not any(pair <= set(primaries(state)) for pair in opposites)
    assert not any(set(pair) in opposites for pair in DYADS)
    assert len(DYADS) == 24


@pytest.mark.parametrize("state, name", [
    ((1, 1, 0, 0), "love"), ((1, 0, 1, 0), "guilt"), ((0, 0, 1, -1), "anxiety"), ((1, 0, 0, 1), "delight"),
    ((0, 0, 0, 0), "calm"), ((1, 0, 0, 0), "joy"), ((0, -1, 0, 0), "disgust"), ((0, 0, -1, 0), "anger"),
    ((0, 0, 0, -1), "anticipation"), ((-1, -1, 0, 0), "remorse"), ((0, -1, -1, 0), "contempt"),
    ((0, 0, 1, 1), "awe"), ((-1, 0, 0, 1), "disapproval"), ((1, 0, -1, 0), "pride"),
])
def test_named_states(state, name):
    assert STATES[state] == name


def test_three_or_four_poles_are_named_by_their_closest_dyad_and_marked_mixed():
    assert STATES[(1, 1, 1, 0)] == "love with fear (mixed)"      # joy+trust adjacent, before trust+fear
    assert STATES[(1, 1, 1, 1)] == "love with awe (mixed)"
    mixed = [name for state, name in STATES.items() if sum(map(abs, state)) >= 3]
    assert len(mixed) == 48 and all(name.endswith("(mixed)") for name in mixed)


def test_every_state_and_form_has_an_adjective_and_the_sources_are_cited():
    names = set(STATES.values()) | {name for forms in INTENSITIES.values() for name in forms}
    assert all(adjective(name) for name in names)
    assert adjective("love with fear (mixed)") == "mixed (loving and fearful)"
    assert "Plutchik (1980)" in wheel_states.__doc__ and "Plutchik (2001)" in wheel_states.__doc__


# --- intervals and narrative ---------------------------------------------------------------------

def test_a_calm_answer_is_one_calm_interval():
    reading = wheel_reading(*answer(45, lambda t: CALM))
    assert [(iv.start, iv.end, iv.states, iv.density) for iv in reading.intervals] == [(0.0, 45.0, ("calm",), 1.0)]
    assert reading.narrative == "Your face looked calm for most of the answer."
    assert reading.narrative_parts[0].start is None
    assert len(reading.timeline) == 225 and reading.timeline[0].state == "calm"
    assert reading.timeline[0].dimensions == dict.fromkeys(DIMENSIONS, 0)


def test_a_stretch_of_fear_is_found_timed_and_told():
    reading = wheel_reading(*answer(45, lambda t: FEAR if 12 <= t < 20 else CALM))
    leading = [iv.states[0] for iv in reading.intervals]
    assert leading[0] == leading[-1] == "calm" and "terror" in leading  # held fear reads strong
    assert len(reading.intervals) == 5  # windows with the same states merged: calm, edge, fear, edge, calm
    fear = reading.intervals[leading.index("terror")]
    assert (fear.start, fear.end) == (13.5, 19.5)  # each window owns its middle 3 s
    assert reading.narrative == ("Your face looked calm for most of the answer; calm, at times fearful from 0:10 "
                                 "to 0:14; terrified from 0:14 to 0:20; calm, at times apprehensive from 0:20 to 0:22.")
    assert [part.start for part in reading.narrative_parts] == [None, 10.5, 13.5, 19.5]


def test_windows_are_in_seconds_not_frames():
    look = lambda t: JOY if t >= 30 else CALM
    slow, fast = wheel_reading(*answer(45, look, fps=5)), wheel_reading(*answer(45, look, fps=10))
    assert [(iv.start, iv.end, iv.states) for iv in slow.intervals] == [(iv.start, iv.end, iv.states) for iv in fast.intervals]
    assert slow.narrative.endswith("; calm, at times joyful from 0:28 to 0:32; ecstatic at the end (from 0:32).")


@pytest.mark.parametrize("every, form", [(1, "ecstasy"), (2, "joy"), (3, "serenity")])
def test_density_picks_the_strong_basic_or_mild_form(every, form):
    times, rows = answer(12, lambda t: JOY if round(t * FPS) % every == 0 else CALM)
    (interval,) = wheel_reading(times, rows).intervals
    assert [name for name in interval.states if name in INTENSITIES["joy"]] == [form]
    assert interval.density == pytest.approx(1.0 if every == 1 else 0.5 if every == 2 else 2 / 3, abs=0.02)


def test_a_state_under_the_presence_threshold_is_not_present():
    every = int(1 / PRESENT_SHARE) + 1  # 1 frame in 5: a fifth of each window
    reading = wheel_reading(*answer(30, lambda t: SAD if round(t * FPS) % every == 0 else CALM))
    assert [iv.states for iv in reading.intervals] == [("calm",)]


def test_no_face_is_out_of_view():
    reading = wheel_reading(*answer(30, lambda t: None))
    assert reading.intervals[0].states == () and reading.intervals[0].density == 0.0
    assert reading.narrative == "Your face was not in view." and reading.timeline == ()
    gap = wheel_reading(*answer(45, lambda t: None if 15 <= t < 27 else SURPRISE))
    assert "out of view from 0:1" in gap.narrative and gap.narrative.startswith("Your face looked amazed")


def test_rows_may_be_one_array_and_lengths_must_agree():
    times, rows = answer(10, lambda t: JOY)
    assert wheel_reading(times, np.array(rows)).intervals[0].states == ("ecstasy",)
    with pytest.raises(ValueError):
        wheel_reading(times[:-1], rows)


# --- the heads -------------------------------------------------------------------------------------

def synthetic_heads(method: str) -> WheelHeads:
    arrays = {}
    for dim in DIMENSIONS:  # a head that reads feature 0 > 0 as +1, else 0
        arrays.update({f"{dim}_weights": np.array([[0.0, 1.0], [0.0, 0.0]], np.float32),
                       f"{dim}_bias": np.zeros(2, np.float32), f"{dim}_classes": np.array([0, 1]),
                       f"{dim}_method": np.array(method)})
    return WheelHeads(arrays)


def test_heads_read_features_or_map_the_argmax():
    features = np.array([[1.0, 0.0], [-1.0, 0.0]], np.float32)
    probabilities = np.eye(7)[[3, 0]]  # happy, angry
    assert synthetic_heads("head").dimensions(features, probabilities).tolist() == [[1, 1, 1, 1], [0, 0, 0, 0]]
    assert synthetic_heads("argmax").dimensions(features, probabilities).tolist() == [[1, 0, 0, 0], [0, 0, -1, 0]]


def test_the_stored_heads_match_their_metrics_and_never_light_trust_or_anticipation():
    heads = WheelHeads.load(HEADS_FILE)
    metrics = json.loads((HEADS_FILE.parent / "metrics.json").read_text())
    assert {dim: metrics["dimensions"][dim]["shipped"] for dim in DIMENSIONS} == heads.methods
    assert 1 not in heads.arrays["trust_disgust_classes"] and -1 not in heads.arrays["surprise_anticipation_classes"]
    assert 1 not in FACE_CLASS_DIMENSIONS[:, 1] and -1 not in FACE_CLASS_DIMENSIONS[:, 3]


def test_importing_the_wheel_loads_neither_tensorflow_nor_flask():
    code = "import sys, emotion.wheel; print('tensorflow' in sys.modules, 'flask' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.split() == ["False", "False"]


# --- the real model on the labelled timeline clip ------------------------------------------------

POLE_OF_LABEL = {"neutral": None, "happy": ("joy_sadness", 1), "fear": ("fear_anger", 1),
                 "surprise": ("surprise_anticipation", 1), "sad": ("joy_sadness", -1), "angry": ("fear_anger", -1)}


@pytest.fixture(scope="module")
def timeline_clip_reading():
    from emotion.face import get_face_analyzer
    from emotion.video import face_timeline
    from emotion.wheel import WheelFrames

    detector = get_face_analyzer().detector
    frames = WheelFrames(detector)
    face_timeline(FIXTURES / "av" / "timeline_1.mp4", detector, None, frames_per_second=5, frame_readers=(frames,))
    return frames.reading()


def timeline_segments():
    with open(FIXTURES / "av" / "labels.csv", newline="") as labels:
        return [(row["face_emotion"], float(row["start"]), float(row["end"]))
                for row in csv.DictReader(labels) if row["file"] == "timeline_1"]


@pytest.mark.slow
@pytest.mark.parametrize("label, start, end", timeline_segments())
def test_the_timeline_clip_reads_as_its_labels(timeline_clip_reading, label, start, end):
    moments = [m for m in timeline_clip_reading.timeline if start <= m.time < end]
    assert len(moments) >= 10
    if POLE_OF_LABEL[label] is None:
        share = np.mean([m.state == "calm" for m in moments])
    else:
        dim, pole = POLE_OF_LABEL[label]
        share = np.mean([m.dimensions[dim] == pole for m in moments])
    assert share > 0.5, f"{label}: {share:.2f} of {len(moments)} frames read its pole"


@pytest.mark.slow
def test_the_timeline_clips_narrative_follows_it(timeline_clip_reading):
    parts = timeline_clip_reading.narrative_parts
    happy = next(part for part in parts if "joyful" in part.text or "ecstatic" in part.text)
    assert 2.0 <= happy.start <= 5.0
    assert any("surprised" in part.text or "amazed" in part.text for part in parts)
    assert timeline_clip_reading.narrative.startswith("Your face")
