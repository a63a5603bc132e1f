"""The fused audio-visual reading of an answer (emotion/fusion.py): small, frozen, stored as
JSON with the answer (interview/results.py, schema 6)."""
from dataclasses import dataclass

BOTH, FACE_ONLY, VOICE_ONLY = "both", "face", "voice"   # which channels a reading rests on


@dataclass(frozen=True)
class FusedWindow:
    """One stretch of the answer: the emotion read from face and voice together, or from the
    one channel there was (``source``); ``face_contribution`` (0-1) is the face's share of the
    evidence for the emotion read, None where only one channel was there."""

    start: float
    end: float
    source: str
    probabilities: dict[str, float]
    face_contribution: float | None = None

    @property
    def dominant(self) -> str:
        return max(self.probabilities, key=self.probabilities.get)


@dataclass(frozen=True)
class FusionReading:
    """The whole answer's fused reading, its stretches, and what it rests on.

    ``accuracy``: measured on validation pairs ({"fused", "face_only", "voice_only"}, 0-1);
    ``voice_only_share``: the share of the answer's stretches read from the voice alone (no
    face in view), ``face_only_share`` likewise (no speech)."""

    probabilities: dict[str, float]
    dominant_emotion: str
    face_contribution: float | None
    windows: tuple[FusedWindow, ...]
    face_weight: float
    accuracy: dict[str, float]
    voice_only_share: float = 0.0
    face_only_share: float = 0.0
    method: str = "late fusion"
