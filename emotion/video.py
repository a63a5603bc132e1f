"""A video's facial-emotion timeline: sample frames, find the main face in each, read the
faces in batches; and every sampled colour frame with its face handed to frame readers (the
camera-delivery readers: gaze, head, framing).

Takes a detector and a model, never the analyzer that calls it (see :class:`emotion.face.FaceAnalyzer`)."""
from collections import deque
from collections.abc import Iterator
from contextlib import closing

import numpy as np

from emotion.base import FACE_CLASSES, TimelinePoint, VideoAnalysis, VideoSummary
from emotion.errors import NoFaceFound
from emotion.media import DECODE_AHEAD_FRAMES, decoded_ahead, sample_video_frames

# Faces read per call of the model: small batches keep the network busy while the next frames
# decode and are searched, instead of one long call at the end (8 vs 64: ~15 % faster on 2 cores).
BATCH_SIZE = 8


def face_timeline(path, detector, model, frames_per_second: float = 5.0,
                  frame_readers=()) -> tuple[VideoAnalysis | None, np.ndarray | None]:
    """Timeline (time, face found, probabilities) and summary of one recording, and the 48x48
    face of its strongest reading (so a heat map can be drawn without decoding it again).

    ``detector`` finds the main face of each frame (:meth:`emotion.face_detector.FaceDetector.track_main_face`:
    a TrackedFace or None per frame, in order), ``model`` reads faces (``predict``: (N, 48, 48)
    uint8 -> (N, 7)). Only the largest face of each frame is read: in an interview recording
    that is the candidate. Each of ``frame_readers`` gets ``add(seconds, frame_bgr, detection
    or None)`` for every sampled frame, in the same single pass. ``model=None`` reads no
    emotions and returns (None, None), the readers still getting every frame. Raises
    NoFaceFound when a model is given and no sampled frame shows a face.
    """
    times, crops = [], []
    readings = BatchedReadings(model)
    sampled = sample_video_frames(path, frames_per_second, colour=True)
    # Faces are found in a thread of their own, a few frames ahead, while this one reads them
    # and feeds the readers: decoding, detection and reading overlap (TFLite, TensorFlow and
    # OpenCV all let go of the GIL).
    found_ahead = decoded_ahead(with_main_faces(detector, sampled), DECODE_AHEAD_FRAMES)
    with closing(sampled), closing(found_ahead):  # threads stopped, file shut, even if detection fails
        for seconds, frame, tracked in found_ahead:
            times.append(seconds)
            for reader in frame_readers:
                reader.add(seconds, frame, None if tracked is None else tracked.detection)
            crops.append(None if tracked is None else tracked.crop)
            readings.add(crops[-1])
    if model is None:
        return None, None
    found = [i for i, crop in enumerate(crops) if crop is not None]
    if not found:
        raise NoFaceFound(
            "No face was found in this video. Sit facing the camera, in good light, and record again.")
    probabilities = readings.all()
    by_frame = dict(zip(found, probabilities))
    timeline = tuple(
        TimelinePoint(time=round(t, 3), face_found=i in by_frame,
                      probabilities=_named(by_frame[i], FACE_CLASSES) if i in by_frame else None)
        for i, t in enumerate(times)
    )
    analysis = VideoAnalysis(timeline=timeline,
                             summary=summarise(timeline, probabilities, FACE_CLASSES, 1.0 / frames_per_second))
    strongest_frame = found[int(probabilities.max(axis=1).argmax())]
    return analysis, crops[strongest_frame]


def with_main_faces(detector, sampled) -> Iterator[tuple[float, np.ndarray, object]]:
    """(seconds, frame, the detector's TrackedFace or None) for each sampled frame, in order."""
    waiting = deque()  # frames handed to the detector whose result has not come back yet

    def frames():
        for seconds, frame in sampled:
            waiting.append((seconds, frame))
            yield frame

    for tracked in detector.track_main_face(frames()):
        seconds, frame = waiting.popleft()
        yield seconds, frame, tracked


class BatchedReadings:
    """Faces read BATCH_SIZE at a time as they are found, so the model works while the next
    frames decode in their thread (rather than all at the end, with the decoder idle)."""

    def __init__(self, model):
        self.model, self.waiting, self.read = model, [], []

    def add(self, crop: np.ndarray | None) -> None:
        if self.model is None or crop is None:
            return
        self.waiting.append(crop)
        if len(self.waiting) == BATCH_SIZE:
            self._flush()

    def all(self) -> np.ndarray:
        """(faces added, 7) probabilities, in the order added."""
        self._flush()
        return np.concatenate(self.read) if self.read else np.zeros((0, len(FACE_CLASSES)), np.float32)

    def _flush(self) -> None:
        if self.waiting:
            self.read.append(self.model.predict(np.stack(self.waiting)))
            self.waiting = []


def summarise(timeline, probabilities: np.ndarray, classes, frame_interval: float) -> VideoSummary:
    mean = probabilities.mean(axis=0)
    with_face = [point for point in timeline if point.face_found]
    strongest = max(with_face, key=lambda point: max(point.probabilities.values()))
    spans = point_spans(timeline, frame_interval)
    duration = timeline[-1].time + spans[-1] if timeline else 0.0
    return VideoSummary(
        mean_probabilities=_named(mean, classes),
        dominant_emotion=classes[int(mean.argmax())],
        face_share=round(len(with_face) / len(timeline), 4),
        longest_gap_seconds=round(longest_gap(timeline, spans), 3),
        frames_analysed=len(timeline),
        duration_seconds=round(duration, 3),
        strongest_moment=strongest.time,
    )


def point_spans(timeline, frame_interval: float) -> list[float]:
    """Seconds each sampled frame stands for: until the next one, the last for the median step.

    From the frames' own times, not the requested interval: asked for more frames per second
    than the video holds, the sampler returns each frame once, further apart than asked.
    """
    steps = np.diff([point.time for point in timeline])
    last = float(np.median(steps)) if len(steps) else frame_interval
    return [*steps.tolist(), last]


def longest_gap(timeline, spans: list[float]) -> float:
    """Longest stretch of consecutive sampled frames with no face, in seconds."""
    longest = run = 0.0
    for point, span in zip(timeline, spans):
        run = 0.0 if point.face_found else run + span
        longest = max(longest, run)
    return longest


def _named(values, classes) -> dict[str, float]:
    return {name: round(float(v), 5) for name, v in zip(classes, values)}
