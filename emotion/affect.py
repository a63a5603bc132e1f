"""Valence and arousal over an answer, derived from the face and voice emotion probabilities.

We have no continuous valence/arousal labels (FER2013 and RAVDESS are categorical), so no
model is trained here: each moment's reading is the probability-weighted mean of published
circumplex coordinates of the seven emotions (valence = sum p_k v_k, arousal = sum p_k a_k),
then smoothed over a short centred window. A moment with no face (or a silent window) stays a
gap (None) and never becomes a zero. How well this separates the emotions is measured in
models/affect/MODEL_CARD.md (``python -m training.validate_affect``).
"""
from bisect import bisect_left, bisect_right
from typing import Iterable, Mapping, Sequence

from emotion.affect_types import AffectPoint
from emotion.base import FACE_CLASSES, TimelinePoint
from emotion.speech_types import SPEECH_CLASSES, SpeechWindow


# NRC Valence, Arousal and Dominance Lexicon v1.0 (Mohammad 2018, "Obtaining Reliable Human
# Ratings of Valence, Arousal, and Dominance for 20,000 English Words", ACL 2018): best-worst
# scaling ratings in 0..1 of the emotion nouns, read from NRC-VAD-Lexicon.txt (columns word,
# valence, arousal, dominance). Stored as published; rescaled to -1..1 below.
NRC_VAD_2018 = {           # word: (valence, arousal) in 0..1
    "anger": (0.167, 0.865),
    "disgust": (0.052, 0.775),
    "fear": (0.073, 0.840),
    "joy": (0.980, 0.824),
    "sadness": (0.052, 0.288),
    "surprise": (0.875, 0.875),
    "neutral": (0.469, 0.184),   # not used: see NEUTRAL below
}


def _rescaled(word: str) -> tuple[float, float]:
    valence, arousal = NRC_VAD_2018[word]
    return round(2 * valence - 1, 3), round(2 * arousal - 1, 3)


# The classifiers' "neutral" means "no expression", the centre of Russell's (1980) circumplex,
# so it sits at the origin by convention (not a published number). The lexicon rates the *word*
# "neutral" as a calm one (-0.06, -0.63 rescaled), which would read every expressionless face as
# strongly low-arousal; the card compares the two placements.
NEUTRAL = (0.0, 0.0)
EMOTION_COORDINATES = {
    "anger": _rescaled("anger"),       # (-0.666, 0.730)
    "disgust": _rescaled("disgust"),   # (-0.896, 0.550)
    "fear": _rescaled("fear"),         # (-0.854, 0.680)
    "joy": _rescaled("joy"),           # (0.960, 0.648)
    "sadness": _rescaled("sadness"),   # (-0.896, -0.424)
    "surprise": _rescaled("surprise"),  # (0.750, 0.750)
    "neutral": NEUTRAL,
}
# Each classifier's class names -> the lexicon's emotion nouns.
FACE_WORDS = dict(zip(FACE_CLASSES, ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")))
VOICE_WORDS = dict(zip(SPEECH_CLASSES, ("neutral", "joy", "sadness", "anger", "fear", "disgust", "surprise")))
FACE_COORDINATES = {name: EMOTION_COORDINATES[word] for name, word in FACE_WORDS.items()}
VOICE_COORDINATES = {name: EMOTION_COORDINATES[word] for name, word in VOICE_WORDS.items()}

# Smoothing: a centred window, its full width in seconds. Faces are read 5 times a second and
# single frames are noisy; 1 s (5 frames) still keeps a half-second expression's peak (facial
# expressions last about 0.5-4 s). Voice windows are already 3 s long with a 1 s hop; 2 s
# averages a window with its two neighbours (5 s of sound in all).
FACE_SMOOTHING_SECONDS = 1.0
VOICE_SMOOTHING_SECONDS = 2.0

# No class sits in "pleasant_calm" and no mixture reaches it (for positive valence the hull's
# lowest edge runs from neutral to joy): from these models its share is 0 (see the card).
QUADRANTS = ("pleasant_activated", "pleasant_calm", "unpleasant_activated", "unpleasant_calm", "centre")
CENTRE_RADIUS = 0.2   # closer than this to the origin: near-neutral, in no quadrant


def reading(probabilities: Mapping[str, float], coordinates: Mapping[str, tuple[float, float]]) -> tuple[float, float]:
    """(valence, arousal) of one set of class probabilities: their weighted mean coordinates."""
    total = sum(probabilities.get(name, 0.0) for name in coordinates)
    if total <= 0:
        raise ValueError("the probabilities hold none of the classes with coordinates")
    valence = sum(probabilities.get(name, 0.0) * v for name, (v, _) in coordinates.items()) / total
    arousal = sum(probabilities.get(name, 0.0) * a for name, (_, a) in coordinates.items()) / total
    return valence, arousal


def smoothed(points: Sequence[AffectPoint], window_seconds: float) -> tuple[AffectPoint, ...]:
    """Each reading replaced by the mean of the readings within window_seconds/2 of it; gaps
    stay gaps and are left out of their neighbours' means."""
    half = window_seconds / 2 + 1e-6
    present = sorted((p for p in points if p.valence is not None), key=lambda p: p.time)
    times = [p.time for p in present]
    result = []
    for point in points:
        if point.valence is None:
            result.append(point)
            continue
        near = present[bisect_left(times, point.time - half): bisect_right(times, point.time + half)]
        result.append(AffectPoint(time=point.time, valence=_clipped(sum(p.valence for p in near) / len(near)),
                                  arousal=_clipped(sum(p.arousal for p in near) / len(near))))
    return tuple(result)


def face_affect(timeline: Iterable[TimelinePoint], window_seconds: float = FACE_SMOOTHING_SECONDS) -> tuple[AffectPoint, ...]:
    """Valence and arousal of a face timeline; frames without a face are gaps (None)."""
    raw = [_point(p.time, p.probabilities if p.face_found else None, FACE_COORDINATES) for p in timeline]
    return smoothed(raw, window_seconds)


def voice_affect(windows: Iterable[SpeechWindow], window_seconds: float = VOICE_SMOOTHING_SECONDS) -> tuple[AffectPoint, ...]:
    """Valence and arousal of a voice timeline at each window's centre; silence is a gap (None)."""
    raw = [_point((w.start + w.end) / 2, w.probabilities if w.speech else None, VOICE_COORDINATES) for w in windows]
    return smoothed(raw, window_seconds)


def affect_path_summary(points: Sequence[AffectPoint]) -> dict:
    """Mean valence and arousal over the readings, and the share of them (the moments are evenly
    spaced, so the share of time) in each quadrant, or near the centre; gaps are counted apart."""
    present = [p for p in points if p.valence is not None]
    summary = {"readings": len(present), "gaps": len(points) - len(present),
               "mean_valence": None, "mean_arousal": None, "quadrant_share": {name: 0.0 for name in QUADRANTS}}
    if not present:
        return summary
    counts = dict.fromkeys(QUADRANTS, 0)
    for p in present:
        counts[quadrant(p.valence, p.arousal)] += 1
    summary["mean_valence"] = round(sum(p.valence for p in present) / len(present), 3)
    summary["mean_arousal"] = round(sum(p.arousal for p in present) / len(present), 3)
    summary["quadrant_share"] = {name: round(count / len(present), 3) for name, count in counts.items()}
    return summary


def quadrant(valence: float, arousal: float) -> str:
    if valence * valence + arousal * arousal < CENTRE_RADIUS * CENTRE_RADIUS:
        return "centre"
    return ("pleasant_" if valence >= 0 else "unpleasant_") + ("activated" if arousal >= 0 else "calm")


def _point(time: float, probabilities, coordinates) -> AffectPoint:
    if not probabilities:
        return AffectPoint(time=float(time), valence=None, arousal=None)
    valence, arousal = reading(probabilities, coordinates)
    return AffectPoint(time=float(time), valence=_clipped(valence), arousal=_clipped(arousal))


def _clipped(value: float) -> float:
    return round(min(1.0, max(-1.0, value)), 4)
