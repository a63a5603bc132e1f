"""Audio-visual fusion: one emotion reading of a video answer from its face and its voice.

Served: late fusion, the weighted geometric mean of the face model's and the voice model's
probabilities (both calibrated: the voice's tempered LDA, the face ensemble's temperature in
emotion.face_calibration), with the face's weight from ``models/fusion/fusion.json``.
Of the designs measured side by side on validation pairs (models/fusion/MODEL_CARD.md) it read
best: the design's feature-level network (frame features pre-trained by masked-frame
prediction, pooled, fused by a dense layer) came out 5.5 points lower even with its voice frames
read as the served voice model hears them (the Whisper encoder). Its training code is
training/train_fusion.py.

Over time the answer is read in the voice model's windows (3 s, every second): in each, the
mean of the face frames seen and the voice's reading. Where no face was in view a window rests
on the voice alone, where no one spoke on the face alone, and says so (``source``).
"""
import json
from pathlib import Path

import numpy as np

from emotion import registry
from emotion.base import FACE_CLASSES, FaceAnalysis, VoiceAnalysis
from emotion.errors import ModelUnavailable
from emotion.fusion_types import BOTH, FACE_ONLY, VOICE_ONLY, FusedWindow, FusionReading

FUSION_FILE = Path(__file__).resolve().parent.parent / "models" / "fusion" / "fusion.json"
# The voice model's class names where they differ from the face model's (FER2013's).
VOICE_NAMES = {"fearful": "fear", "surprised": "surprise"}
FLOOR = 1e-6   # probabilities are floored before the logarithm: one model's 0 must not veto


def load_settings(path: Path = FUSION_FILE) -> dict:
    """{"face_weight": 0-1, "accuracy": {"fused", "face_only", "voice_only"}, ...}."""
    try:
        settings = json.loads(Path(path).read_text())
        weight = float(settings["face_weight"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ModelUnavailable(f"fusion settings missing or damaged: {path} ({error})") from error
    if not 0.0 <= weight <= 1.0:
        raise ModelUnavailable(f"fusion settings damaged: face_weight {weight} is not within 0-1 ({path})")
    return settings


def face_order(probabilities: dict[str, float]) -> np.ndarray:
    """A reading's probabilities (face or voice class names) as an array in FACE_CLASSES order."""
    named = {VOICE_NAMES.get(name, name): value for name, value in probabilities.items()}
    return np.array([named[name] for name in FACE_CLASSES], np.float64)


def fuse(face: np.ndarray | None, voice: np.ndarray | None, face_weight: float) -> tuple[np.ndarray, float | None]:
    """(fused probabilities, the face's share of the evidence for the emotion read, or None when
    one channel is missing). The share compares how far each channel, weighted, lifts the
    chosen emotion above its own average log-probability."""
    if face is None or voice is None:
        return (face if voice is None else voice), None
    logs = {"face": np.log(np.maximum(face, FLOOR)), "voice": np.log(np.maximum(voice, FLOOR))}
    scores = face_weight * logs["face"] + (1 - face_weight) * logs["voice"]
    fused = np.exp(scores - scores.max())
    fused /= fused.sum()
    chosen = int(fused.argmax())
    lift_face = face_weight * (logs["face"][chosen] - logs["face"].mean())
    lift_voice = (1 - face_weight) * (logs["voice"][chosen] - logs["voice"].mean())
    lifts = max(lift_face, 0.0) + max(lift_voice, 0.0)
    return fused, (round(float(max(lift_face, 0.0) / lifts), 3) if lifts > 0 else 0.5)


class FusionReader:
    """Reads a video answer's face and voice analyses together (settings loaded once)."""

    def __init__(self, settings_file: Path = FUSION_FILE):
        self._settings = registry.Lazy(lambda: load_settings(settings_file))

    @property
    def settings(self) -> dict:
        return self._settings.get()

    def read(self, face: FaceAnalysis | None, voice: VoiceAnalysis | None) -> FusionReading | None:
        """The fused reading; None unless both channels were read (emotions on, a face and speech)."""
        if face is None or voice is None or voice.summary is None:
            return None
        weight = float(self.settings["face_weight"])
        windows = tuple(window for window in (self._window(face, span, weight) for span in voice.timeline) if window)
        probabilities, contribution = fuse(face_order(face.summary.mean_probabilities),
                                           face_order(voice.summary.mean_probabilities), weight)
        named = {name: round(float(p), 5) for name, p in zip(FACE_CLASSES, probabilities)}
        share = lambda source: round(sum(w.source == source for w in windows) / len(windows), 3) if windows else 0.0
        return FusionReading(probabilities=named, dominant_emotion=max(named, key=named.get),
                             face_contribution=contribution, windows=windows, face_weight=weight,
                             accuracy=dict(self.settings.get("accuracy", {})),
                             voice_only_share=share(VOICE_ONLY), face_only_share=share(FACE_ONLY))

    def stretch(self, face_timeline, voice_windows, start: float, end: float) -> dict[str, np.ndarray | None]:
        """{"face", "voice", "fused"}: probabilities (FACE_CLASSES order) of start-end, or None
        for a channel with nothing there: the mean of the face frames seen in it, of the voice
        windows centred in it, and the two fused."""
        face, voice = _channels(face_timeline, voice_windows, start, end)
        fused = None if face is None and voice is None else fuse(face, voice, float(self.settings["face_weight"]))[0]
        return {"face": face, "voice": voice, "fused": fused}

    @staticmethod
    def _window(face: FaceAnalysis, span, weight: float) -> FusedWindow | None:
        face_probabilities, voice_probabilities = _channels(face.timeline, (span,), span.start, span.end)
        if face_probabilities is None and voice_probabilities is None:
            return None
        probabilities, contribution = fuse(face_probabilities, voice_probabilities, weight)
        source = BOTH if contribution is not None else FACE_ONLY if voice_probabilities is None else VOICE_ONLY
        return FusedWindow(start=span.start, end=span.end, source=source, face_contribution=contribution,
                           probabilities={name: round(float(p), 5) for name, p in zip(FACE_CLASSES, probabilities)})


def _channels(face_timeline, voice_windows, start: float, end: float) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Mean face probabilities over the frames seen in start-end, and mean voice probabilities
    over the windows with speech centred in it (FACE_CLASSES order; None where there are none)."""
    seen = [face_order(point.probabilities) for point in face_timeline
            if point.face_found and point.probabilities and start <= point.time < end]
    spoken = [face_order(window.probabilities) for window in voice_windows
              if window.speech and window.probabilities and start <= (window.start + window.end) / 2 < end]
    return (np.mean(seen, axis=0) if seen else None), (np.mean(spoken, axis=0) if spoken else None)


def get_fusion_reader() -> FusionReader:
    return registry.get_or_build("fusion", FusionReader)
