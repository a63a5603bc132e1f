"""Vocal emotion and delivery: 7 emotion probabilities over sliding windows, plus delivery
measures that need no transcript.

The shipped model (``models/speech/model.json`` says which) is a linear classifier, stored as
plain arrays (no pickle), on the features its manifest names: since issue 20, Whisper tiny.en's
encoder output pooled per window (:mod:`emotion.voice_embedding`); before, wide acoustic
functionals (:mod:`emotion.speech_features`, :mod:`emotion.speech_functionals`). Training reads
features through the same code.
The other kinds training compares (an RBF SVM, a deep Keras network) are read by
:mod:`training.speech_models`, not here. The analyzer loads its model lazily, once per process
(see :mod:`emotion.registry`).
"""
import json
import logging
from pathlib import Path

import numpy as np

from emotion import registry
from emotion import speech_features as features
from emotion import voice_embedding
from emotion import speech_functionals as functionals
from emotion.audio import FRAME_LENGTH, HOP_LENGTH, SAMPLE_RATE, STEP_SECONDS
from emotion.delivery import Contours, contours
from emotion.errors import DAMAGED_MODEL_FILE_ERRORS, ModelUnavailable, NoSpeechFound
from emotion.speech_types import SPEECH_CLASSES, SpeechAnalysis, SpeechSummary, SpeechWindow

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "speech"
WINDOW_SECONDS = 3.0
HOP_SECONDS = 1.0
MIN_VOICED_IN_WINDOW_SECONDS = 0.25   # less voiced sound than this: a silent window


class AcousticFeatures:
    """The 2,120 wide functionals and the 32 pitch statistics of a clip or window (the features
    of the models shipped before issue 20)."""

    names = ("wide", "pitch")
    width = len(functionals.FEATURE_NAMES) + 32

    def __init__(self, transcriber=None):
        pass   # numpy and scipy only: nothing to load

    def describe(self, samples: np.ndarray) -> np.ndarray:
        return np.concatenate([functionals.wide_features(samples), features.pitch_features(samples)])

    def describe_windows(self, samples: np.ndarray, spans: list[tuple[float, float]], c: Contours,
                         stop=None) -> np.ndarray:
        """:meth:`describe` of each window from contours computed once for the recording (one
        numpy pass, nothing to stop between)."""
        measures, levels = functionals.frame_measures(samples), features.frame_db(samples)
        return np.stack([
            np.concatenate([functionals.functionals_from_frames(measures[frame_slice], levels[frame_slice]),
                            features.pitch_from_contours(c.intensity_db[steps], c.f0_hz[steps])])
            for frame_slice, steps in window_slices(spans, levels)])


class WhisperFeatures:
    """Whisper tiny.en's encoder output pooled per clip or window (:mod:`emotion.voice_embedding`):
    a recording is encoded once, 30 s at a time, and each window's frames pooled."""

    names = ("whisper",)
    width = voice_embedding.WIDTH

    def __init__(self, transcriber=None):
        """Loads (and hash-checks) the encoder now: without the recogniser's weights no voice
        emotion can be read, and a deployment should learn that when the model loads (the
        workers' warm-up), not on a candidate's answer. Raises ModelUnavailable."""
        from emotion.transcribe import get_transcriber

        self.transcriber = transcriber or get_transcriber()
        self.transcriber.whisper_model()

    def describe(self, samples: np.ndarray) -> np.ndarray:
        return voice_embedding.whisper_embedding(samples, self.transcriber)

    def describe_windows(self, samples: np.ndarray, spans: list[tuple[float, float]], c: Contours,
                         stop=None) -> np.ndarray:
        """``stop``, once set, ends the encoding before its next 30 s chunk (AnalysisStopped)."""
        frames = voice_embedding.encoded_frames(samples, self.transcriber, stop)
        return voice_embedding.pooled_windows(frames, spans)


# The feature sets a served model may name in model.json's "features", in that order.
FEATURE_READERS = {reader.names: reader for reader in (AcousticFeatures, WhisperFeatures)}


class LinearHead:
    """Standardise, clip, linear scores, softmax: one ``.npz`` of plain arrays (no pickle)."""

    CLIP_SCORE = 10.0   # standardised inputs beyond +-10 are outliers the model never saw

    def __init__(self, model_file: Path, width: int, described: str):
        with np.load(model_file) as stored:
            self.arrays = {name: stored[name] for name in stored.files}
        a = self.arrays
        columns = a.get("columns", np.arange(width))
        if (a["coef"].shape != (len(SPEECH_CLASSES), len(columns)) or a["intercept"].shape != (len(SPEECH_CLASSES),)
                or a["scaler_mean"].shape != (len(columns),) or a["scaler_scale"].shape != (len(columns),)
                or columns.max(initial=0) >= width):
            raise ValueError(f"{model_file} does not fit {width} {described} features and {len(SPEECH_CLASSES)} classes")
        self._columns = columns

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        a = self.arrays
        standardised = (np.asarray(X, dtype=np.float64)[:, self._columns] - a["scaler_mean"]) / a["scaler_scale"]
        scores = np.clip(standardised, -self.CLIP_SCORE, self.CLIP_SCORE) @ a["coef"].T + a["intercept"]
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)


class LinearSpeechModel:
    """A linear classifier (multinomial logistic regression, or shrinkage LDA) on one of the
    :data:`FEATURE_READERS`' features, standardised: probabilities are the softmax of its linear
    scores (for LDA already divided by its temperature in training).

    Two heads where the manifest has a "clips" file: the Whisper encoder reads a window within a
    longer recording differently from a clip encoded by itself, so windows of a recording are
    read by the head trained for them and a recording of one window (or a clip scored whole) by
    the head trained on clips alone (models/speech/MODEL_CARD.md). Without one, one head reads both."""

    CLIP_SCORE = LinearHead.CLIP_SCORE

    def __init__(self, model_file: Path, feature_names: tuple[str, ...] = AcousticFeatures.names,
                 clips_file: Path | None = None, transcriber=None):
        if tuple(feature_names) not in FEATURE_READERS:
            raise ValueError(f"{model_file}: no reader for the features {list(feature_names)}; "
                             f"served: {[list(names) for names in FEATURE_READERS]}")
        reader = FEATURE_READERS[tuple(feature_names)]
        described = "+".join(feature_names)
        self.windows_head = LinearHead(model_file, reader.width, described)
        self.clips_head = LinearHead(clips_file, reader.width, described) if clips_file else self.windows_head
        self.features = reader(transcriber)   # last: the heads' files are checked before the encoder loads
        self.arrays = self.windows_head.arrays

    def describe(self, samples: np.ndarray) -> np.ndarray:
        return self.features.describe(samples)

    def describe_windows(self, samples: np.ndarray, spans: list[tuple[float, float]], c: Contours,
                         stop=None) -> np.ndarray:
        return self.features.describe_windows(samples, spans, c, stop)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Probabilities of windows of a longer recording."""
        return self.windows_head.predict_proba(X)

    def predict_clips_proba(self, X: np.ndarray) -> np.ndarray:
        """Probabilities of clips (or recordings of one window) described whole."""
        return self.clips_head.predict_proba(X)


def window_slices(spans: list[tuple[float, float]], levels: np.ndarray):
    """For each (start, end) window in seconds: the slice of 25 ms frames it holds and the slice
    of 10 ms contour steps that its trimmed (loud) stretch spans."""
    for start, end in spans:
        first = int(round(start * SAMPLE_RATE / HOP_LENGTH))
        count = max(1, (int(round((end - start) * SAMPLE_RATE)) - FRAME_LENGTH) // HOP_LENGTH + 1)
        frame_slice = slice(first, first + count)
        loud_first, loud_last = features.loud_frames(levels[frame_slice])
        # the trimmed stretch spans frames loud_first..loud_last; its 10 ms contour has 3 more
        # steps (a 25 ms frame reaches 2.5 hops past its start)
        yield frame_slice, slice(first + loud_first, first + loud_last + 3)


# The model kinds the app serves, by the "kind" in model.json.
SERVED_KINDS = {"linear": LinearSpeechModel}


def read_manifest(model_dir: Path) -> dict:
    """``model_dir/model.json``, checked to name the 7 speech classes in order."""
    manifest_file = Path(model_dir) / "model.json"
    manifest = json.loads(manifest_file.read_text())
    if manifest.get("classes") != list(SPEECH_CLASSES):
        raise ModelUnavailable(f"{manifest_file}: classes {manifest.get('classes')} are not {SPEECH_CLASSES}")
    return manifest


def load_speech_model(model_dir: Path = MODEL_DIR, transcriber=None):
    """The model in ``model_dir`` and its manifest. Raises ModelUnavailable when the files are
    missing or damaged, when the model is of a kind only training reads, or when its features
    need the recogniser's encoder and its weights are missing or refused (``transcriber``: whose
    encoder; the process-wide one by default)."""
    try:
        manifest = read_manifest(model_dir)
        model_class = SERVED_KINDS.get(manifest["kind"])
        if model_class is None:
            raise ModelUnavailable(
                f"{model_dir} holds a {manifest['kind']!r} speech model, which only training reads "
                f"(training.speech_models); the app serves {', '.join(SERVED_KINDS)} models: "
                "ship one with python -m training.train_speech")
        clips = manifest.get("clips")
        return model_class(Path(model_dir) / manifest["file"], tuple(manifest.get("features", ("wide", "pitch"))),
                           Path(model_dir) / clips["file"] if clips else None, transcriber), manifest
    except DAMAGED_MODEL_FILE_ERRORS as error:
        raise ModelUnavailable(f"speech model missing or damaged in {model_dir}: {error}") from error


def clips_predictor(model):
    """How ``model`` reads clips described whole: its clips head, where it has one."""
    return getattr(model, "predict_clips_proba", model.predict_proba)   # training's other kinds: one head


def classify_clips(model, clips: list[np.ndarray]) -> np.ndarray:
    """(N, 7) probabilities of a loaded model, one row per whole clip (16 kHz), as in training."""
    if not clips:
        return np.zeros((0, len(SPEECH_CLASSES)), np.float32)
    return clips_predictor(model)(np.stack([model.describe(clip) for clip in clips]))


class SpeechAnalyzer:
    """Emotion timeline and summary of a recording, with silent windows marked, not classified."""

    def __init__(self, model_dir: Path = MODEL_DIR, window_seconds: float = WINDOW_SECONDS,
                 hop_seconds: float = HOP_SECONDS):
        self._model_dir = Path(model_dir)
        self.window_seconds, self.hop_seconds = window_seconds, hop_seconds
        self._loaded = registry.Lazy(lambda: load_speech_model(self._model_dir))  # (model, manifest)

    @property
    def model(self):
        return self._loaded.get()[0]

    @property
    def model_name(self) -> str:
        manifest = self._loaded.get()[1]
        return manifest.get("name", manifest["kind"])

    def classify_clips(self, clips: list[np.ndarray]) -> np.ndarray:
        """(N, 7) probabilities, one row per whole clip (16 kHz), as in training."""
        return classify_clips(self.model, clips)

    def analyze_audio(self, source, sample_rate: int | None = None,
                      sound_contours: Contours | None = None, stop=None) -> SpeechAnalysis:
        """A path, bytes or samples -> timeline over 3 s windows (1 s hop) and summary.

        Raises EmptyInput / UnreadableMedia for bad files and NoSpeechFound when no window
        holds speech. ``stop`` (a threading.Event), once set, ends the reading within the
        features' next step (30 s of sound for the Whisper features) with AnalysisStopped.
        """
        from emotion.audio import load_audio

        samples = load_audio(source, sample_rate)
        c = sound_contours if sound_contours is not None else contours(samples)
        spans = self._spans(len(samples))
        voiced = [c.voiced[int(round(s / STEP_SECONDS)): int(round(e / STEP_SECONDS))].sum() * STEP_SECONDS
                  for s, e in spans]
        speaking = [i for i, v in enumerate(voiced) if v >= MIN_VOICED_IN_WINDOW_SECONDS]
        if not speaking:
            raise NoSpeechFound("No speech was heard in this recording: check the microphone and try again.")
        model = self.model
        described = model.describe_windows(samples, [spans[i] for i in speaking], c, stop)
        # a recording of one window is read whole, as a clip alone
        predict = clips_predictor(model) if len(spans) == 1 else model.predict_proba
        probabilities = dict(zip(speaking, predict(described)))
        timeline = tuple(
            SpeechWindow(start=round(s, 2), end=round(e, 2), speech=i in probabilities,
                         probabilities=_named(probabilities[i]) if i in probabilities else None)
            for i, (s, e) in enumerate(spans))
        return SpeechAnalysis(timeline=timeline, summary=_summary(timeline, len(samples) / SAMPLE_RATE),
                              model_name=self.model_name)

    def _spans(self, n_samples: int) -> list[tuple[float, float]]:
        """Window (start, end) seconds: one window for a short recording, else a 1 s hop with
        the last window ending where the recording ends."""
        duration = n_samples / SAMPLE_RATE
        if duration <= self.window_seconds + 1e-9:
            return [(0.0, duration)]
        starts = list(np.arange(0.0, duration - self.window_seconds + 1e-9, self.hop_seconds))
        if duration - (starts[-1] + self.window_seconds) > 0.25 * self.hop_seconds:
            starts.append(duration - self.window_seconds)
        return [(float(s), float(min(duration, s + self.window_seconds))) for s in starts]


def _named(probabilities: np.ndarray) -> dict[str, float]:
    return {name: round(float(p), 4) for name, p in zip(SPEECH_CLASSES, probabilities)}


def _summary(timeline: tuple[SpeechWindow, ...], duration: float) -> SpeechSummary:
    spoken = [w for w in timeline if w.speech]
    mean = {name: round(float(np.mean([w.probabilities[name] for w in spoken])), 4) for name in SPEECH_CLASSES}
    strongest = max(spoken, key=lambda w: max(w.probabilities.values()))
    return SpeechSummary(mean_probabilities=mean, dominant_emotion=max(mean, key=mean.get),
                         speech_windows=len(spoken), silent_windows=len(timeline) - len(spoken),
                         duration_seconds=round(duration, 3), strongest_moment=strongest.start)


def get_speech_analyzer() -> SpeechAnalyzer:
    return registry.get_or_build("speech", SpeechAnalyzer)
