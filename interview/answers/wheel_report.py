"""What the report shows of the Plutchik wheel and of valence/arousal (issue 18): the petals of
the drawing lit by how often each primary showed, the measured accuracies and separations from
the model folders, and the affect summaries in words."""
import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from emotion.affect import affect_path_summary
from emotion.affect_types import AffectPoint
from emotion.wheel_states import INTENSITIES, POLES, WHEEL

MODELS = Path(__file__).resolve().parents[2] / "models"

# Plutchik's conventional colours, basic intensity (the rings fade outwards, darken inwards).
COLOURS = {"joy": "#f5c400", "trust": "#7cc242", "fear": "#1d8a3e", "surprise": "#1c9bd7",
           "sadness": "#2f5fb3", "disgust": "#8e44ad", "anger": "#d7263d", "anticipation": "#f07f1a"}

# FER2013 has no class showing these, so a face never lights them (models/wheel/MODEL_CARD.md).
UNREADABLE_FROM_FACES = frozenset({"trust", "anticipation"})

QUADRANT_WORDS = {"pleasant_activated": "pleasant, activated", "pleasant_calm": "pleasant, calm",
                  "unpleasant_activated": "unpleasant, activated", "unpleasant_calm": "unpleasant, calm",
                  "centre": "near the centre (neutral)"}

# Radii of the drawing's rings (viewBox -100..100): intense inside, mild outside, as Plutchik drew.
RINGS = ((18, 44), (44, 70), (70, 96))


@dataclass(frozen=True)
class Petal:
    primary: str
    forms: tuple[str, str, str]                  # mild, basic, intense
    colour: str
    density: float                               # share of the read frames lit (0: unlit)
    readable: bool
    segments: tuple[tuple[str, str, float, float], ...]  # (path, form, label x, label y), mild..intense
    label_angle: float                           # labels run along the ring, never upside down


def primary_densities(wheel: dict) -> dict[str, float]:
    """The share of the read frames in which each primary pole was lit, in wheel order."""
    counts = dict.fromkeys(WHEEL, 0)
    for moment in wheel["timeline"]:
        for dimension, value in moment["dimensions"].items():
            if value:
                counts[POLES[dimension][0 if value > 0 else 1]] += 1
    frames = len(wheel["timeline"])
    return {primary: count / frames if frames else 0.0 for primary, count in counts.items()}


def _point(radius: float, degrees: float) -> str:
    """A point at ``degrees`` clockwise from the top, as SVG coordinates."""
    angle = math.radians(degrees)
    return f"{radius * math.sin(angle):.2f} {-radius * math.cos(angle):.2f}"


def _segment(inner: float, outer: float, centre: float, half: float = 21.0) -> str:
    start, end = centre - half, centre + half
    return (f"M {_point(inner, start)} L {_point(outer, start)} A {outer} {outer} 0 0 1 {_point(outer, end)} "
            f"L {_point(inner, end)} A {inner} {inner} 0 0 0 {_point(inner, start)} Z")


def petals(wheel: dict) -> list[Petal]:
    """The eight petals, joy at the top and going clockwise in Plutchik's order."""
    densities = primary_densities(wheel)
    found = []
    for index, primary in enumerate(WHEEL):
        centre = index * 45.0
        mild, basic, intense = INTENSITIES[primary]
        segments = []
        for (inner, outer), form in zip(reversed(RINGS), (mild, basic, intense)):
            middle = _point((inner + outer) / 2, centre).split()
            segments.append((_segment(inner, outer, centre), form, float(middle[0]), float(middle[1])))
        found.append(Petal(primary, (mild, basic, intense), COLOURS[primary], round(densities[primary], 3),
                           primary not in UNREADABLE_FROM_FACES, tuple(segments),
                           centre if centre <= 90 else centre - 180 if centre < 270 else centre - 360))
    return found


@cache
def wheel_accuracy() -> list[dict]:
    """Each dimension's accuracy on PublicTest as shipped (head or argmax mapping)."""
    metrics = json.loads((MODELS / "wheel" / "metrics.json").read_text())
    rows = []
    for dimension, figures in metrics["dimensions"].items():
        shipped = figures[figures["shipped"]]
        rows.append({"dimension": dimension.replace("_", " / "), "reader": figures["shipped"],
                     "accuracy": shipped["accuracy"], "macro_f1": shipped["macro_f1"]})
    return rows


@cache
def wheel_whole_state_accuracy() -> float:
    return json.loads((MODELS / "wheel" / "metrics.json").read_text())["whole_state_accuracy"]["shipped"]


@cache
def affect_separation() -> dict[str, dict[str, float]]:
    """Valence and arousal ROC AUCs on labelled data: face PublicTest, voice out-of-fold."""
    validation = json.loads((MODELS / "affect" / "validation.json").read_text())
    channels = {"face": validation["face"]["soft"], "voice": validation["voice"]["out_of_fold"]["soft"]}
    return {channel: {"valence": soft["valence_pleasant_vs_unpleasant"]["auc"],
                      "arousal": soft["arousal_activated_vs_calm"]["auc"]}
            for channel, soft in channels.items()}


def affect_summary(points: list[dict]) -> dict:
    """The stored points' mean and quadrant shares (see :func:`emotion.affect.affect_path_summary`)."""
    return affect_path_summary([AffectPoint(**point) for point in points])


@dataclass(frozen=True)
class AffectChannel:
    name: str                  # "face" or "voice"
    summary: dict              # affect_summary of its points
    separation: dict[str, float]


@dataclass(frozen=True)
class WheelView:
    """What the wheel and affect partials of one report show; None/empty where there is nothing."""

    wheel: dict | None
    petals: list[Petal]
    affect: list[AffectChannel]
    accuracy: list[dict]
    whole_state_accuracy: float
    quadrant_words: dict[str, str] = field(default_factory=lambda: QUADRANT_WORDS)


def wheel_view(report) -> WheelView:
    """Templates: the wheel (video, from the face) and the affect channels of a recorded report;
    both are emotion readings, so they come only from what ``report`` shows (face, voice)."""
    wheel = report.face.get("wheel") if report.face else None
    channels = [AffectChannel(name, affect_summary(reading["affect"]), affect_separation()[name])
                for name, reading in (("face", report.face), ("voice", report.voice))
                if reading and reading.get("affect")]
    return WheelView(wheel, petals(wheel) if wheel else [], channels, wheel_accuracy(), wheel_whole_state_accuracy())
