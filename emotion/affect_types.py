"""Valence and arousal at one moment (:mod:`emotion.affect`): a frozen, ``asdict``-friendly
result type that imports nothing of the project, so :mod:`emotion.base` can hold it."""
from dataclasses import dataclass


@dataclass(frozen=True)
class AffectPoint:
    time: float                  # seconds from the start (a voice window's centre)
    valence: float | None        # -1 (unpleasant) .. 1 (pleasant); None: no face / silence
    arousal: float | None        # -1 (calm) .. 1 (activated); None: no face / silence
