"""The Plutchik wheel over a whole answer: four ternary dimensions read from each face, the
81 states they name (:mod:`emotion.wheel_states`), stretches of the answer where a state is
present, and a plain-English narrative of how the face looked.
"""
from pathlib import Path

import numpy as np

from emotion import registry
from emotion.base import FACE_CLASSES
from emotion.errors import ModelUnavailable
from emotion.face_network import MODEL_FILE, FaceBackbone
from emotion.wheel_timeline import wheel_reading
from emotion.wheel_types import DIMENSIONS, WheelReading

HEADS_FILE = Path(__file__).resolve().parent.parent / "models" / "wheel" / "heads.npz"

# FER2013's classes on the four dimensions (rows: FACE_CLASSES; columns: DIMENSIONS). No FER
# class shows trust or anticipation, so those poles are never read from a face.
FACE_CLASS_DIMENSIONS = np.array([
    # joy_sadness, trust_disgust, fear_anger, surprise_anticipation
    [0, 0, -1, 0],   # angry
    [0, -1, 0, 0],   # disgust
    [0, 0, 1, 0],    # fear
    [1, 0, 0, 0],    # happy
    [-1, 0, 0, 0],   # sad
    [0, 0, 0, 1],    # surprise
    [0, 0, 0, 0],    # neutral
], dtype=np.int64)
assert FACE_CLASS_DIMENSIONS.shape == (len(FACE_CLASSES), len(DIMENSIONS))


class WheelHeads:
    """Each dimension's reader, from models/wheel/heads.npz (plain arrays, no pickle): a
    linear softmax head over the backbone's features, or the 7-class argmax mapped through
    FACE_CLASS_DIMENSIONS, whichever measured better on PublicTest for that dimension."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        self.arrays = arrays
        self.methods = {dim: str(arrays[f"{dim}_method"]) for dim in DIMENSIONS}

    @classmethod
    def load(cls, heads_file: Path = HEADS_FILE) -> "WheelHeads":
        """The heads in ``heads_file``; ModelUnavailable when it is missing or damaged."""
        try:
            with np.load(heads_file, allow_pickle=False) as stored:
                return cls({key: stored[key] for key in stored.files})
        except (OSError, ValueError, KeyError) as error:
            raise ModelUnavailable(f"wheel heads missing or damaged: {heads_file}: {error}") from error

    def dimensions(self, features: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
        """(N, 4) int: +1 / 0 / -1 per dimension, from the backbone's outputs."""
        mapped = FACE_CLASS_DIMENSIONS[np.asarray(probabilities).argmax(axis=1)]
        columns = []
        for i, dim in enumerate(DIMENSIONS):
            if self.methods[dim] == "argmax":
                columns.append(mapped[:, i])
                continue
            logits = features @ self.arrays[f"{dim}_weights"] + self.arrays[f"{dim}_bias"]
            columns.append(self.arrays[f"{dim}_classes"][logits.argmax(axis=1)])
        return np.stack(columns, axis=1).astype(np.int64).reshape(len(features), len(DIMENSIONS))


class WheelReader:
    """The wheel's entry point: dimensions of faces, and the reading of a whole answer."""

    def __init__(self, model_file: Path = MODEL_FILE, heads_file: Path = HEADS_FILE):
        self._backbone = registry.Lazy(lambda: FaceBackbone(model_file))
        self._heads = registry.Lazy(lambda: WheelHeads.load(heads_file))

    def dimensions(self, faces48: np.ndarray) -> np.ndarray:
        """(N, 48, 48) uint8 faces -> (N, 4) int, +1 / 0 / -1 per dimension (DIMENSIONS order),
        in one pass of the face network."""
        features, probabilities = self._backbone.get().features(np.asarray(faces48, np.uint8))
        return self.dimensions_from_features(features, probabilities)

    def dimensions_from_features(self, features: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
        """The same from the backbone's outputs (FaceBackbone.features), for callers that have them."""
        return self._heads.get().dimensions(np.asarray(features, np.float32), probabilities)

    def read(self, times, dims) -> WheelReading:
        """The reading of an answer: ``times`` of its sampled frames (seconds), ``dims`` one
        row of 4 per frame or None where no face was read. The timeline keeps the frames with
        a face; the intervals cover the whole answer (stretches without one are "out of view")."""
        return wheel_reading(list(times), dims)


class WheelFrames:
    """A frame reader for :func:`emotion.video.face_timeline`: keeps each sampled frame's main
    face as a 48x48 crop, then reads the answer's wheel in one pass of the network."""

    def __init__(self, detector, reader: "WheelReader | None" = None):
        self.detector, self.reader = detector, reader
        self.times, self.crops = [], []

    def add(self, seconds: float, frame_bgr: np.ndarray, detection) -> None:
        self.times.append(seconds)
        self.crops.append(None if detection is None else self.detector.crop(frame_bgr, detection))

    def reading(self) -> WheelReading:
        reader = self.reader or get_wheel_reader()
        found = [i for i, crop in enumerate(self.crops) if crop is not None]
        read = reader.dimensions(np.stack([self.crops[i] for i in found])) if found else []
        by_frame = dict(zip(found, read))
        return reader.read(self.times, [by_frame.get(i) for i in range(len(self.times))])


def wheel_of_faces(timeline, outputs, reader: "WheelReader | None" = None) -> WheelReading:
    """The wheel of a face timeline (:class:`emotion.base.TimelinePoint`s) from the served
    network's outputs for its frames with a face, in order (:class:`emotion.face.NetworkOutputs`,
    kept by :class:`emotion.face.FeatureRecorder`): no second pass of the network, and the
    network's own probabilities, as the heads were measured on them, even where the timeline
    shows an ensemble's."""
    reader = reader or get_wheel_reader()
    found = [point for point in timeline if point.face_found]
    rows = iter(reader.dimensions_from_features(outputs.features, outputs.probabilities) if found else ())
    return reader.read([point.time for point in timeline], [next(rows) if point.face_found else None for point in timeline])


def get_wheel_reader() -> WheelReader:
    return registry.get_or_build("wheel", WheelReader)
