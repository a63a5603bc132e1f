"""Finding the candidate's face with BlazeFace (:mod:`emotion.blazeface`) and cutting it out
as the emotion model's 48x48 gray input. Knows nothing of emotions.

BlazeFace costs ~2 ms a frame on 2 cores, so every sampled frame of a video is searched whole;
the Haar cascade this replaced needed tracking windows to keep up and still missed half the
faces of the labelled clips (figures in models/face/MODEL_CARD.md, "Face detection").
"""
from dataclasses import dataclass
from typing import Iterable, Iterator

import numpy as np

from emotion.camera_types import Detection

FACE_SIZE = 48   # FER2013's side: every crop is resized to it
RIGHT_EYE, LEFT_EYE, NOSE, MOUTH = 0, 1, 2, 3   # BlazeFace's keypoint order (the person's right, left)


@dataclass(frozen=True)
class CropSettings:
    """How a BlazeFace detection becomes a FER2013-like crop. BlazeFace's box runs from the
    brows to the chin; a FER2013 face is framed wider and higher, the forehead in: on PublicTest
    faces placed on frames its square is 1.21x the box's side, its centre 0.094 of the box's
    height above the box's. The defaults (that fit) read best of the choices measured
    (``python -m bench.bench_face_detection --crop-study``; models/face/MODEL_CARD.md)."""

    scale: float = 1.2          # crop side as a multiple of the box's larger side
    square: bool = True         # False: the box's own shape, widened by ``scale``, stretched to 48x48
    centre: str = "box"         # "box": the box's centre; "keypoints": between eyes and mouth
    align_eyes: bool = False    # turn the crop so the eyes lie level
    shift_down: float = -0.1    # move the centre down by this share of the box's height (up if < 0)


@dataclass(frozen=True)
class DetectorSettings:
    crop: CropSettings = CropSettings()


@dataclass(frozen=True)
class TrackedFace:
    """One video frame's main face: where it is, and its 48x48 gray crop."""

    detection: Detection
    crop: np.ndarray


class FaceDetector:
    """The faces of a frame (BGR or gray) as Detections and 48x48 gray crops."""

    def __init__(self, settings: DetectorSettings = DetectorSettings(), blaze_face=None):
        from emotion.blazeface import get_blaze_face

        self.settings = settings
        self.blaze_face = blaze_face or get_blaze_face()

    def detections(self, image: np.ndarray) -> list[Detection]:
        """Every face in ``image`` (HxWx3 BGR or HxW gray uint8), largest first."""
        return self.blaze_face.detect(image)

    def detect(self, image: np.ndarray) -> list[tuple[int, int, int, int]]:
        """Face boxes (x, y, w, h) in the frame's own pixels, largest first."""
        return [face.box for face in self.detections(image)]

    def main_face(self, frame: np.ndarray) -> Detection | None:
        """The largest face: in an interview recording, the candidate's."""
        faces = self.detections(frame)
        return faces[0] if faces else None

    def crop(self, image: np.ndarray, face: Detection | tuple[int, int, int, int]) -> np.ndarray:
        """A 48x48 gray face cut around ``face`` (a Detection, or a bare box) by the crop
        settings, edges padded by repeating the border."""
        return face_crop(image, face, self.settings.crop)

    def track_main_face(self, frames: Iterable[np.ndarray]) -> Iterator[TrackedFace | None]:
        """For consecutive video frames: the main face of each with its crop, or None."""
        for frame in frames:
            face = self.main_face(frame)
            yield None if face is None else TrackedFace(face, self.crop(frame, face))

    def largest_faces(self, frames: list[np.ndarray]) -> list[np.ndarray | None]:
        """The biggest face of each frame as a 48x48 crop, or None."""
        return [None if tracked is None else tracked.crop for tracked in self.track_main_face(frames)]


def face_crop(image: np.ndarray, face: Detection | tuple[int, int, int, int],
              settings: CropSettings = CropSettings()) -> np.ndarray:
    """The crop of :meth:`FaceDetector.crop`, for any settings (the crop study compares them)."""
    import cv2

    detection = face if isinstance(face, Detection) else None
    x, y, w, h = detection.box if detection else face
    centre = np.array([x + w / 2, y + h / 2 + settings.shift_down * h])
    if settings.centre == "keypoints" and detection:
        eyes = (np.array(detection.keypoints[RIGHT_EYE]) + detection.keypoints[LEFT_EYE]) / 2
        centre = (eyes + detection.keypoints[MOUTH]) / 2 + (0, settings.shift_down * h)
    size = np.array([max(w, h)] * 2 if settings.square else [w, h], float) * settings.scale
    angle = eye_line_degrees(detection) if settings.align_eyes and detection else 0.0
    # Cut a region wide enough for any turn, padded past the frame's edges, then gray it.
    reach = int(np.ceil(np.hypot(*size) / 2)) + 2
    left, top = int(round(centre[0])) - reach, int(round(centre[1])) - reach
    region = _padded_region(image, left, top, 2 * reach)
    gray = region if region.ndim == 2 else cv2.cvtColor(
        region, cv2.COLOR_BGRA2GRAY if region.shape[2] == 4 else cv2.COLOR_BGR2GRAY)
    local = centre - (left, top)
    if angle:
        turn = cv2.getRotationMatrix2D((float(local[0]), float(local[1])), angle, 1.0)
        gray = cv2.warpAffine(gray, turn, gray.shape[::-1], flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    x0, y0 = np.round(local - size / 2).astype(int)
    x1, y1 = np.round(local + size / 2).astype(int)
    cut = gray[max(0, y0):max(y0 + 1, y1), max(0, x0):max(x0 + 1, x1)]
    return cv2.resize(cut, (FACE_SIZE, FACE_SIZE), interpolation=cv2.INTER_AREA)


def eye_line_degrees(detection: Detection) -> float:
    """The eye line's angle to the horizontal, degrees (counter-clockwise in the image; OpenCV's
    rotation by this angle levels it)."""
    (rx, ry), (lx, ly) = detection.keypoints[RIGHT_EYE], detection.keypoints[LEFT_EYE]
    return float(np.degrees(np.arctan2(ly - ry, lx - rx)))


def _padded_region(image: np.ndarray, left: int, top: int, side: int) -> np.ndarray:
    """image[top:top+side, left:left+side], its parts outside the frame filled by repeating the
    border (as FER-style crops of a face at the frame's edge need)."""
    import cv2

    height, width = image.shape[:2]
    pads = (max(0, -top), max(0, top + side - height), max(0, -left), max(0, left + side - width))
    inside = image[max(0, top):min(height, top + side), max(0, left):min(width, left + side)]
    if inside.size == 0:
        return np.zeros((side, side) + image.shape[2:], image.dtype)
    if any(pads):
        inside = cv2.copyMakeBorder(inside, *pads, cv2.BORDER_REPLICATE)
    return inside
