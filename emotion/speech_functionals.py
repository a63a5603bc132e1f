"""A wide acoustic descriptor in the manner of the ComParE feature set (Schuller et al. 2016),
written here in numpy so it needs no extra package and carries no research-only licence.

Per 10 ms frame (the same pre-emphasised 25 ms Hamming frames as the classic features):
26 log-mel band levels and the loudness, both in dB relative to the clip's loud level (so the
microphone's gain does not matter), 14 MFCCs, and 12 spectral shape measures; plus the deltas of
all 53 -> 106 contours. Over the clip, 21 functionals of each contour (moments, quartiles and
ranges, a linear fit, the share of time above set levels of its range, the mean rise and fall)
-> 2,226 numbers.

Why: the 432 classic + pitch statistics describe each contour by ten order statistics only; the
finer picture of the spectrum's shape over time is what a linear model can use across speakers
(see models/speech/MODEL_CARD.md for the measured gain).
"""
import numpy as np

from emotion import speech_features as base

N_BANDS = 26
N_CEPSTRA = 14
BAND_LOW_HZ, BAND_HIGH_HZ = 20.0, 8000.0
UP_LEVELS = (0.25, 0.5, 0.75, 0.9)
RELATIVE_FLOOR = 1e-9
FUNCTIONAL_NAMES = (
    "mean", "std", "skew", "kurtosis", "q1", "q2", "q3", "iqr12", "iqr23", "iqr13", "p01", "p99", "range",
    "slope", "offset", "fit_error", *(f"up{int(level * 100)}" for level in UP_LEVELS), "mean_rise",
)
SHAPE_NAMES = ("centroid", "spread", "skewness", "kurtosis", "flatness", "slope", "rolloff25", "rolloff50",
               "rolloff75", "rolloff90", "flux", "low_high_ratio")
CONTOUR_NAMES = (*(f"band{i}" for i in range(N_BANDS)), "loudness", *(f"mfcc{i}" for i in range(1, N_CEPSTRA + 1)),
                 *SHAPE_NAMES)
FEATURE_NAMES = tuple(f"{contour}{suffix}_{functional}" for suffix in ("", "_delta") for contour in CONTOUR_NAMES
                      for functional in FUNCTIONAL_NAMES)


def power_frames(samples: np.ndarray) -> np.ndarray:
    """(n_frames, 257) power spectra of the pre-emphasised 25 ms Hamming frames (10 ms hop)."""
    return base.power_spectrum(np.asarray(samples, dtype=np.float32))[1].astype(np.float64)


def contours_from_power(power: np.ndarray) -> np.ndarray:
    """(n_frames, 53) contours of a stretch, in :data:`CONTOUR_NAMES` order, levels not yet
    relative (see :func:`functionals_from_power`).

    The spectrum's floor sits 90 dB below the stretch's own loudest frame, not at an absolute
    value: digital silence between words would otherwise read differently at another microphone
    gain. "The stretch" is what gets described (a clip, or one timeline window), never a longer
    recording around it, so a window reads as it would alone."""
    from scipy.fft import dct

    power = power + RELATIVE_FLOOR * power.sum(axis=1).max() / power.shape[1] + 1e-30
    bands_db = 10 * np.log10(power @ base._mel_filters(N_BANDS, BAND_LOW_HZ, BAND_HIGH_HZ).T)
    loudness_db = 10 * np.log10(power.sum(axis=1))
    cepstra = dct(bands_db, type=2, norm="ortho", axis=1)[:, 1: N_CEPSTRA + 1]
    return np.concatenate([bands_db, loudness_db[:, None], cepstra, spectral_shape(power)], axis=1)


def spectral_shape(power: np.ndarray) -> np.ndarray:
    """(n_frames, 12) in :data:`SHAPE_NAMES` order; frequencies as shares of Nyquist."""
    n_bins = power.shape[1]
    freqs = np.linspace(0, 1, n_bins)
    total = power.sum(axis=1)
    shares = power / total[:, None]
    centroid = shares @ freqs
    deviation = freqs[None, :] - centroid[:, None]
    spread = np.sqrt(np.sum(shares * deviation ** 2, axis=1)) + base.EPS
    # log-compressed: a pure tone's spectrum has a kurtosis in the thousands
    skewness = _signed_log(np.sum(shares * deviation ** 3, axis=1) / spread ** 3)
    kurtosis = _signed_log(np.sum(shares * deviation ** 4, axis=1) / spread ** 4)
    log_power = np.log(power)
    flatness = np.exp(log_power.mean(axis=1)) / power.mean(axis=1)
    slope = np.polyfit(freqs, 10 * log_power.T / np.log(10), 1)[0]
    cumulative = np.cumsum(shares, axis=1)
    rolloffs = [np.argmax(cumulative >= share, axis=1) / (n_bins - 1) for share in (0.25, 0.5, 0.75, 0.9)]
    flux = np.concatenate([[0.0], np.sum(np.diff(shares, axis=0) ** 2, axis=1)])
    split = int(n_bins * 1000 / (base.SAMPLE_RATE / 2))  # energy below 1 kHz against above
    low_high = 10 * np.log10(power[:, :split].sum(axis=1) / power[:, split:].sum(axis=1))
    return np.stack([centroid, spread, skewness, kurtosis, flatness, slope, *rolloffs, flux, low_high], axis=1)


def _signed_log(values: np.ndarray) -> np.ndarray:
    return np.sign(values) * np.log1p(np.abs(values))


def functionals(contours: np.ndarray) -> np.ndarray:
    """(n_columns * 21,) functionals of each column over time, :data:`FUNCTIONAL_NAMES` order."""
    from scipy.stats import kurtosis, skew

    n = len(contours)
    p01, q1, q2, q3, p99 = np.percentile(contours, [1, 25, 50, 75, 99], axis=0)
    low, high = contours.min(axis=0), contours.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    t = np.arange(n) / max(1, n - 1) - 0.5
    slope = (t @ (contours - contours.mean(axis=0))) / max(base.EPS, float(t @ t))
    offset = contours.mean(axis=0)
    fit_error = np.mean((contours - offset - np.outer(t, slope)) ** 2, axis=0)
    up = [np.mean(contours > (low + level * span), axis=0) for level in UP_LEVELS]
    steps = np.diff(contours, axis=0) if n > 1 else np.zeros_like(contours)
    mean_rise = np.sum(np.maximum(steps, 0), axis=0) / max(1, n - 1)
    with np.errstate(all="ignore"):
        stats = np.stack([
            contours.mean(axis=0), contours.std(axis=0), skew(contours, axis=0), kurtosis(contours, axis=0),
            q1, q2, q3, q2 - q1, q3 - q2, q3 - q1, p01, p99, p99 - p01, slope, offset, fit_error, *up, mean_rise,
        ], axis=1)
    return np.nan_to_num(stats, nan=0.0, posinf=0.0, neginf=0.0).reshape(-1)


def functionals_from_power(power: np.ndarray, levels: np.ndarray, top_db: float = 35.0) -> np.ndarray:
    """(2226,) descriptor of a stretch whose power spectra and frame levels are known: trimmed of
    quiet frames at both ends as :func:`speech_features.trim_silence` would, levels made relative
    to the stretch's loud level, then the functionals of the contours and of their deltas. Lets a
    long recording be framed once and described window by window."""
    contours = contours_from_power(power)
    first, last = base.loud_frames(levels, top_db)
    contours = contours[first: last + 1]
    contours[0, CONTOUR_NAMES.index("flux")] = 0.0  # as in a clip that starts here
    reference = np.percentile(contours[:, N_BANDS], 99)
    contours[:, : N_BANDS + 1] -= reference
    deltas = np.gradient(contours, axis=0) if len(contours) > 1 else np.zeros_like(contours)
    return np.concatenate([functionals(contours), functionals(deltas)]).astype(np.float32)


def wide_features(samples: np.ndarray) -> np.ndarray:
    """(2226,) descriptor of a clip, trimmed of leading and trailing silence."""
    samples = np.asarray(samples, dtype=np.float32)
    return functionals_from_power(power_frames(samples), base.frame_db(samples))
