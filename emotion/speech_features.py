"""Acoustic building blocks shared by training and serving, so the two can never drift:
pre-emphasised 25 ms Hamming frames with a 10 ms hop, their power spectrum and mel filters,
levels and silence trimming, clip statistics, and the pitch statistics the served model reads
(with the wide functionals of :mod:`emotion.speech_functionals`). The features of models that
only training reads (the classic SVM's and the deep model's) are in
:mod:`training.speech_classic_features`.

Pure numpy/scipy (no numba), so the first call in a process is cheap.
"""
from functools import lru_cache

import numpy as np

from emotion.audio import FRAME_LENGTH, HOP_LENGTH, SAMPLE_RATE

N_FFT = 512
PRE_EMPHASIS = 0.97
EPS = 1e-10
TRIM_TOP_DB = 35.0          # frames this far below the loudest are trimmed from both ends
STATISTIC_NAMES = ("mean", "median", "std", "kurtosis", "skew", "p01", "p99", "min", "max", "range")


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
