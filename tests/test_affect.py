"""Valence and arousal from emotion probabilities: hand-built timelines, then the real models on
the fixture clip (slow)."""
import numpy as np
import pytest

from emotion.affect import (EMOTION_COORDINATES, FACE_COORDINATES, NRC_VAD_2018, VOICE_COORDINATES, AffectPoint,
                            affect_path_summary, face_affect, smoothed, voice_affect)
from emotion.base import FACE_CLASSES, TimelinePoint
from emotion.speech_types import SPEECH_CLASSES, SpeechWindow
from tests.conftest import FIXTURES

AV = FIXTURES / "av"


def face(time, dominant=None, share=0.9):
    """A timeline point: no face when ``dominant`` is None, else ``share`` on it, the rest spread."""
    if dominant is None:
        return TimelinePoint(time=time, face_found=False, probabilities=None)
    rest = (1 - share) / (len(FACE_CLASSES) - 1)
    return TimelinePoint(time=time, face_found=True,
                         probabilities={name: share if name == dominant else rest for name in FACE_CLASSES})


def voice(start, dominant=None, share=0.9):
    if dominant is None:
        return SpeechWindow(start=start, end=start + 3, speech=False)
    rest = (1 - share) / (len(SPEECH_CLASSES) - 1)
    return SpeechWindow(start=start, end=start + 3, speech=True,
                        probabilities={name: share if name == dominant else rest for name in SPEECH_CLASSES})


# --- coordinates ----------------------------------------------------------------------------

def test_every_class_of_both_models_has_coordinates_inside_the_square():
    assert set(FACE_COORDINATES) == set(FACE_CLASSES) and set(VOICE_COORDINATES) == set(SPEECH_CLASSES)
    for valence, arousal in EMOTION_COORDINATES.values():
        assert -1 <= valence <= 1 and -1 <= arousal <= 1


def test_coordinates_are_the_published_ratings_rescaled():
    for word in ("anger", "disgust", "fear", "joy", "sadness", "surprise"):
        valence, arousal = NRC_VAD_2018[word]
        assert EMOTION_COORDINATES[word] == pytest.approx((2 * valence - 1, 2 * arousal - 1), abs=1e-3)
    assert EMOTION_COORDINATES["neutral"] == (0.0, 0.0)


def test_face_and_voice_name_the_same_emotion_the_same_place():
    pairs = {"angry": "angry", "disgust": "disgust", "fear": "fearful", "happy": "happy", "sad": "sad",
             "surprise": "surprised", "neutral": "neutral"}
    for face_name, voice_name in pairs.items():
        assert FACE_COORDINATES[face_name] == VOICE_COORDINATES[voice_name]


# --- face -----------------------------------------------------------------------------------

def test_a_happy_face_reads_pleasant_and_a_sad_one_unpleasant_and_calm():
    happy = face_affect([face(0.0, "happy")])[0]
    sad = face_affect([face(0.0, "sad")])[0]
    assert happy.valence > 0.5 and happy.arousal > 0.3
    assert sad.valence < -0.5 and sad.arousal < 0


def test_frames_without_a_face_stay_gaps_never_zeros():
    timeline = [face(0.0, "happy"), face(0.2), face(0.4, "happy"), face(0.6), face(0.8)]
    points = face_affect(timeline)
    assert [p.time for p in points] == [0.0, 0.2, 0.4, 0.6, 0.8]
    assert [p.valence is None for p in points] == [False, True, False, True, True]
    assert all(p.arousal is None for p in points if p.valence is None)


def test_a_recording_with_no_face_at_all_is_all_gaps():
    points = face_affect([face(t / 5) for t in range(10)])
    assert all(p.valence is None and p.arousal is None for p in points)
    summary = affect_path_summary(points)
    assert summary["mean_valence"] is None and summary["gaps"] == 10 and summary["readings"] == 0


def test_smoothing_averages_neighbours_within_the_window_only():
    timeline = [face(0.0, "happy", 1.0), face(0.2, "sad", 1.0), face(0.4, "happy", 1.0), face(2.0, "sad", 1.0)]
    points = face_affect(timeline, window_seconds=1.0)
    happy_v, sad_v = FACE_COORDINATES["happy"][0], FACE_COORDINATES["sad"][0]
    assert points[1].valence == pytest.approx((2 * happy_v + sad_v) / 3, abs=1e-3)
    assert points[3].valence == pytest.approx(sad_v, abs=1e-3)   # 1.6 s from the others: alone
    unsmoothed = face_affect(timeline, window_seconds=0.0)
    assert unsmoothed[1].valence == pytest.approx(sad_v, abs=1e-3)


def test_smoothing_keeps_random_readings_inside_the_square():
    rng = np.random.default_rng(0)
    timeline = []
    for i in range(200):
        p = rng.dirichlet(np.full(len(FACE_CLASSES), 0.3))
        timeline.append(TimelinePoint(time=i / 5, face_found=bool(rng.random() > 0.2),
                                      probabilities=dict(zip(FACE_CLASSES, p.tolist()))))
    for window in (0.0, 1.0, 5.0):
        for p in face_affect(timeline, window_seconds=window):
            if p.valence is not None:
                assert -1 <= p.valence <= 1 and -1 <= p.arousal <= 1


def test_probabilities_that_do_not_quite_sum_to_one_are_normalised():
    rounded = TimelinePoint(time=0.0, face_found=True,
                            probabilities={name: (0.6 if name == "angry" else 0.066) for name in FACE_CLASSES})
    point = face_affect([rounded])[0]   # the probabilities sum to 0.996
    assert -1 <= point.valence <= 1 and -1 <= point.arousal <= 1


# --- voice ----------------------------------------------------------------------------------

def test_an_angry_voice_reads_activated_and_a_sad_one_calm():
    angry = voice_affect([voice(0.0, "angry")])[0]
    sad = voice_affect([voice(0.0, "sad")])[0]
    assert angry.arousal > 0.5 and angry.valence < 0
    assert sad.arousal < 0


def test_voice_points_sit_at_window_centres_and_silence_is_a_gap():
    points = voice_affect([voice(0.0, "angry"), voice(1.0), voice(2.0, "happy")])
    assert [p.time for p in points] == [1.5, 2.5, 3.5]
    assert points[1].valence is None and points[1].arousal is None
    assert points[0].valence is not None and points[2].valence is not None


# --- summary --------------------------------------------------------------------------------

def test_summary_gives_means_and_quadrant_shares_over_readings_only():
    points = [AffectPoint(0.0, 0.8, 0.6), AffectPoint(0.2, 0.8, 0.6), AffectPoint(0.4, -0.7, -0.5),
              AffectPoint(0.6, None, None), AffectPoint(0.8, 0.05, -0.05)]
    summary = affect_path_summary(points)
    assert summary["readings"] == 4 and summary["gaps"] == 1
    assert summary["mean_valence"] == pytest.approx((0.8 + 0.8 - 0.7 + 0.05) / 4, abs=1e-3)
    shares = summary["quadrant_share"]
    assert shares["pleasant_activated"] == 0.5 and shares["unpleasant_calm"] == 0.25 and shares["centre"] == 0.25
    assert sum(shares.values()) == pytest.approx(1.0)


def test_smoothed_keeps_times_and_order():
    points = [AffectPoint(1.0, 0.5, 0.5), AffectPoint(0.0, -0.5, -0.5)]
    assert [p.time for p in smoothed(points, 1.0)] == [1.0, 0.0]


# --- the validation and imbalance scripts' pieces -------------------------------------------

def test_validation_ranks_emotions_by_the_derived_values():
    from training.validate_affect import affect_scores

    labels = np.repeat(np.arange(len(FACE_CLASSES)), 3)
    probabilities = np.eye(len(FACE_CLASSES))[labels] * 0.7 + 0.3 / len(FACE_CLASSES)
    scores = affect_scores(probabilities, labels, FACE_CLASSES,
                           dict(zip(FACE_CLASSES, ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral"))))
    assert scores["soft"]["valence_pleasant_vs_unpleasant"]["auc"] == 1.0
    assert scores["soft"]["arousal_activated_vs_calm"]["auc"] == 1.0
    assert scores["soft"]["by_true_emotion"]["joy"]["mean_valence"] > 0.5


def test_imbalance_schemes_keep_or_weight_the_rows_they_say():
    from training.imbalance_study import training_rows

    labels = np.repeat(np.arange(len(FACE_CLASSES)), [40, 5, 40, 70, 45, 30, 50])
    rng = np.random.default_rng(0)
    rows, weights = training_rows("none", labels, rng)
    assert len(rows) == len(labels) and weights is None
    rows, weights = training_rows("class_weights_sqrt", labels, rng)
    per_class = [weights[labels == k][0] for k in range(len(FACE_CLASSES))]
    assert per_class[1] == max(per_class) and per_class[3] == min(per_class) and np.isclose(np.mean(per_class), 1.0)
    rows, _ = training_rows("downsample_to_smallest", labels, rng)
    assert np.bincount(labels[rows]).tolist() == [5] * len(FACE_CLASSES)
    rows, _ = training_rows("downsample_to_cap", labels, rng)
    assert np.bincount(labels[rows]).tolist() == [30, 5, 30, 30, 30, 30, 30]


# --- the real models on the fixture clip (slow) ---------------------------------------------

@pytest.mark.slow
def test_real_face_timeline_reads_the_happy_segment_as_the_most_pleasant():
    """timeline_1: neutral 0-3.5 s, happy 3.5-7, fear 7-10.8, surprise -14, sad -17.6, angry -20.9."""
    from emotion.face import get_face_analyzer

    timeline = get_face_analyzer().analyze_video(AV / "timeline_1.mp4", frames_per_second=5).timeline
    points = face_affect(timeline)
    assert len(points) == len(timeline)
    for point, frame in zip(points, timeline):
        assert (point.valence is None) == (not frame.face_found)
        if point.valence is not None:
            assert -1 <= point.valence <= 1 and -1 <= point.arousal <= 1

    def mean_valence(start, end):
        return np.mean([p.valence for p in points if p.valence is not None and start + 0.5 < p.time < end - 0.5])

    assert mean_valence(3.48, 7.0) > 0.2
    assert mean_valence(3.48, 7.0) > max(mean_valence(14.04, 17.64), mean_valence(17.64, 20.88)) + 0.3


@pytest.fixture(scope="module")
def voice_fixtures():
    """Voice timelines of the fixture clips (RAVDESS actors 19 and 20, whom the speech model
    heard in training: this checks the plumbing, not how well new voices are read)."""
    from emotion.speech import get_speech_analyzer

    analyzer = get_speech_analyzer()
    return {name: analyzer.analyze_audio(AV / f"{name}.mp4").timeline
            for name in ("angry_1", "angry_2", "neutral_1", "neutral_2")}


@pytest.mark.slow
def test_real_voice_timeline_gives_a_reading_per_window_inside_the_square(voice_fixtures):
    for windows in voice_fixtures.values():
        points = voice_affect(windows)
        assert [p.time for p in points] == [(w.start + w.end) / 2 for w in windows]
        for point, window in zip(points, windows):
            assert (point.valence is None) == (not window.speech)
            if point.valence is not None:
                assert -1 <= point.valence <= 1 and -1 <= point.arousal <= 1


@pytest.mark.slow
def test_real_angry_voices_read_more_activated_than_neutral_ones(voice_fixtures):
    arousal = {name: affect_path_summary(voice_affect(windows))["mean_arousal"]
               for name, windows in voice_fixtures.items()}
    assert min(arousal["angry_1"], arousal["angry_2"]) > 0.4
    assert min(arousal["angry_1"], arousal["angry_2"]) > max(arousal["neutral_1"], arousal["neutral_2"]) + 0.2
