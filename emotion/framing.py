"""Framing and light of one video frame, from the face box alone: is the face big enough,
near the centre, wholly inside the picture, lit, and not against a bright window. Pure numpy
and OpenCV on the frame as it is; a few milliseconds on a 640x480 frame, less on the live
overlay's 320x240."""
import numpy as np

from emotion.camera_types import FRAMING_PROBLEMS, Detection

# too_small: face box narrower than this share of the frame width. Our own choice, from
# geometry: a 15 cm wide face at an arm's length (~60 cm) from a webcam with a ~65 degree
# horizontal field of view fills about 18% of the width; at 80 cm, about 13%. Interview
# advice asks for "head and shoulders" filling the frame (e.g. Indeed's and LinkedIn's
# video-interview guides), which puts the face near a fifth of the width.
MIN_FACE_WIDTH_SHARE = 0.15
# off_centre: face centre this share of the frame width (horizontally) or height (vertically)
# away from the frame centre. Our own choice: a centred face ± a fifth is still "in the
# middle" by the rule of thirds that video-call guides cite (eyes near the upper third line);
# vertically more slack, since guides put the eyes above the centre on purpose.
MAX_CENTRE_OFFSET_X = 0.20
MAX_CENTRE_OFFSET_Y = 0.25
# cut_off: the box crosses the frame's edge, or comes within this share of the side of it
# (a detector that clips its box to the frame leaves it touching the edge).
EDGE_MARGIN_SHARE = 0.005
# too_dark: mean luma (BT.601, 0-255) of the inner face below this. Our own choice: well-lit
# webcam skin reads ~100-170; below ~70 a webcam's auto-exposure runs out and the face turns
# grainy and flat, and the detector and landmarks start to fail.
MIN_FACE_LUMA = 70.0
# back_lit: background beside and above the head this many times brighter than the face,
# and itself bright. Our own choice: a face metered against a window or lamp behind it
# (the most common lighting fault in video-interview guides: "light in front of you, not
# behind") reads well under half the background's level.
BACK_LIGHT_RATIO = 1.8
MIN_BACKGROUND_LUMA = 120.0
# Whole frame (no face found) this dark reads too_dark on its own.
MIN_FRAME_LUMA = 40.0
# Inner part of the box used for the face's light, away from hair and background.
FACE_CORE = 0.6

FRAMING_HINTS = {
    "too_small": "Move closer: your face is small in the picture.",
    "off_centre": "Move to the middle: your face is far from the centre of the picture.",
    "cut_off": "Move back into the picture: part of your face is out of frame.",
    "too_dark": "Add light in front of you: your face is too dark to see well.",
    "back_lit": "Turn away from the bright light behind you, or add light in front: it leaves your face in shadow.",
}
assert set(FRAMING_HINTS) == set(FRAMING_PROBLEMS)


def framing_problems(frame_bgr: np.ndarray, detection: Detection | None) -> tuple[str, ...]:
    """The problems of FRAMING_PROBLEMS this frame has, in that order. With no detection only
    the light of the whole frame can be judged."""
    luma = _luma(frame_bgr)
    if detection is None:
        return ("too_dark",) if float(luma.mean()) < MIN_FRAME_LUMA else ()
    height, width = luma.shape
    x, y, w, h = detection.box
    found = set()
    if w < MIN_FACE_WIDTH_SHARE * width:
        found.add("too_small")
    if (abs(x + w / 2 - width / 2) > MAX_CENTRE_OFFSET_X * width
            or abs(y + h / 2 - height / 2) > MAX_CENTRE_OFFSET_Y * height):
        found.add("off_centre")
    if _crosses_edge(detection.box, width, height):
        found.add("cut_off")
    found.update(_light_problems(luma, detection.box))
    return tuple(problem for problem in FRAMING_PROBLEMS if problem in found)


def _luma(frame_bgr: np.ndarray) -> np.ndarray:
    import cv2

    if frame_bgr.ndim == 2:
        return frame_bgr
    return cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2GRAY)


def _crosses_edge(box: tuple[int, int, int, int], width: int, height: int) -> bool:
    x, y, w, h = box
    margin_x, margin_y = EDGE_MARGIN_SHARE * width, EDGE_MARGIN_SHARE * height
    return x < margin_x or y < margin_y or x + w > width - margin_x or y + h > height - margin_y


def _light_problems(luma: np.ndarray, box: tuple[int, int, int, int]) -> set[str]:
    height, width = luma.shape
    x, y, w, h = box
    inset_x, inset_y = w * (1 - FACE_CORE) / 2, h * (1 - FACE_CORE) / 2
    x0, x1 = _clip(x + inset_x, width), _clip(x + w - inset_x, width)
    y0, y1 = _clip(y + inset_y, height), _clip(y + h - inset_y, height)
    if x1 <= x0 or y1 <= y0:
        return set()
    face = float(luma[y0:y1, x0:x1].mean())
    problems = {"too_dark"} if face < MIN_FACE_LUMA else set()
    background = _background_luma(luma, box)
    if background is not None and background >= MIN_BACKGROUND_LUMA and background > BACK_LIGHT_RATIO * face:
        problems.add("back_lit")
    return problems


def _background_luma(luma: np.ndarray, box: tuple[int, int, int, int]) -> float | None:
    """Mean luma of the rows from the top of the frame down to the face's chin, outside the
    face box: where windows and lamps behind the head show (the body below is left out)."""
    height, width = luma.shape
    x, y, w, h = box
    bottom = _clip(y + h, height)
    band = luma[:bottom]
    if band.size == 0:
        return None
    x0, x1, y0 = _clip(x, width), _clip(x + w, width), _clip(y, height)
    face_sum = float(band[y0:bottom, x0:x1].sum(dtype=np.float64))
    face_count = max(0, bottom - y0) * max(0, x1 - x0)
    rest = band.size - face_count
    if rest < 0.05 * band.size:
        return None
    return (float(band.sum(dtype=np.float64)) - face_sum) / rest


def _clip(value: float, limit: int) -> int:
    return int(min(max(round(value), 0), limit))
