"""Paired audio-visual sequences for the fusion network, built the way fixtures/av/ was built:
a FER2013 face of one emotion shown while a RAVDESS actor speaks with the same emotion.

The two channels of a pair are independent (a stranger's face, an actor's voice), so what fusion
gains on these pairs is an upper bound for real answers, where face and voice go together.

- Face frames: each face's 256 penultimate features in FACE_VIEWS views (the face, and four
  copies shifted 3 px diagonally: the detector's crop moves a little from frame to frame), one
  view drawn per frame at 5 frames a second; a pair loses its face for a stretch with
  P_FACE_GAP (out of view), as real answers do.
- Voice frames: :func:`emotion.fusion_features.voice_frames` of the clip (:func:`voice_sequences`),
  or each 100 ms as the Whisper encoder hears the clip within its actor's recording
  (:func:`whisper_voices`, with the same silence mask).
Training pairs: Training faces and actors TRAIN_ACTORS; validation pairs: PublicTest faces and
the other actors (3 men, 3 women). Everything is cached outside the repository.
"""
import hashlib
from pathlib import Path

import numpy as np

from emotion.face_network import FACE_CLASSES, SHIFT_PIXELS, diagonal_shifts
from emotion.fusion_features import FACE_FRAMES_PER_SECOND, voice_frames
from emotion.speech_types import SPEECH_CLASSES

CACHE = Path("/tmp/poise_fusion")
TRAIN_ACTORS = tuple(range(1, 15))        # 7 men (odd), 7 women (even)
VALIDATION_ACTORS = tuple(range(15, 21))  # 15, 17, 19 men; 16, 18, 20 women
FACE_VIEWS = 5
P_FACE_GAP = 0.3
# The speech classes in the face model's class order (FER2013's), the order fusion predicts in.
VOICE_TO_FACE = np.array([FACE_CLASSES.index(name) for name in
                          ("neutral", "happy", "sad", "angry", "fear", "disgust", "surprise")])
assert len(VOICE_TO_FACE) == len(SPEECH_CLASSES)


def shifted_views(faces48: np.ndarray) -> np.ndarray:
    """(N, 48, 48) -> (N, FACE_VIEWS, 48, 48): the face and its 4 diagonal shifts (the face
    model's "flip_shifts" views without the mirror images), edges repeated."""
    padded = np.pad(faces48, ((0, 0), (SHIFT_PIXELS, SHIFT_PIXELS), (SHIFT_PIXELS, SHIFT_PIXELS)), mode="edge")
    return np.stack([faces48, *diagonal_shifts(padded)], axis=1)


def fingerprint(*model_files: Path, int8: bool = False) -> str:
    """A short hash of these network files and of the TFLite copies videos read them through
    (float32, and with ``int8`` the int8 ones and the views they read): a cache made with other
    networks, other copies of them or other views is never read."""
    from emotion.face_lite import lite_files, sha256_of
    from emotion.face_network import WARPS

    copies = (False, True) if int8 else (False,)
    read = [path for model_file in model_files for quantised in copies
            for path in (model_file, *lite_files(model_file, quantised)) if path.is_file()]
    views = repr(WARPS) if int8 else ""
    return hashlib.sha256(("".join(sha256_of(path) for path in read) + views).encode()).hexdigest()[:12]


def face_features(usage: str) -> dict[str, np.ndarray]:
    """{"features" (N, V, 256) float16, "probabilities" (N, V, 7) float32, "labels" (N,)}: the
    served network's alone, ensemble members aside, cached."""
    from emotion.face_network import MODEL_FILE

    path = CACHE / f"faces_{usage}_{fingerprint(MODEL_FILE)}.npz"
    if path.is_file():
        with np.load(path) as stored:
            return dict(stored)
    from emotion.face import FaceAnalyzer
    from training.train_face import load_split

    faces, labels = load_split(usage)
    backbone = FaceAnalyzer().backbone
    views = shifted_views(faces).reshape(-1, 48, 48)
    features, probabilities = backbone.features(views, batch_size=512)
    arrays = {"features": features.reshape(len(faces), FACE_VIEWS, -1).astype(np.float16),
              "probabilities": probabilities.reshape(len(faces), FACE_VIEWS, -1), "labels": labels}
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)
    return arrays


def ensemble_probabilities(usage: str) -> np.ndarray:
    """(N, V, 7) float32: the faces of ``usage`` in the same views, read as videos read faces
    (emotion.face_network.EnsembleFaceModel: the served network and its ensemble members, each
    over 4 views of every shifted face, calibrated), cached."""
    from emotion.face_calibration import fitted_temperature
    from emotion.face_network import MODEL_FILE, WARPS, EnsembleFaceModel, ensemble_members

    files = (MODEL_FILE, *ensemble_members())
    temperature = fitted_temperature(files, WARPS)   # the probabilities are calibrated as videos read them
    path = CACHE / f"ensemble_{usage}_{fingerprint(*files, int8=True)}_t{temperature:.4f}.npy"
    if path.is_file():
        return np.load(path)
    from training.train_face import load_split

    faces, _ = load_split(usage)
    views = shifted_views(faces).reshape(-1, 48, 48)
    model = EnsembleFaceModel()
    probabilities = np.concatenate([model.predict(views[start:start + 512]) for start in range(0, len(views), 512)])
    probabilities = probabilities.reshape(len(faces), FACE_VIEWS, -1).astype(np.float32)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, probabilities)
    return probabilities


def cached_arrays(path: Path, build) -> dict[str, np.ndarray]:
    """``build()``'s arrays, saved at ``path`` the first time and read back from it after."""
    if path.is_file():
        with np.load(path) as stored:
            return dict(stored)
    arrays = build()
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)
    return arrays


def voice_sequences() -> dict[str, np.ndarray]:
    """Every RAVDESS clip (actors 01-20) as voice frames: {"frames" (sum T, 106), "voiced",
    "starts" (clips + 1), "labels" (FER2013 order), "actors"}, cached."""
    from emotion.audio import load_audio
    from training import speech_data

    def build() -> dict[str, np.ndarray]:
        folder = speech_data.speech_dir()
        table = speech_data.load_labels(folder)
        frames, voiced = zip(*(voice_frames(load_audio(folder / relative)) for relative in table["path"]))
        return {"frames": np.concatenate(frames), "voiced": np.concatenate(voiced),
                "starts": np.cumsum([0, *map(len, frames)]),
                "labels": VOICE_TO_FACE[table["label"].to_numpy()], "actors": table["actor"].to_numpy()}

    return cached_arrays(CACHE / "voices.npz", build)


def whisper_voices(voices: dict) -> dict[str, np.ndarray]:
    """:func:`voice_sequences` with each 100 ms frame as the served voice model hears it
    (:func:`emotion.fusion_features.whisper_voice_frames`, 384 wide), the voiced mask kept: every
    actor's clips joined in one recording and encoded once, as answers are read (the order of
    training.speech_data's "whisper" view); cached."""
    from emotion import voice_embedding
    from emotion.fusion_features import whisper_voice_frames
    from emotion.voice_embedding import ENCODER_FRAME_SAMPLES, WIDTH
    from training import speech_data

    def build() -> dict[str, np.ndarray]:
        folder = speech_data.speech_dir()
        table = speech_data.load_labels(folder)
        clips = speech_data.load_clips(folder, table)
        frames = np.zeros((len(voices["frames"]), WIDTH // 2), np.float32)   # the encoder's channels, no spread
        for rows, starts, encoded in speech_data.actor_recordings(clips, table):
            for row, first in zip(rows, starts // ENCODER_FRAME_SAMPLES):
                start, end = voices["starts"][row], voices["starts"][row + 1]
                frames[start:end] = whisper_voice_frames(encoded[first:], end - start)
        return {**voices, "frames": frames}

    # named for the clips' frames it follows and the encoder code it was read with
    key = hashlib.sha256(voices["starts"].tobytes() + Path(voice_embedding.__file__).read_bytes()).hexdigest()[:12]
    return cached_arrays(CACHE / f"voices_whisper_{key}.npz", build)


def clip_frames(voices: dict, clip: int) -> tuple[np.ndarray, np.ndarray]:
    start, end = voices["starts"][clip], voices["starts"][clip + 1]
    return voices["frames"][start:end], voices["voiced"][start:end]


def face_sequence(faces: dict, face: int, n_frames: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(n_frames, 256) features of one face, a random view per frame; (n_frames,) bool: seen;
    and the views drawn."""
    views = rng.integers(0, FACE_VIEWS, n_frames)
    seen = np.ones(n_frames, bool)
    if rng.random() < P_FACE_GAP and n_frames > 2:
        length = int(rng.integers(1, max(2, int(0.6 * n_frames))))
        start = int(rng.integers(0, n_frames - length + 1))
        seen[start:start + length] = False
    return faces["features"][face, views].astype(np.float32), seen, views


def make_pairs(faces: dict, voices: dict, clips: np.ndarray, faces_per_clip: int, seed: int) -> list[dict]:
    """For each clip, ``faces_per_clip`` pairs with a random face of the clip's emotion: dicts
    with face/voice frames and masks, the label, the clip, the face's index and actor."""
    rng = np.random.default_rng(seed)
    by_label = {label: np.flatnonzero(faces["labels"] == label) for label in range(len(FACE_CLASSES))}
    pairs = []
    for clip in clips:
        voice, voiced = clip_frames(voices, clip)
        label = int(voices["labels"][clip])
        n_face_frames = max(1, int(round(len(voice) * 0.1 * FACE_FRAMES_PER_SECOND)))
        for face in rng.choice(by_label[label], faces_per_clip, replace=False):
            face_frames, seen, views = face_sequence(faces, face, n_face_frames, rng)
            pairs.append({"face": face_frames, "seen": seen, "views": views, "voice": voice, "voiced": voiced, "label": label,
                          "clip": int(clip), "face_index": int(face), "actor": int(voices["actors"][clip])})
    return pairs


def padded(pairs: list[dict], key: str, mask_key: str, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Stack variable-length sequences: (B, T_max, width) zero-padded, (B, T_max) float mask."""
    longest = max(len(pair[key]) for pair in pairs)
    values = np.zeros((len(pairs), longest, width), np.float32)
    mask = np.zeros((len(pairs), longest), np.float32)
    for row, pair in enumerate(pairs):
        values[row, :len(pair[key])] = pair[key]
        mask[row, :len(pair[key])] = pair[mask_key]
    return values, mask


def batch_arrays(pairs: list[dict]) -> dict[str, np.ndarray]:
    face, seen = padded(pairs, "face", "seen", pairs[0]["face"].shape[1])
    voice, voiced = padded(pairs, "voice", "voiced", pairs[0]["voice"].shape[1])
    return {"face": face, "face_mask": seen, "voice": voice, "voice_mask": voiced,
            "label": np.array([pair["label"] for pair in pairs])}
