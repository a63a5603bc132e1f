"""Features of the speech models that only training reads (the app serves the linear model on
wide functionals): kept apart from serving so the app carries none of it.

* Classic (the RBF SVM): pre-emphasis, 25 ms Hamming frames with a 10 ms hop; per frame energy,
  entropy of energy, zero-crossing rate, spectral centroid, spread, entropy, flux, roll-off and
  12 MFCCs (20 values) plus their deltas (40); ten statistics of each over the clip -> 400 numbers.
* Deep (the LFLB + LSTM network): a log-mel spectrogram (32 bands; 25 ms frames, 10 ms hop,
  summed 4 by 4 to 40 ms steps) cut into a rolling window of 1 s windows with a ~0.5 s hop; a
  3 s segment gives 5 windows of 25 x 32. (64 bands at 10 ms trained ~10x slower on 2 shared
  cores: see the card.)
"""
import numpy as np

from emotion.audio import FRAME_LENGTH, SAMPLE_RATE
from emotion.speech_features import (EPS, STATISTIC_NAMES, TRIM_TOP_DB, _mel_filters, clip_statistics,
                                     power_spectrum, trim_silence)

N_MFCC = 12
N_MFCC_FILTERS = 40
ROLLOFF_SHARE = 0.90
SUB_BLOCKS = 10             # for entropy of energy and spectral entropy

N_MELS = 32
TIME_POOL = 4               # 4 x 10 ms -> 40 ms per spectrogram column
MEL_FLOOR_DB = -80.0
SEGMENT_SECONDS = 3.0       # one deep-model input: a 3 s stretch of sound
WINDOW_FRAMES = 25          # 1 s
WINDOW_HOP_FRAMES = 12      # 0.48 s
N_WINDOWS = 5

FRAME_FEATURE_NAMES = (
    "energy", "energy_entropy", "zcr", "spectral_centroid", "spectral_spread",
    "spectral_entropy", "spectral_flux", "spectral_rolloff",
    *(f"mfcc_{i}" for i in range(1, N_MFCC + 1)),
)
FLUX_COLUMN = FRAME_FEATURE_NAMES.index("spectral_flux")
CLASSIC_FEATURE_NAMES = tuple(
    f"{name}{suffix}_{stat}"
    for suffix in ("", "_delta") for name in FRAME_FEATURE_NAMES for stat in STATISTIC_NAMES
)


def frame_features(samples: np.ndarray) -> np.ndarray:
    """(n_frames, 20): the classic per-frame features, in :data:`FRAME_FEATURE_NAMES` order."""
    from scipy.fft import dct

    windowed, power = power_spectrum(samples)
    magnitude = np.sqrt(power)
    n_frames, n_bins = power.shape
    energy = np.mean(windowed ** 2, axis=1)

    sub = windowed[:, : (FRAME_LENGTH // SUB_BLOCKS) * SUB_BLOCKS].reshape(n_frames, SUB_BLOCKS, -1)
    energy_entropy = _entropy(np.sum(sub ** 2, axis=2))
    signs = np.signbit(windowed)
    zcr = np.mean(signs[:, 1:] != signs[:, :-1], axis=1)

    freqs = np.linspace(0, 1, n_bins, dtype=np.float32)  # share of Nyquist
    total = magnitude.sum(axis=1) + EPS
    centroid = (magnitude @ freqs) / total
    spread = np.sqrt(np.sum(((freqs[None, :] - centroid[:, None]) ** 2) * magnitude, axis=1) / total)
    band = n_bins // SUB_BLOCKS
    spectral_entropy = _entropy(power[:, : band * SUB_BLOCKS].reshape(n_frames, SUB_BLOCKS, band).sum(axis=2))
    shares = magnitude / total[:, None]
    flux = np.concatenate([[0.0], np.sum(np.diff(shares, axis=0) ** 2, axis=1)])
    cumulative = np.cumsum(power, axis=1)
    rolloff = np.argmax(cumulative >= ROLLOFF_SHARE * cumulative[:, -1:], axis=1) / (n_bins - 1)

    mel_energy = power @ _mel_filters(N_MFCC_FILTERS, 0.0, SAMPLE_RATE / 2).T
    mfcc = dct(np.log(mel_energy + EPS), type=2, norm="ortho", axis=1)[:, 1: N_MFCC + 1]

    scalar = np.stack([energy, energy_entropy, zcr, centroid, spread, spectral_entropy, flux, rolloff], axis=1)
    return np.concatenate([scalar, mfcc], axis=1).astype(np.float64)


def _entropy(parts: np.ndarray) -> np.ndarray:
    shares = parts / (parts.sum(axis=1, keepdims=True) + EPS)
    return -np.sum(shares * np.log2(shares + EPS), axis=1)


def classic_features(samples: np.ndarray) -> np.ndarray:
    """(400,) clip descriptor: 10 statistics of the 20 frame features and their 20 deltas."""
    per_frame = frame_features(trim_silence(np.asarray(samples, dtype=np.float32)))
    deltas = np.gradient(per_frame, axis=0) if len(per_frame) > 1 else np.zeros_like(per_frame)
    return np.concatenate([clip_statistics(per_frame), clip_statistics(deltas)]).astype(np.float32)


def log_mel(samples: np.ndarray) -> np.ndarray:
    """(n_steps, 32) log-mel spectrogram, 40 ms steps, scaled to [0, 1]: 0 is 80 dB below
    the loudest bin. Relative to its own maximum, so the microphone's level does not matter.
    """
    _, power = power_spectrum(np.asarray(samples, dtype=np.float32))
    mel = power @ _mel_filters(N_MELS, 50.0, SAMPLE_RATE / 2).T
    steps = max(1, len(mel) // TIME_POOL)
    mel = np.pad(mel, ((0, max(0, steps * TIME_POOL - len(mel))), (0, 0)))
    mel = mel[: steps * TIME_POOL].reshape(steps, TIME_POOL, N_MELS).sum(axis=1)
    db = 10 * np.log10(mel + 1e-10)
    db = np.maximum(db - db.max(), MEL_FLOOR_DB)
    return (1.0 - db / MEL_FLOOR_DB).astype(np.float32)


def fit_segment(samples: np.ndarray, offset: int | None = None) -> np.ndarray:
    """Exactly :data:`SEGMENT_SECONDS` of sound: cropped, or padded with silence around it.

    ``offset`` (samples) places a short clip inside the segment, or picks where a long one is
    cropped; None centres it.
    """
    length = int(SEGMENT_SECONDS * SAMPLE_RATE)
    room = length - len(samples)
    if room >= 0:
        before = room // 2 if offset is None else int(np.clip(offset, 0, room))
        return np.pad(samples, (before, room - before))
    start = -room // 2 if offset is None else int(np.clip(offset, 0, -room))
    return samples[start: start + length]


def mel_windows(segment: np.ndarray) -> np.ndarray:
    """A 3 s segment -> (5, 25, 32) overlapping 1 s log-mel windows, the deep model's input."""
    spectrogram = log_mel(segment)
    needed = WINDOW_FRAMES + (N_WINDOWS - 1) * WINDOW_HOP_FRAMES
    if len(spectrogram) < needed:
        spectrogram = np.pad(spectrogram, ((0, needed - len(spectrogram)), (0, 0)))
    starts = np.arange(N_WINDOWS) * WINDOW_HOP_FRAMES
    return np.stack([spectrogram[s: s + WINDOW_FRAMES] for s in starts])


def classic_from_frames(per_frame: np.ndarray, levels: np.ndarray, top_db: float = TRIM_TOP_DB) -> np.ndarray:
    """:func:`classic_features` of a stretch whose frame features and levels are already known:
    trims the quiet frames at both ends exactly as :func:`trim_silence` would, then describes
    what remains. Lets a long recording be framed once and described window by window."""
    loud = np.flatnonzero(levels > levels.max() - top_db)
    if loud.size:
        per_frame = per_frame[loud[0]: loud[-1] + 1].copy()
        per_frame[0, FLUX_COLUMN] = 0.0  # as in a clip that starts here: no previous frame
    deltas = np.gradient(per_frame, axis=0) if len(per_frame) > 1 else np.zeros_like(per_frame)
    return np.concatenate([clip_statistics(per_frame), clip_statistics(deltas)]).astype(np.float32)
