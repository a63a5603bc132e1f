"""How an answer was delivered, measured from the sound alone (no transcript).

Speaking rate follows de Jong & Wempe (2009), "Praat script to detect syllable nuclei and
measure speech rate automatically": syllable nuclei are peaks of the intensity contour that are
no more than 25 dB below the loudest part, stand out by at least 2 dB from the dip before the
next peak, and are voiced. Silences of 0.3 s or more inside speech are pauses. Pitch comes from
a normalised autocorrelation tracker (Boersma 1993, simplified), 75-500 Hz.
All contours have one value per 10 ms.
"""
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from emotion.audio import HOP_LENGTH, SAMPLE_RATE, STEP_SECONDS
from emotion.errors import NoSpeechFound
from emotion.speech_types import DeliveryMeasures, Pause

INTENSITY_WINDOW = SAMPLE_RATE // 10      # 100 ms; chosen with MIN_DIP_DB on actors 01-10 (card)
PITCH_WINDOW = SAMPLE_RATE * 40 // 1000  # 40 ms: three periods of 75 Hz
PITCH_FLOOR_HZ, PITCH_CEILING_HZ = 75.0, 500.0
VOICING_THRESHOLD = 0.5         # normalised autocorrelation peak
SUBHARMONIC_RATIO = 1.7         # ~9 semitones
OCTAVE_COST = 0.01              # per octave, favours the higher of two similar candidates
SILENCE_BELOW_MAX_DB = 25.0     # de Jong & Wempe: silence threshold -25 dB re the 99th percentile
ABSOLUTE_FLOOR_DB = -60.0       # anything quieter than this (dB full scale) is silence anyway
MIN_DIP_DB = 3.0               # de Jong & Wempe use 2 dB with a 64 ms window
MIN_PAUSE_SECONDS = 0.3
MIN_SOUNDING_SECONDS = 0.1
MIN_VOICED_SECONDS = 0.25       # less voiced sound than this in a recording: no speech


@dataclass(frozen=True)
class Contours:
    """Per 10 ms frame: intensity (dB full scale), sounding, f0 (Hz, 0 where unvoiced)."""

    intensity_db: np.ndarray
    sounding: np.ndarray
    f0_hz: np.ndarray
    duration_seconds: float

    @property
    def voiced(self) -> np.ndarray:
        return (self.f0_hz > 0) & self.sounding


def contours(samples: np.ndarray) -> Contours:
    samples = np.asarray(samples, dtype=np.float32)
    intensity = intensity_db(samples)
    sounding = sounding_frames(intensity)
    f0 = _raise_subharmonics(pitch_hz(samples, len(intensity)), sounding)
    return Contours(intensity, sounding, f0, len(samples) / SAMPLE_RATE)


def _raise_subharmonics(f0: np.ndarray, sounding: np.ndarray) -> np.ndarray:
    """Double f0 where it sits more than 9 semitones below the recording's median: the
    autocorrelation's usual error is locking onto twice the period."""
    voiced = (f0 > 0) & sounding
    if voiced.sum() < 5:
        return f0
    low = np.median(f0[voiced]) / SUBHARMONIC_RATIO
    fix = (f0 > 0) & (f0 < low) & (2 * f0 <= PITCH_CEILING_HZ)
    return np.where(fix, 2 * f0, f0).astype(np.float32)


def sounding_frames(intensity: np.ndarray) -> np.ndarray:
    """Frames no more than 25 dB below the loudest (99th percentile), with blips and gaps cleaned."""
    threshold = max(np.percentile(intensity, 99) - SILENCE_BELOW_MAX_DB, ABSOLUTE_FLOOR_DB)
    return _clean_runs(intensity >= threshold)


def _centred_frames(samples: np.ndarray, length: int) -> np.ndarray:
    """(n, length) frames centred on every 10 ms step, zero-padded at the ends."""
    padded = np.pad(samples, (length // 2, length // 2 + HOP_LENGTH))
    n = max(1, int(np.ceil(len(samples) / HOP_LENGTH)))
    return np.lib.stride_tricks.sliding_window_view(padded, length)[::HOP_LENGTH][:n]


@lru_cache(maxsize=2)
def _window(length: int) -> np.ndarray:
    return np.hanning(length).astype(np.float32)


def intensity_db(samples: np.ndarray) -> np.ndarray:
    window = _window(INTENSITY_WINDOW)
    power = (_centred_frames(samples, INTENSITY_WINDOW) ** 2) @ (window / window.sum())
    return 10 * np.log10(power + 1e-10)


def pitch_hz(samples: np.ndarray, n_frames: int, block: int = 3000) -> np.ndarray:
    """f0 per 10 ms (0 = unvoiced): the best autocorrelation peak, corrected for the window.
    Works through 30 s blocks so a long recording does not need gigabytes at once."""
    frames = _centred_frames(samples, PITCH_WINDOW)[:n_frames]
    return np.concatenate([_block_pitch(frames[i: i + block]) for i in range(0, len(frames), block)])


def _block_pitch(frames: np.ndarray) -> np.ndarray:
    window = _window(PITCH_WINDOW)
    frames = (frames - frames.mean(axis=1, keepdims=True)) * window
    from scipy import fft

    # 1024 points: circular wrap-around reaches lags above 1024 - 640 = 384 only, past the
    # longest period searched (213 samples = 75 Hz). scipy keeps float32, numpy would not.
    spectrum = fft.rfft(frames, n=1024, axis=1)
    acf = fft.irfft(spectrum.real ** 2 + spectrum.imag ** 2, n=1024, axis=1)[:, :PITCH_WINDOW]
    acf = acf / (acf[:, :1] + 1e-12) / _window_acf(PITCH_WINDOW)
    low, high = int(SAMPLE_RATE / PITCH_CEILING_HZ), int(SAMPLE_RATE / PITCH_FLOOR_HZ)
    lags = np.arange(low, high + 1)
    strength = acf[:, low: high + 1] - OCTAVE_COST * np.log2(lags * PITCH_FLOOR_HZ / SAMPLE_RATE)
    best = strength.argmax(axis=1)
    peak = acf[np.arange(len(acf)), low + best]
    f0 = SAMPLE_RATE / lags[best]
    voiced = (peak >= VOICING_THRESHOLD) & (acf[:, 0] > 0)
    return np.where(voiced, f0, 0.0).astype(np.float32)


@lru_cache(maxsize=2)
def _window_acf(length: int) -> np.ndarray:
    window = _window(length)
    acf = np.correlate(window, window, mode="full")[length - 1:]
    return np.maximum(acf / acf[0], 1e-3).astype(np.float32)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) index pairs of the True runs in ``mask`` (end exclusive)."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


def _clean_runs(sounding: np.ndarray) -> np.ndarray:
    """Drop sounding blips shorter than 0.1 s, then fill silences shorter than 0.3 s."""
    cleaned = sounding.copy()
    for start, end in _runs(sounding):
        if (end - start) * STEP_SECONDS < MIN_SOUNDING_SECONDS:
            cleaned[start:end] = False
    for start, end in _runs(~cleaned):
        if start > 0 and end < len(cleaned) and (end - start) * STEP_SECONDS < MIN_PAUSE_SECONDS:
            cleaned[start:end] = True
    return cleaned


def syllable_nuclei(c: Contours) -> np.ndarray:
    """Frame indices of syllable nuclei (de Jong & Wempe 2009)."""
    level = c.intensity_db
    threshold = max(np.percentile(level, 99) - SILENCE_BELOW_MAX_DB, ABSOLUTE_FLOOR_DB)
    inner = level[1:-1]
    peaks = np.flatnonzero((inner > level[:-2]) & (inner >= level[2:]) & (inner >= threshold)) + 1
    kept = []
    for i, peak in enumerate(peaks):
        following = peaks[i + 1] if i + 1 < len(peaks) else len(level)
        dip = level[peak:following].min()
        if level[peak] - dip >= MIN_DIP_DB:
            kept.append(peak)
    kept = np.array(kept, dtype=int)
    return kept[c.voiced[kept]] if kept.size else kept


def measure_delivery(samples: np.ndarray, c: Contours | None = None) -> DeliveryMeasures:
    """Speaking share, pauses, speaking rate, pitch and loudness of a 16 kHz recording.

    Raises :class:`NoSpeechFound` when it holds too little voiced sound to be speech.
    """
    c = c if c is not None else contours(samples)
    if c.voiced.sum() * STEP_SECONDS < MIN_VOICED_SECONDS:
        raise NoSpeechFound("No speech was heard in this recording: check the microphone and try again.")
    speaking = float(c.sounding.sum() * STEP_SECONDS)
    pauses = _pauses(c.sounding)
    syllables = len(syllable_nuclei(c))
    f0 = c.f0_hz[c.voiced]
    semitones = 12 * np.log2(f0 / 100.0)
    loud = c.intensity_db[c.sounding]
    lengths = [p.end - p.start for p in pauses]
    return DeliveryMeasures(
        duration_seconds=round(c.duration_seconds, 3),
        speaking_time_seconds=round(speaking, 3),
        speaking_share=round(speaking / c.duration_seconds, 4),
        pause_count=len(pauses),
        pause_mean_seconds=round(float(np.mean(lengths)), 3) if lengths else 0.0,
        pause_longest_seconds=round(max(lengths), 3) if lengths else 0.0,
        syllable_count=syllables,
        speaking_rate_syllables_per_second=round(syllables / c.duration_seconds, 3),
        articulation_rate_syllables_per_second=round(syllables / speaking, 3) if speaking else 0.0,
        pitch_median_hz=round(float(np.median(f0)), 1),
        pitch_median_semitones_re_100hz=round(float(np.median(semitones)), 2),
        pitch_range_semitones=round(float(np.percentile(semitones, 95) - np.percentile(semitones, 5)), 2),
        loudness_mean_db=round(float(loud.mean()), 2),
        loudness_variation_db=round(float(loud.std()), 2),
        pauses=tuple(pauses),
    )


def _pauses(sounding: np.ndarray) -> list[Pause]:
    """Silences of at least 0.3 s between the first and the last sounding frame."""
    pauses = []
    for start, end in _runs(~sounding):
        if start == 0 or end == len(sounding):
            continue  # before the first word or after the last: not a pause
        if (end - start) * STEP_SECONDS >= MIN_PAUSE_SECONDS:
            pauses.append(Pause(round(start * STEP_SECONDS, 2), round(end * STEP_SECONDS, 2)))
    return pauses
