"""Acoustic features shared by training and serving, so the two can never drift.

* Classic: pre-emphasis, 25 ms Hamming frames with a 10 ms hop; per frame energy, entropy of
  energy, zero-crossing rate, spectral centroid, spread, entropy, flux, roll-off and 12 MFCCs
  (20 values) plus their deltas (40); ten statistics of each over the clip -> 400 numbers.
* Deep: a log-mel spectrogram (32 bands; 25 ms frames, 10 ms hop, summed 4 by 4 to 40 ms
  steps) cut into a rolling window of 1 s windows with a ~0.5 s hop; a 3 s segment gives
  5 windows of 25 x 32. (64 bands at 10 ms trained ~10x slower on 2 shared cores: see the card.)

Pure numpy/scipy (no numba), so the first call in a process is cheap.
"""
from functools import lru_cache

import numpy as np

from emotion.audio import FRAME_LENGTH, HOP_LENGTH, SAMPLE_RATE

N_FFT = 512
PRE_EMPHASIS = 0.97
N_MFCC = 12
N_MFCC_FILTERS = 40
ROLLOFF_SHARE = 0.90
SUB_BLOCKS = 10             # for entropy of energy and spectral entropy
EPS = 1e-10
TRIM_TOP_DB = 35.0          # frames this far below the loudest are trimmed from both ends

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
STATISTIC_NAMES = ("mean", "median", "std", "kurtosis", "skew", "p01", "p99", "min", "max", "range")
CLASSIC_FEATURE_NAMES = tuple(
    f"{name}{suffix}_{stat}"
    for suffix in ("", "_delta") for name in FRAME_FEATURE_NAMES for stat in STATISTIC_NAMES
)


def frames(samples: np.ndarray, length: int = FRAME_LENGTH, hop: int = HOP_LENGTH) -> np.ndarray:
    """(n_frames, length) view of the signal, zero-padded to hold at least one frame."""
    if len(samples) < length:
        samples = np.pad(samples, (0, length - len(samples)))
    return np.lib.stride_tricks.sliding_window_view(samples, length)[::hop]


def frame_db(samples: np.ndarray) -> np.ndarray:
    """RMS level of each 25 ms frame in dB (full scale = 0 dB)."""
    rms = np.sqrt(np.mean(frames(samples).astype(np.float64) ** 2, axis=1))
    return 20 * np.log10(rms + 1e-9)


def trim_silence(samples: np.ndarray, top_db: float = TRIM_TOP_DB) -> np.ndarray:
    """Drop leading and trailing stretches more than ``top_db`` below the loudest frame."""
    levels = frame_db(samples)
    loud = np.flatnonzero(levels > levels.max() - top_db)
    if loud.size == 0:
        return samples
    start = loud[0] * HOP_LENGTH
    end = min(len(samples), loud[-1] * HOP_LENGTH + FRAME_LENGTH)
    return samples[start:end]


@lru_cache(maxsize=4)
def _hamming(length: int) -> np.ndarray:
    return np.hamming(length).astype(np.float32)


@lru_cache(maxsize=4)
def _mel_filters(n_mels: int, fmin: float, fmax: float) -> np.ndarray:
    """Slaney-style triangular mel filters, (n_mels, N_FFT // 2 + 1), area-normalised."""
    def hz_to_mel(hz):
        return 2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0)

    def mel_to_hz(mel):
        return 700.0 * (10 ** (np.asarray(mel) / 2595.0) - 1.0)

    bins = np.linspace(0, SAMPLE_RATE / 2, N_FFT // 2 + 1)
    edges = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    lower = (bins[None, :] - edges[:-2, None]) / (edges[1:-1, None] - edges[:-2, None])
    upper = (edges[2:, None] - bins[None, :]) / (edges[2:, None] - edges[1:-1, None])
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return weights.astype(np.float32)


def power_spectrum(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pre-emphasised Hamming frames and their power spectra (n_frames, N_FFT // 2 + 1)."""
    emphasised = np.append(samples[:1], samples[1:] - PRE_EMPHASIS * samples[:-1]).astype(np.float32)
    windowed = frames(emphasised) * _hamming(FRAME_LENGTH)
    spectrum = np.abs(np.fft.rfft(windowed, n=N_FFT, axis=1)) ** 2 / N_FFT
    return windowed, spectrum.astype(np.float32)


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


def clip_statistics(values: np.ndarray) -> np.ndarray:
    """Ten statistics of each column over time, in :data:`STATISTIC_NAMES` order, per column."""
    from scipy.stats import kurtosis, skew

    p01, median, p99 = np.percentile(values, [1, 50, 99], axis=0)
    low, high = values.min(axis=0), values.max(axis=0)
    with np.errstate(all="ignore"):
        stats = np.stack([
            values.mean(axis=0), median, values.std(axis=0),
            kurtosis(values, axis=0), skew(values, axis=0),
            p01, p99, low, high, high - low,
        ], axis=1)
    return np.nan_to_num(stats, nan=0.0, posinf=0.0, neginf=0.0).reshape(-1)


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


def pitch_features(samples: np.ndarray) -> np.ndarray:
    """(32,) prosody descriptor added to the classic set: ten statistics of f0 in semitones
    (re 100 Hz), of f0 relative to its own median, and of its frame-to-frame change, plus the
    voiced and sounding shares. Uses the delivery module's pitch tracker on the trimmed clip."""
    from emotion.delivery import contours

    c = contours(trim_silence(np.asarray(samples, dtype=np.float32)))
    return pitch_from_contours(c.intensity_db, c.f0_hz)


def pitch_from_contours(intensity_db: np.ndarray, f0_hz: np.ndarray) -> np.ndarray:
    """:func:`pitch_features` from the intensity and f0 contours (10 ms steps) of a stretch."""
    from emotion.delivery import sounding_frames

    sounding = sounding_frames(intensity_db)
    voiced = (f0_hz > 0) & sounding
    semitones = 12 * np.log2(np.maximum(f0_hz[voiced], 1) / 100.0)
    if len(semitones) < 3:
        semitones = np.zeros(3)
    relative = semitones - np.median(semitones)
    return np.concatenate([
        clip_statistics(semitones[:, None]), clip_statistics(relative[:, None]),
        clip_statistics(np.gradient(semitones)[:, None]), [voiced.mean(), sounding.mean()],
    ]).astype(np.float32)


def loud_frames(levels: np.ndarray, top_db: float = TRIM_TOP_DB) -> tuple[int, int]:
    """First and last frame that :func:`trim_silence` keeps, given the frames' levels."""
    loud = np.flatnonzero(levels > levels.max() - top_db)
    return (int(loud[0]), int(loud[-1])) if loud.size else (0, len(levels) - 1)
