"""Decoding images and videos into frames (grayscale, or colour on request), with domain errors for bad media."""
import logging
import math
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from emotion.errors import EmptyInput, UnreadableMedia

log = logging.getLogger(__name__)

MAX_RECORDING_SECONDS = 15 * 60  # a guard against endless streams, far above any answer
PROBE_TIMEOUT_SECONDS = 30
# Frames decoded ahead of the caller. Decoding runs in its own thread (OpenCV lets go of the
# GIL), so a video's decoding overlaps its face detection; a few frames are enough to keep
# both busy, and each 640x480 gray frame is only 300 kB.
DECODE_AHEAD_FRAMES = 8


def decode_image(source: bytes | str | Path | np.ndarray) -> np.ndarray:
    """An image (encoded bytes, a path, or an array) as a grayscale uint8 array."""
    import cv2

    if isinstance(source, np.ndarray):
        image = source
    else:
        data = existing_file(source, "image").read_bytes() if isinstance(source, (str, Path)) else source
        if not data:
            raise EmptyInput("The image is empty.")
        # Grayscale, 8-bit whatever the file's depth (16-bit PNGs too), turned upright by its
        # EXIF orientation as phone photos need; IMREAD_UNCHANGED would do neither.
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
        if image is None:
            raise UnreadableMedia("This image could not be read: send a JPEG or PNG.")
    return to_gray(image)


def existing_file(source: str | Path, kind: str) -> Path:
    """``source`` as a Path; a domain error (not FileNotFoundError) when no such file exists, so
    library callers get the same kind of error for every bad input, image, video or audio."""
    path = Path(source)
    if not path.is_file():
        raise UnreadableMedia(f"No such {kind} file: {path.name}")
    return path


def to_gray(image: np.ndarray) -> np.ndarray:
    """A BGR, BGRA or gray array (8 or 16 bits) as 8-bit gray: the face detector's equalizeHist
    takes nothing else."""
    import cv2

    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    elif image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def sample_video_frames(path: str | Path, frames_per_second: float = 5.0,
                        colour: bool = False) -> Iterator[tuple[float, np.ndarray]]:
    """(seconds, frame) pairs, about ``frames_per_second`` of them per second of video; frames
    grayscale, or BGR uint8 as OpenCV decodes them with ``colour=True``.

    Reads webm (VP8/VP9, as browsers record) and mp4. MediaRecorder files carry no frame count
    and sometimes no frame rate, so time comes from each frame's own timestamp. Raises
    ValueError at once (not on the first frame) for a rate that is not a positive number.
    Frames are decoded in a background thread, up to DECODE_AHEAD_FRAMES ahead of the caller;
    decoding errors are raised in the caller, at the frame where they happened.
    """
    if not (math.isfinite(frames_per_second) and frames_per_second > 0):
        raise ValueError(f"frames_per_second must be a positive number, not {frames_per_second}")
    return decoded_ahead(_frames(Path(path), 1.0 / frames_per_second, colour), DECODE_AHEAD_FRAMES)


def decoded_ahead(items: Iterator, depth: int) -> Iterator:
    """``items``, produced in a background thread at most ``depth`` ahead of the consumer.

    The same items in the same order, and the producer's exception raised where it occurred.
    Closing this generator (``close()``, or leaving a ``for`` loop over it with an error) stops
    the producer, which then closes ``items`` in its own thread. A caller that hands the
    generator on should close it when done: while anything (a traceback, say) still holds an
    unfinished generator, its thread keeps the file open.
    """
    if depth < 1:
        raise ValueError(f"depth must be at least 1, not {depth}")  # Queue(0) would be unbounded
    handoff: queue.Queue = queue.Queue(maxsize=depth)
    stopped = threading.Event()

    def hand_over(kind: str, value) -> bool:
        while not stopped.is_set():
            try:
                handoff.put((kind, value), timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not hand_over("item", item):
                    return
            hand_over("end", None)
        except BaseException as error:  # handed to the consumer, who raises it
            hand_over("error", error)
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    producer = threading.Thread(target=produce, name="decode-ahead", daemon=True)
    started = False
    try:
        producer.start()
        started = True
        while True:
            kind, value = handoff.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stopped.set()
        # the garbage collector may close an abandoned generator from any thread, this one too
        if started and producer is not threading.current_thread():
            producer.join()


def _frames(path: Path, interval: float, colour: bool = False) -> Iterator[tuple[float, np.ndarray]]:
    import cv2

    if existing_file(path, "video").stat().st_size == 0:
        raise EmptyInput("The video file is empty.")
    # One decoding thread: the decoder runs beside the face detector and the face network, and
    # on 2 cores FFmpeg's own thread pool costs ~25 % more CPU for no faster a video analysis.
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, 1])
    try:
        if not capture.isOpened():
            raise UnreadableMedia("This video could not be read: record again, or send a webm or mp4 file.")
        yield from _sampled(capture, interval, colour)
    finally:
        capture.release()


def _sampled(capture, interval: float, colour: bool = False) -> Iterator[tuple[float, np.ndarray]]:
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
        if seconds > MAX_RECORDING_SECONDS:
            break
        if seconds + 1e-6 < next_time:
            continue
        ok, frame = capture.retrieve()
        if not ok or frame is None:
            continue
        yielded += 1
        # The next sample is due at the first whole interval after this frame: computed, not
        # stepped to, so a rate far above the video's own costs nothing.
        next_time = (math.floor((seconds + 1e-6) / interval) + 1) * interval
        yield seconds, (_to_bgr(frame) if colour else to_gray(frame))
    if yielded == 0:
        raise UnreadableMedia("No picture could be read from this video: it may be damaged or audio only.")


def _to_bgr(frame: np.ndarray) -> np.ndarray:
    """A decoded frame as 3-channel BGR uint8 (OpenCV gives gray for a few gray-only codecs)."""
    import cv2

    if frame.ndim == 2:
        return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    return frame


def run_ffprobe(path: str | Path, arguments: list[str]) -> subprocess.CompletedProcess | None:
    """``ffprobe -v error ARGUMENTS PATH`` (text output), or None when ffprobe is missing, fails
    to start or runs past PROBE_TIMEOUT_SECONDS: callers then keep their usual path."""
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        return None
    try:
        return subprocess.run([ffprobe, "-v", "error", *arguments, str(path)], capture_output=True, text=True,
                              timeout=PROBE_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None


def has_video_stream(path: str | Path) -> bool | None:
    """Whether ffprobe finds a picture stream in the file; None when it cannot tell (no ffprobe,
    or a file it cannot read), so callers keep their usual path and its usual error.

    A browser's audio-only MediaRecorder file is a .webm like its video recordings.
    """
    done = run_ffprobe(path, ["-select_streams", "v", "-show_entries", "stream=codec_type", "-of", "csv=p=0"])
    if done is None or done.returncode != 0:
        return None
    return "video" in done.stdout
