"""Frame-level features of each channel for the design's feature-level fusion network
(training/train_fusion.py; measured, not served: models/fusion/MODEL_CARD.md), here so that a
served network would read frames exactly as training computed them.

- Face: the face network's 256 penultimate features of each sampled video frame with a face
  (5 frames a second, :class:`emotion.face.FeatureRecorder`); frames without a face are missing.
- Voice: every 100 ms of audio as the mean and the spread of the speech model's 53 frame contours
  (:mod:`emotion.speech_functionals`: mel band levels and loudness relative to the recording's
  loud level, MFCCs, spectral shape); stretches more than SILENT_BELOW_DB under the loud level
  are silence, and missing. Or (:func:`whisper_voice_frames`) every 100 ms as the served voice
  model hears it: the mean of Whisper tiny.en's five 20 ms encoder frames there
  (:mod:`emotion.voice_embedding`), with the same silence.
"""
import numpy as np

from emotion import speech_functionals as functionals
from emotion.audio import STEP_SECONDS

FACE_FRAMES_PER_SECOND = 5.0
VOICE_FRAME_SECONDS = 0.1
STEPS_PER_VOICE_FRAME = int(round(VOICE_FRAME_SECONDS / STEP_SECONDS))   # 10 contour steps of 10 ms
VOICE_WIDTH = 2 * len(functionals.CONTOUR_NAMES)                          # 106
LOUDNESS = functionals.N_BANDS   # the loudness column of the contours
SILENT_BELOW_DB = 35.0           # as the speech features trim silence (speech_features.TRIM_TOP_DB)


def voice_frames(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """16 kHz mono samples -> ((T, VOICE_WIDTH) float32 features, (T,) bool: voiced), one row
    per 100 ms; a recording shorter than one frame gives T = 0."""
    samples = np.asarray(samples, dtype=np.float32)
    if len(samples) < 2 * STEPS_PER_VOICE_FRAME * 160:
        return np.zeros((0, VOICE_WIDTH), np.float32), np.zeros(0, bool)
    contours = functionals.contours_of_stretch(functionals.frame_measures(samples))
    whole = len(contours) // STEPS_PER_VOICE_FRAME
    blocks = contours[: whole * STEPS_PER_VOICE_FRAME].reshape(whole, STEPS_PER_VOICE_FRAME, -1)
    frames = np.concatenate([blocks.mean(axis=1), blocks.std(axis=1)], axis=1).astype(np.float32)
    voiced = blocks[:, :, LOUDNESS].mean(axis=1) > -SILENT_BELOW_DB
    return frames, voiced


WHISPER_FRAMES_PER_VOICE_FRAME = 5   # 20 ms encoder frames in 100 ms


def whisper_voice_frames(encoded: np.ndarray, n_frames: int) -> np.ndarray:
    """(n_frames, 384) float32: each 100 ms of ``encoded`` ((T, 384) encoder frames of 20 ms,
    :func:`emotion.voice_embedding.encoded_frames`, from the 100 ms frame's start) as the mean of
    its five frames; a short end repeats the last frame."""
    wanted = n_frames * WHISPER_FRAMES_PER_VOICE_FRAME
    encoded = np.asarray(encoded, np.float32)[:wanted]
    if n_frames == 0 or len(encoded) == 0:
        return np.zeros((n_frames, encoded.shape[-1]), np.float32)
    encoded = np.concatenate([encoded, np.repeat(encoded[-1:], wanted - len(encoded), axis=0)])
    return encoded.reshape(n_frames, WHISPER_FRAMES_PER_VOICE_FRAME, -1).mean(axis=1)
