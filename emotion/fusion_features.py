"""Frame-level features of each channel for the design's feature-level fusion network
(training/train_fusion.py; measured, not served: models/fusion/MODEL_CARD.md), here so that a
served network would read frames exactly as training computed them.

- Face: the face network's 256 penultimate features of each sampled video frame with a face
  (5 frames a second, :class:`emotion.face.FeatureRecorder`); frames without a face are missing.
- Voice: every 100 ms of audio as the mean and the spread of the speech model's 53 frame contours
  (:mod:`emotion.speech_functionals`: mel band levels and loudness relative to the recording's
  loud level, MFCCs, spectral shape); stretches more than SILENT_BELOW_DB under the loud level
  are silence, and missing.
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
