"""Facial emotion: the FER2013 classes and the input preparation shared by training and serving.

The analysis engine (detection, video timelines, heat maps) builds on this in the facial-emotion
issue; keeping the pixel preparation here means training and serving cannot drift.
"""
import numpy as np

FACE_CLASSES = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
FACE_SIZE = 48


def prepare_faces(gray_faces: np.ndarray) -> np.ndarray:
    """uint8 faces (N, 48, 48) -> float32 (N, 48, 48, 1) in [-1, 1], the network's input."""
    faces = np.asarray(gray_faces, dtype=np.float32)
    if faces.ndim == 2:
        faces = faces[None]
    return (faces[..., None] / 127.5) - 1.0
