"""RAVDESS speech: labels folded to the 7 classes, decoded clips, and features cached on disk.

A folder in the ``speech/`` layout holds audio files (any sub-folders) and a ``labels.csv``
whose ``path`` column is relative to the folder and whose ``emotion`` column holds RAVDESS
names (calm is folded into neutral).
"""
import hashlib
import logging
from pathlib import Path

import numpy as np

from emotion.audio import load_audio
from emotion.speech_types import SPEECH_CLASSES
from training.data import datasets_dir

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / "training" / "runs" / "speech"
FOLDED = {"calm": "neutral", "fear": "fearful", "surprise": "surprised"}


def speech_dir() -> Path:
    return datasets_dir() / "speech"


def load_labels(folder: Path):
    """The folder's labels.csv as a DataFrame with a ``label`` column (index into SPEECH_CLASSES).

    Raises FileNotFoundError without labels.csv and ValueError for unknown columns or emotions.
    """
    import pandas as pd

    table_file = Path(folder) / "labels.csv"
    if not table_file.is_file():
        raise FileNotFoundError(f"no labels.csv in {folder}")
    table = pd.read_csv(table_file)
    if "path" not in table.columns and "file" in table.columns:  # files directly in the folder
        table = table.assign(path=table["file"])
    missing = [column for column in ("path", "emotion") if column not in table.columns]
    if missing:
        raise ValueError(f"{table_file} lacks the columns {', '.join(missing)}")
    blank = table["path"].isna() | (table["path"].astype(str).str.strip() == "")
    if blank.any():
        rows = ", ".join(str(row + 2) for row in blank[blank].index[:5])  # +2: header, 1-based
        raise ValueError(f"{table_file}: no path on line(s) {rows}")
    names = table["emotion"].astype(str).str.strip().str.lower().replace(FOLDED)
    unknown = sorted(set(names) - set(SPEECH_CLASSES))
    if unknown:
        raise ValueError(f"{table_file} has emotions outside the 7 classes: {', '.join(unknown)}")
    table = table.assign(label=names.map(SPEECH_CLASSES.index).astype(int))
    if "actor" not in table.columns:
        table = table.assign(actor=0)
    return table.reset_index(drop=True)


def load_clips(folder: Path, table) -> list[np.ndarray]:
    """Every clip of the table, decoded to 16 kHz mono float32."""
    return [load_audio(Path(folder) / relative) for relative in table["path"]]


# The code every cached feature is computed with: editing any of these files gives new cache
# names, so a changed descriptor can never be read back from an old cache.
# (delivery.py holds the pitch tracker that the pitch statistics use)
FEATURE_CODE = (*(REPO / "emotion" / name
                   for name in ("audio.py", "delivery.py", "speech_features.py", "speech_functionals.py")),
                REPO / "training" / "speech_classic_features.py")


def cache_path(name: str, table, more_code: tuple = ()) -> Path:
    """``CACHE/name-<hash of the file list and of the feature code>.npz``; ``more_code``: files
    outside :data:`FEATURE_CODE` that the features also depend on, or functions (their source
    only: editing the rest of their file keeps the cache)."""
    import inspect

    digest = hashlib.sha1("\n".join(table["path"]).encode())
    for source in (*FEATURE_CODE, *more_code):
        digest.update(source.read_bytes() if isinstance(source, Path) else inspect.getsource(source).encode())
    return CACHE / f"{name}-{digest.hexdigest()[:10]}.npz"


def cached(name: str, table, build, more_code: tuple = ()):
    """``build()`` once, kept at :func:`cache_path`."""
    path = cache_path(name, table, more_code)
    if path.exists():
        with np.load(path) as stored:
            return {k: stored[k] for k in stored.files}
    arrays = build()
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)
    log.info("cached %s", path)
    return arrays


# --- augmentation and features ------------------------------------------------------------

N_DEEP_COPIES = 4   # augmented log-mel versions of each clip, drawn from one per epoch


def speed_perturbed(clip: np.ndarray, factor: float) -> np.ndarray:
    """The clip played ``factor`` times as fast: pitch, formants and tempo move together, as
    between a shorter and a longer vocal tract, so the copies sound like other speakers."""
    from scipy.signal import resample_poly

    return resample_poly(clip, 100, int(round(100 * factor))).astype(np.float32)


def augment(clip: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Speed (pitch and tempo together, +-10%), gain (+-6 dB) and white noise at 10-30 dB SNR."""
    clip = speed_perturbed(clip, rng.uniform(0.9, 1.1))
    clip = clip * np.float32(10 ** (rng.uniform(-6, 6) / 20))
    signal_power = np.mean(clip ** 2) + 1e-12
    noise_power = signal_power / 10 ** (rng.uniform(10, 30) / 10)
    return (clip + rng.normal(0, np.sqrt(noise_power), len(clip))).astype(np.float32)


def make_classic_features(folder: Path, table, seed: int) -> dict:
    """Classic descriptors of each clip, clean and once augmented: (N, 400) each."""
    from emotion.speech_features import trim_silence
    from training.speech_classic_features import classic_features

    rng = np.random.default_rng(seed)
    clean, augmented = [], []
    for number, clip in enumerate(load_clips(folder, table)):
        speech = trim_silence(clip)
        clean.append(classic_features(speech))
        augmented.append(classic_features(augment(speech, rng)))
        if number % 200 == 0:
            log.info("classic features: %d/%d", number, len(table))
    return {"clean": np.stack(clean), "augmented": np.stack(augmented)}


def make_deep_features(folder: Path, table, seed: int) -> dict:
    """Log-mel windows of each clip: clean and centred (N, 5, 25, 32), and
    :data:`N_DEEP_COPIES` augmented copies at random positions (copies, N, 5, 25, 32)."""
    from emotion.audio import SAMPLE_RATE
    from emotion.speech_features import trim_silence
    from training.speech_classic_features import SEGMENT_SECONDS, fit_segment, mel_windows

    rng = np.random.default_rng(seed + 1)
    length = int(SEGMENT_SECONDS * SAMPLE_RATE)
    clean, augmented = [], []
    for clip in load_clips(folder, table):
        speech = trim_silence(clip)
        clean.append(mel_windows(fit_segment(speech)))
        copies = []
        for _ in range(N_DEEP_COPIES):
            noisy = augment(speech, rng)
            offset = int(rng.integers(0, abs(length - len(noisy)) + 1))
            copies.append(mel_windows(fit_segment(noisy, offset)))
        augmented.append(np.stack(copies))
    return {"clean": np.stack(clean).astype(np.float16),
            "augmented": np.stack(augmented, axis=1).astype(np.float16)}


def make_pitch_features(folder: Path, table) -> dict:
    """The 32 prosody numbers of :func:`emotion.speech_features.pitch_features` per clip."""
    from emotion.speech_features import pitch_features

    return {"clean": np.stack([pitch_features(clip) for clip in load_clips(folder, table)])}


def make_wide_features(folder: Path, table) -> dict:
    """The 2,120 functionals of :func:`emotion.speech_functionals.wide_features` per clip."""
    from emotion.speech_functionals import wide_features

    return {"clean": np.stack([wide_features(clip) for clip in load_clips(folder, table)])}


def make_whisper_features(folder: Path, table) -> dict:
    """:func:`emotion.voice_embedding.whisper_embedding` of every clip (~7 min on 2 cores)."""
    from emotion.voice_embedding import whisper_embedding

    return {"clean": np.stack([whisper_embedding(clip) for clip in load_clips(folder, table)])}


def whisper_features(folder: Path, table) -> dict:
    """:func:`make_whisper_features`, cached; the cache also follows the embedding's code."""
    return cached("whisper", table, lambda: make_whisper_features(folder, table),
                  more_code=(REPO / "emotion" / "voice_embedding.py",))


def make_speed_features(folder: Path, table, factor: float) -> dict:
    """The wide functionals and pitch statistics of every clip played ``factor`` times as fast."""
    from emotion.speech_features import pitch_features
    from emotion.speech_functionals import wide_features

    wide, pitch = [], []
    for number, clip in enumerate(load_clips(folder, table)):
        faster = speed_perturbed(clip, factor)
        wide.append(wide_features(faster))
        pitch.append(pitch_features(faster))
        if number % 200 == 0:
            log.info("features at speed %.2f: %d/%d", factor, number, len(table))
    return {"wide": np.stack(wide), "pitch": np.stack(pitch)}


def speed_copies(folder: Path, table, factor: float) -> dict:
    """:func:`make_speed_features`, cached; the cache also follows the perturbation's code."""
    return cached(f"speed{factor}", table, lambda: make_speed_features(folder, table, factor),
                  more_code=(load_clips, speed_perturbed, make_speed_features))


def make_whisper_context_features(folder: Path, table, seed: int = 0, gain: float = 1.0) -> dict:
    """Each clip's Whisper embedding as an answer would give it (issue 20's served voice model):
    every actor's clips joined in a random order into one recording, encoded once 30 s at a time
    (:func:`emotion.voice_embedding.encoded_frames`), each clip's span pooled
    (:func:`emotion.voice_embedding.pooled_windows`), so the encoder also hears the neighbouring
    clips, as it hears the rest of an answer around each window (~1 min on 2 cores). ``gain``
    scales every clip first (bench.bench_speech_level)."""
    from emotion.audio import SAMPLE_RATE
    from emotion.voice_embedding import pooled_windows

    clips = [clip * np.float32(gain) for clip in load_clips(folder, table)]
    embedded = np.zeros((len(table), 768), np.float32)
    for rows, starts, frames in actor_recordings(clips, table, seed):
        edges = np.append(starts, starts[-1] + len(clips[rows[-1]])) / SAMPLE_RATE
        embedded[rows] = pooled_windows(frames, list(zip(edges[:-1], edges[1:])))
    return {"clean": embedded}


def actor_recordings(clips: list[np.ndarray], table, seed: int = 0):
    """Per actor, their clips joined in a random order (``seed``) into one recording and encoded
    once (:func:`emotion.voice_embedding.encoded_frames`), as an answer is: yields (the clips'
    rows in that order, each clip's first sample in the recording, the encoder's frames)."""
    from emotion.voice_embedding import encoded_frames

    rng = np.random.default_rng(seed)
    for actor in np.unique(table["actor"]):
        rows = rng.permutation(np.flatnonzero(table["actor"].to_numpy() == actor))
        starts = np.cumsum([0] + [len(clips[row]) for row in rows[:-1]])
        yield rows, starts, encoded_frames(np.concatenate([clips[row] for row in rows]))
        log.info("whisper in context: actor %s", actor)


CONTEXT_ORDERS = 3   # random orders in which each actor's clips are joined into one recording


def whisper_views(folder: Path, table) -> dict:
    """The Whisper embeddings as the speech model trains on them: ``whisper`` (each clip within
    its actor's recording, the first order), ``whisper@1``, ``whisper@2`` (other orders) and
    ``whisper@alone`` (each clip encoded by itself, as a short answer or one clip is read)."""
    views = {"whisper@alone": whisper_features(folder, table)["clean"]}
    for seed in range(CONTEXT_ORDERS):
        views["whisper" + (f"@{seed}" if seed else "")] = whisper_context_features(folder, table, seed)["clean"]
    return views


def whisper_context_features(folder: Path, table, seed: int = 0) -> dict:
    """:func:`make_whisper_context_features` (clips joined in the order ``seed`` draws), cached
    like :func:`whisper_features`."""
    return cached("whisper_context" + (f"_s{seed}" if seed else ""), table,
                  lambda: make_whisper_context_features(folder, table, seed),
                  more_code=(REPO / "emotion" / "voice_embedding.py", load_clips, make_whisper_context_features))
