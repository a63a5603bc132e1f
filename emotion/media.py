"""Decoding images and videos into grayscale frames, with domain errors for bad media."""
import logging
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from emotion.errors import EmptyInput, UnreadableMedia

log = logging.getLogger(__name__)

MAX_VIDEO_SECONDS = 15 * 60  # a guard against endless streams, far above any answer


def decode_image(source: bytes | str | Path | np.ndarray) -> np.ndarray:
    """An image (encoded bytes, a path, or an array) as a grayscale uint8 array."""
    import cv2

    if isinstance(source, np.ndarray):
        image = source
    else:
        data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
        if not data:
            raise EmptyInput("The image is empty.")
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
        if image is None:
            raise UnreadableMedia("This image could not be read: send a JPEG or PNG.")
    return to_gray(image)


def to_gray(image: np.ndarray) -> np.ndarray:
    import cv2

    if image.ndim == 2:
        return image if image.dtype == np.uint8 else image.astype(np.uint8)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def sample_video_frames(path: str | Path, frames_per_second: float = 5.0) -> Iterator[tuple[float, np.ndarray]]:
    """Yield (seconds, grayscale frame) about ``frames_per_second`` times per second of video.

    Reads webm (VP8/VP9, as browsers record) and mp4. MediaRecorder files carry no frame count
    and sometimes no frame rate, so time comes from each frame's own timestamp.
    """
    import cv2

    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        raise EmptyInput("The video file is empty.")
    capture = cv2.VideoCapture(str(path))
    try:
        if not capture.isOpened():
            raise UnreadableMedia("This video could not be read: record again, or send a webm or mp4 file.")
        yield from _sampled(capture, 1.0 / frames_per_second)
    finally:
        capture.release()


def _sampled(capture, interval: float) -> Iterator[tuple[float, np.ndarray]]:
    import cv2

    fallback_fps = capture.get(cv2.CAP_PROP_FPS)
    if not (0 < fallback_fps < 240) or math.isnan(fallback_fps):
        fallback_fps = 30.0
    next_time, index, yielded = 0.0, 0, 0
    while capture.grab():
        seconds = capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        if not (seconds >= 0) or (index > 0 and seconds == 0):
            seconds = index / fallback_fps
        index += 1
        if seconds > MAX_VIDEO_SECONDS:
            break
        if seconds + 1e-6 < next_time:
            continue
        ok, frame = capture.retrieve()
        if not ok or frame is None:
            continue
        yielded += 1
        while next_time <= seconds + 1e-6:  # the next sample is due one interval on
            next_time += interval
        yield seconds, to_gray(frame)
    if yielded == 0:
        raise UnreadableMedia("No picture could be read from this video: it may be damaged or audio only.")
