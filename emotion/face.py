"""Facial emotion: find faces with OpenCV, read 7 FER2013 emotions per face with a Keras CNN.

``prepare_faces`` is the one pixel preparation shared by training and serving. The analyzer
loads its network lazily, once per process (see :mod:`emotion.registry`).
"""
import json
import logging
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from emotion import registry
from emotion.base import FaceReading, ImageAnalysis
from emotion.errors import DAMAGED_MODEL_FILE_ERRORS, ModelUnavailable

log = logging.getLogger(__name__)

FACE_CLASSES = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
FACE_SIZE = 48
MODEL_FILE = Path(__file__).resolve().parent.parent / "models" / "face" / "model.keras"


def prepare_faces(gray_faces: np.ndarray) -> np.ndarray:
    """uint8 faces (N, 48, 48) -> float32 (N, 48, 48, 1) in [-1, 1], the network's input."""
    faces = np.asarray(gray_faces, dtype=np.float32)
    if faces.ndim == 2:
        faces = faces[None]
    return (faces[..., None] / 127.5) - 1.0


@dataclass(frozen=True)
class DetectorSettings:
    # Detection runs on a copy whose shorter side is at most this: interview faces are large,
    # and a 240-pixel frame is ~4x cheaper to search than 480.
    detect_side: int = 240
    scale_factor: float = 1.15
    min_neighbors: int = 5
    min_face_fraction: float = 0.15   # smallest face, as a share of the frame's shorter side
    margin: float = 0.1               # widen the box on each side to match FER2013's framing
    # Video: look for the face again near where it was, in a window this much wider than the
    # face on each side, scaled so the face is about track_face_side pixels: a fraction of a
    # full-frame search. A full search runs when the face is lost and every full_search_every
    # frames, so a closer face that walks in is still picked up.
    track_window: float = 0.5
    track_face_side: int = 64
    full_search_every: int = 10


class FaceDetector:
    """Haar cascade (OpenCV 4.x ships it) on a downscaled, equalised frame."""

    def __init__(self, settings: DetectorSettings = DetectorSettings()):
        import cv2

        self.settings = settings
        cascade_file = Path(cv2.data.haarcascades) / "haarcascade_frontalface_default.xml"
        self._cascade = cv2.CascadeClassifier(str(cascade_file))
        if self._cascade.empty():
            raise ModelUnavailable(f"OpenCV face cascade missing at {cascade_file}")
        self._lock = threading.Lock()  # CascadeClassifier is not safe across threads

    def detect(self, gray: np.ndarray) -> list[tuple[int, int, int, int]]:
        """Face boxes (x, y, w, h) in the frame's own pixels, largest first."""
        import cv2

        scale = min(1.0, self.settings.detect_side / min(gray.shape[:2]))
        small = gray if scale == 1.0 else cv2.resize(gray, None, fx=scale, fy=scale,
                                                     interpolation=cv2.INTER_AREA)
        small = cv2.equalizeHist(small)
        min_side = max(24, int(min(small.shape[:2]) * self.settings.min_face_fraction))
        with self._lock:
            found = self._cascade.detectMultiScale(
                small, scaleFactor=self.settings.scale_factor,
                minNeighbors=self.settings.min_neighbors, minSize=(min_side, min_side))
        boxes = [tuple(int(round(v / scale)) for v in box) for box in found]
        return sorted(boxes, key=lambda b: b[2] * b[3], reverse=True)

    def detect_near(self, gray: np.ndarray, previous: tuple[int, int, int, int]) -> tuple[int, int, int, int] | None:
        """The largest face of about the previous one's size in a window around it, or None."""
        import cv2

        x, y, w, h = previous
        side = max(w, h)
        pad = self.settings.track_window * side
        left, top = max(0, int(x - pad)), max(0, int(y - pad))
        right, bottom = min(gray.shape[1], int(x + w + pad)), min(gray.shape[0], int(y + h + pad))
        if right - left < side or bottom - top < side:  # the face is no longer inside this frame
            return None
        scale = min(1.0, self.settings.track_face_side / side)
        window = cv2.resize(gray[top:bottom, left:right], None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        window = cv2.equalizeHist(window)
        # Between 0.7x and 1.45x the last face, and never below the full search's smallest face,
        # so the box cannot shrink step by step onto a small false detection.
        smallest = int(scale * max(side * 0.7, min(gray.shape[:2]) * self.settings.min_face_fraction))
        largest = int(side * scale * 1.45) + 1
        with self._lock:
            found = self._cascade.detectMultiScale(
                window, scaleFactor=self.settings.scale_factor, minNeighbors=self.settings.min_neighbors,
                minSize=(smallest, smallest), maxSize=(largest, largest))
        if len(found) == 0:
            return None
        bx, by, bw, bh = max(found, key=lambda b: b[2] * b[3])
        return (int(round(bx / scale)) + left, int(round(by / scale)) + top,
                int(round(bw / scale)), int(round(bh / scale)))

    def crop(self, gray: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
        """A 48x48 square face around ``box``, widened by the margin, edges padded."""
        import cv2

        x, y, w, h = box
        side = int(round(max(w, h) * (1 + 2 * self.settings.margin)))
        cx, cy = x + w / 2, y + h / 2
        left, top = int(round(cx - side / 2)), int(round(cy - side / 2))
        padded = cv2.copyMakeBorder(gray, side, side, side, side, cv2.BORDER_REPLICATE)
        square = padded[top + side: top + 2 * side, left + side: left + 2 * side]
        return cv2.resize(square, (FACE_SIZE, FACE_SIZE), interpolation=cv2.INTER_AREA)


# Test-time augmentation: the views of each face whose probabilities are averaged.
# "flip_shifts" (the face, four copies shifted by SHIFT_PIXELS diagonally, and the mirror image
# of all five) is about a point more accurate on PublicTest than "flip", but 10 views cost ~30 ms
# a face on 2 cores, over the live overlay's 30 ms budget; so the product serves "flip" (figures
# in models/face/MODEL_CARD.md).
TTA_VIEWS = ("single", "flip", "flip_shifts")
SHIFT_PIXELS = 3
SERVED_VIEWS = "flip"


def load_face_network(model_file: Path):
    """The Keras network in ``model_file``; ModelUnavailable when it is missing or damaged."""
    import keras

    if not Path(model_file).exists():
        raise ModelUnavailable(f"face model weights missing: {model_file}")
    # Keras reports an empty or cut-short .keras as ValueError ("File not found" even when the
    # file is there), a damaged weights file as h5py's OSError, a broken config as JSON errors.
    try:
        return keras.models.load_model(model_file, compile=False)
    except DAMAGED_MODEL_FILE_ERRORS as error:
        raise ModelUnavailable(f"face model damaged, cannot load {model_file}: {error}") from error


class FaceEmotionModel:
    """The Keras CNN behind one compiled function; batches of any size, no retracing."""

    def __init__(self, model_file: Path = MODEL_FILE, views: str = SERVED_VIEWS):
        from emotion.runtime import tensorflow

        tf = tensorflow()
        if views not in TTA_VIEWS:
            raise ValueError(f"views must be one of {TTA_VIEWS}")
        self.keras_model = load_face_network(model_file)
        self.views = views
        network = self.keras_model

        def edge_padded(batch, n):  # repeat the border pixels, as the detector's crop does
            batch = tf.concat([tf.repeat(batch[:, :1], n, axis=1), batch, tf.repeat(batch[:, -1:], n, axis=1)], axis=1)
            return tf.concat([tf.repeat(batch[:, :, :1], n, axis=2), batch, tf.repeat(batch[:, :, -1:], n, axis=2)], axis=2)

        def shifted(batch):
            padded = edge_padded(batch, SHIFT_PIXELS)
            far = 2 * SHIFT_PIXELS
            return [batch] + [padded[:, top:top + FACE_SIZE, left:left + FACE_SIZE]
                              for top, left in ((0, 0), (0, far), (far, 0), (far, far))]

        @tf.function(input_signature=[tf.TensorSpec([None, FACE_SIZE, FACE_SIZE, 1], tf.float32)],
                     reduce_retracing=True)
        def predict(batch):
            variants = shifted(batch) if views == "flip_shifts" else [batch]
            if views != "single":
                variants += [tf.reverse(variant, axis=[2]) for variant in variants]
            probabilities = network(tf.concat(variants, axis=0), training=False)
            return tf.reduce_mean(tf.reshape(probabilities, [len(variants), -1, len(FACE_CLASSES)]), axis=0)

        self._predict = predict

    def predict(self, faces48: np.ndarray) -> np.ndarray:
        """(N, 48, 48) uint8 faces -> (N, 7) probabilities."""
        if len(faces48) == 0:
            return np.zeros((0, len(FACE_CLASSES)), np.float32)
        return self._predict(prepare_faces(faces48)).numpy()


class FaceAnalyzer:
    """Every face in an image, or a timeline over a video, with 7 emotion probabilities each."""

    def __init__(self, model_file: Path = MODEL_FILE, settings: DetectorSettings = DetectorSettings()):
        self.detector = FaceDetector(settings)
        self._model_file = model_file
        self._model: FaceEmotionModel | None = None
        self._lock = threading.Lock()

    @property
    def model(self) -> FaceEmotionModel:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = FaceEmotionModel(self._model_file)
        return self._model

    @cached_property
    def model_accuracy(self) -> float | None:
        """The shipped model's validation accuracy (as served), from its metrics.json."""
        try:
            metrics = json.loads((Path(self._model_file).parent / "metrics.json").read_text())
            return float(metrics["served"]["accuracy"])
        except (OSError, KeyError, ValueError, TypeError):
            return None

    def analyze_image(self, image) -> ImageAnalysis:
        """Faces with boxes and probabilities; an image with no face gives an empty list."""
        from emotion.media import decode_image

        gray = decode_image(image)
        boxes = self.detector.detect(gray)
        faces = np.stack([self.detector.crop(gray, box) for box in boxes]) if boxes else np.zeros((0, 48, 48), np.uint8)
        probabilities = self.model.predict(faces)
        readings = tuple(FaceReading(box=box, probabilities=_named(p)) for box, p in zip(boxes, probabilities))
        return ImageAnalysis(width=gray.shape[1], height=gray.shape[0], faces=readings)

    def analyze_video(self, path, frames_per_second: float = 5.0):
        """Timeline and summary of a recording; see :mod:`emotion.video`."""
        from emotion.video import analyze_video

        return analyze_video(self, path, frames_per_second)

    def largest_faces(self, frames: list[np.ndarray]) -> list[np.ndarray | None]:
        """The biggest face of each frame as a 48x48 crop, or None where there is none."""
        crops = []
        for gray in frames:
            boxes = self.detector.detect(gray)
            crops.append(self.detector.crop(gray, boxes[0]) if boxes else None)
        return crops

    def track_largest_faces(self, frames: Iterable[np.ndarray]) -> Iterator[np.ndarray | None]:
        """For consecutive video frames: the main face of each as a 48x48 crop, or None.

        Searches near the last face first (see DetectorSettings.track_window), the whole frame
        when that fails and every few frames.
        """
        previous, shape = None, None
        every = max(1, self.detector.settings.full_search_every)
        for index, gray in enumerate(frames):
            if gray.shape != shape:  # a recording can change resolution midway
                previous, shape = None, gray.shape
            box = None
            if previous is not None and index % every:
                box = self.detector.detect_near(gray, previous)
            if box is None:
                boxes = self.detector.detect(gray)
                box = boxes[0] if boxes else None
            previous = box
            yield None if box is None else self.detector.crop(gray, box)

    def heatmap(self, face48: np.ndarray) -> np.ndarray:
        """Grad-CAM of the predicted class for one 48x48 face: (48, 48) floats in [0, 1]."""
        from emotion.explain import grad_cam

        served_class = int(self.model.predict(face48[None]).argmax())  # the class the report shows
        return grad_cam(self.model.keras_model, prepare_faces(face48), class_index=served_class)


def _named(probabilities: np.ndarray) -> dict[str, float]:
    return {name: float(p) for name, p in zip(FACE_CLASSES, probabilities)}


def get_face_analyzer() -> FaceAnalyzer:
    return registry.get_or_build("face", FaceAnalyzer)
