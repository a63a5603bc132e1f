"""A wide acoustic descriptor in the manner of the ComParE feature set (Schuller et al. 2016),
written here in numpy so it needs no extra package and carries no research-only licence.

Per 10 ms frame (the same pre-emphasised 25 ms Hamming frames as the classic features):
26 log-mel band levels and the loudness, both in dB relative to the clip's loud level (so the
microphone's gain does not matter), 14 MFCCs, and 12 spectral shape measures; plus the deltas of
all 53 -> 106 contours. Over the clip, 20 functionals of each contour (moments, quartiles and
ranges, a linear fit's slope and error, the share of time above set levels of its range, the
mean rise) -> 2,120 numbers.

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
RELATIVE_FLOOR = 1e-9          # -90 dB re the frame's own power
FLOOR_DB = 90.0                # levels no lower than this under the stretch's loud level
FUNCTIONAL_NAMES = (
    "mean", "std", "skew", "kurtosis", "q1", "q2", "q3", "iqr12", "iqr23", "iqr13", "p01", "p99", "range",
    "slope", "fit_error", *(f"up{int(level * 100)}" for level in UP_LEVELS), "mean_rise",
)
SHAPE_NAMES = ("centroid", "spread", "skewness", "kurtosis", "flatness", "slope", "rolloff25", "rolloff50",
               "rolloff75", "rolloff90", "flux", "low_high_ratio")
CONTOUR_NAMES = (*(f"band{i}" for i in range(N_BANDS)), "loudness", *(f"mfcc{i}" for i in range(1, N_CEPSTRA + 1)),
                 *SHAPE_NAMES)
FEATURE_NAMES = tuple(f"{contour}{suffix}_{functional}" for suffix in ("", "_delta") for contour in CONTOUR_NAMES
                      for functional in FUNCTIONAL_NAMES)


def frame_measures(samples: np.ndarray) -> np.ndarray:
    """(n_frames, 39): each frame's 26 mel band levels and loudness in dB (not yet relative) and its
    12 spectral shape measures. Everything here depends on the frame alone (and flux on the frame
    before), so a recording is measured once and any window of it reads as it would alone.

    Each frame's spectrum is floored 90 dB below that frame's own power, not at an absolute value:
    digital silence would otherwise read differently at another microphone gain."""
    _, power = base.power_spectrum(np.asarray(samples, dtype=np.float32))
    power = power.astype(np.float64)
    power += RELATIVE_FLOOR * power.sum(axis=1, keepdims=True) / power.shape[1] + 1e-30
    bands_db = 10 * np.log10(power @ base._mel_filters(N_BANDS, BAND_LOW_HZ, BAND_HIGH_HZ).T)
    loudness_db = 10 * np.log10(power.sum(axis=1))
    return np.concatenate([bands_db, loudness_db[:, None], spectral_shape(power)], axis=1)


def contours_of_stretch(measures: np.ndarray) -> np.ndarray:
    """(n_frames, 53) contours in :data:`CONTOUR_NAMES` order: levels in dB relative to the
    stretch's loud level (its loudness's 99th percentile) and no lower than 90 dB under it, the
    MFCCs of those relative bands, and the shape measures."""
    from scipy.fft import dct

    levels = measures[:, : N_BANDS + 1] - np.percentile(measures[:, N_BANDS], 99)
    levels = np.maximum(levels, -FLOOR_DB)
    cepstra = dct(levels[:, :N_BANDS], type=2, norm="ortho", axis=1)[:, 1: N_CEPSTRA + 1]
    shape = measures[:, N_BANDS + 1:].copy()
    shape[0, SHAPE_NAMES.index("flux")] = 0.0  # as in a clip that starts here: no previous frame
    return np.concatenate([levels, cepstra, shape], axis=1)


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
    """(n_columns * 20,) functionals of each column over time, :data:`FUNCTIONAL_NAMES` order."""
    n = len(contours)
    mean = contours.mean(axis=0)
    centred = contours - mean
    variance = np.mean(centred ** 2, axis=0)
    # skew and (Fisher) kurtosis as scipy.stats computes them by default, 0 for a flat column
    # (rounding noise on a constant would otherwise give arbitrary moments)
    flat = variance <= 1e-12 * (1.0 + mean ** 2)
    safe = np.where(flat, 1.0, variance)
    skewness = np.where(flat, 0.0, np.mean(centred ** 3, axis=0) / safe ** 1.5)
    kurtosis = np.where(flat, 0.0, np.mean(centred ** 4, axis=0) / safe ** 2 - 3.0)
    p01, q1, q2, q3, p99 = np.percentile(contours, [1, 25, 50, 75, 99], axis=0)
    low, high = contours.min(axis=0), contours.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    t = np.arange(n) / max(1, n - 1) - 0.5
    slope = (t @ centred) / max(base.EPS, float(t @ t))
    fit_error = np.mean((centred - np.outer(t, slope)) ** 2, axis=0)
    up = [np.mean(contours > (low + level * span), axis=0) for level in UP_LEVELS]
    steps = np.diff(contours, axis=0) if n > 1 else np.zeros_like(contours)
    mean_rise = np.sum(np.maximum(steps, 0), axis=0) / max(1, n - 1)
    # No "offset" functional: with time centred on the stretch's middle, the fit's offset is the mean.
    stats = np.stack([
        mean, np.sqrt(variance), skewness, kurtosis,
        q1, q2, q3, q2 - q1, q3 - q2, q3 - q1, p01, p99, p99 - p01, slope, fit_error, *up, mean_rise,
    ], axis=1)
    return np.nan_to_num(stats, nan=0.0, posinf=0.0, neginf=0.0).reshape(-1)


def functionals_from_frames(measures: np.ndarray, levels: np.ndarray, top_db: float = base.TRIM_TOP_DB) -> np.ndarray:
    """(2120,) descriptor of a stretch whose :func:`frame_measures` and frame levels are known:
    trimmed of quiet frames at both ends as :func:`speech_features.trim_silence` would, then the
    functionals of its contours and of their deltas. Lets a long recording be measured once and
    described window by window."""
    first, last = base.loud_frames(levels, top_db)
    contours = contours_of_stretch(measures[first: last + 1])
    deltas = np.gradient(contours, axis=0) if len(contours) > 1 else np.zeros_like(contours)
    return np.concatenate([functionals(contours), functionals(deltas)]).astype(np.float32)


def wide_features(samples: np.ndarray) -> np.ndarray:
    """(2120,) descriptor of a clip, trimmed of leading and trailing silence."""
    samples = np.asarray(samples, dtype=np.float32)
    return functionals_from_frames(frame_measures(samples), base.frame_db(samples))
