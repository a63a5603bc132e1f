"""Finding the candidate's face: OpenCV's Haar cascade on a downscaled, equalised frame, and
tracking it from frame to frame in a video. Knows nothing of emotions."""
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from emotion.errors import ModelUnavailable

FACE_SIZE = 48   # FER2013's side: every crop is resized to it


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

    def track_main_face(self, frames: Iterable[np.ndarray]) -> Iterator[np.ndarray | None]:
        """For consecutive video frames: the main face of each as a 48x48 crop, or None.

        Searches near the last face first (see DetectorSettings.track_window), the whole frame
        when that fails and every few frames.
        """
        previous, shape = None, None
        every = max(1, self.settings.full_search_every)
        for index, gray in enumerate(frames):
            if gray.shape != shape:  # a recording can change resolution midway
                previous, shape = None, gray.shape
            box = None
            if previous is not None and index % every:
                box = self.detect_near(gray, previous)
            if box is None:
                boxes = self.detect(gray)
                box = boxes[0] if boxes else None
            previous = box
            yield None if box is None else self.crop(gray, box)

    def largest_faces(self, frames: list[np.ndarray]) -> list[np.ndarray | None]:
        """The biggest face of each frame, searched on its own, as a 48x48 crop or None."""
        crops = []
        for gray in frames:
            boxes = self.detect(gray)
            crops.append(self.crop(gray, boxes[0]) if boxes else None)
        return crops
