"""The frozen results of the Plutchik wheel reading (:mod:`emotion.wheel`): small, plain, no
framework objects, so the video pipeline can store them and the report can show them."""
from dataclasses import dataclass

# The four ternary dimensions, in the order of a dimensions row: +1 is the first-named pole,
# -1 the second, 0 neither.
DIMENSIONS = ("joy_sadness", "trust_disgust", "fear_anger", "surprise_anticipation")


@dataclass(frozen=True)
class WheelMoment:
    """One sampled frame with a face: its four dimensions (+1 / 0 / -1) and the state's name."""

    time: float                   # seconds from the start
    dimensions: dict[str, int]    # keyed by DIMENSIONS
    state: str                    # e.g. "calm", "joy", "love"


@dataclass(frozen=True)
class WheelInterval:
    """A stretch of the answer (merged windows) and the states present in it, each named in
    the form its density calls for (e.g. "ecstasy" for dense joy, "serenity" for sparse)."""

    start: float
    end: float
    states: tuple[str, ...]       # strongest first; empty where no state passed the threshold
    density: float                # share of the stretch's read frames in its leading state


@dataclass(frozen=True)
class NarrativePart:
    """One phrase of the narrative and the moment it describes (None: the answer as a whole)."""

    text: str
    start: float | None


@dataclass(frozen=True)
class WheelReading:
    timeline: tuple[WheelMoment, ...]
    intervals: tuple[WheelInterval, ...]
    narrative: str
    narrative_parts: tuple[NarrativePart, ...]
