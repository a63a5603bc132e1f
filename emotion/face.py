"""Facial emotion: 7 FER2013 emotions per face, on faces that :mod:`emotion.face_detector`
finds (BlazeFace); over a recording through :mod:`emotion.video`. The networks themselves are in
:mod:`emotion.face_network`.

The analyzer loads its networks lazily, once per process (see :mod:`emotion.registry`).
"""
import logging
from pathlib import Path
from typing import NamedTuple

import numpy as np

from emotion import registry
from emotion.base import FACE_CLASSES, FaceAnalysis, FaceReading, ImageAnalysis, ModelInfo, VideoAnalysis
from emotion.face_calibration import fitted_temperature
from emotion.face_detector import FACE_SIZE, DetectorSettings, FaceDetector
from emotion.face_network import (MODEL_FILE, WARPS, EnsembleReader, FaceBackbone, FaceEmotionModel, ensemble_members,
                                  prepare_faces, probability_backbone, served_backbone)
from emotion.model_info import model_info
from emotion.video import face_timeline

log = logging.getLogger(__name__)


class NetworkOutputs(NamedTuple):
    """The served network's own outputs for a recording's frames with a face, in order: its
    penultimate features and its probabilities (the wheel's heads were fitted and measured on
    these; the timeline's probabilities are the ensemble's when it has members)."""
    features: np.ndarray
    probabilities: np.ndarray


class FeatureRecorder:
    """What :func:`emotion.video.face_timeline` reads faces with: the ensemble's probabilities
    (:class:`emotion.face_network.EnsembleReader`), and the served network's own outputs kept in
    the order read, which is the order of the frames with a face (:attr:`outputs`, for the wheel)."""

    def __init__(self, reader: EnsembleReader):
        self.reader = reader
        self._features: list[np.ndarray] = []
        self._probabilities: list[np.ndarray] = []

    def predict(self, faces48: np.ndarray) -> np.ndarray:
        features, own, probabilities = self.reader.read(faces48)
        self._features.append(features)
        self._probabilities.append(own)
        return probabilities

    @property
    def outputs(self) -> NetworkOutputs:
        if not self._features:
            width = self.reader.served.width
            return NetworkOutputs(np.zeros((0, width), np.float32), np.zeros((0, len(FACE_CLASSES)), np.float32))
        return NetworkOutputs(np.concatenate(self._features), np.concatenate(self._probabilities))


class FaceAnalyzer:
    """The face entry point: a recording's facial-emotion timeline with its heat map, or every
    face in one image, each with 7 emotion probabilities."""

    def __init__(self, model_file: Path = MODEL_FILE, settings: DetectorSettings = DetectorSettings(),
                 ensemble: bool = True, warps=WARPS, parallel: bool = True):
        """``ensemble=False``: recordings are read as the live overlay reads faces, by the served
        network alone over the face and its mirror image, its members and extra views aside
        (bench.bench_video_answer times both; :attr:`info` still gives the ensemble's figures).
        ``warps``: the views besides the face itself, and ``parallel``: whether they and the members
        are read in a second thread (:class:`emotion.face_network.EnsembleReader`)."""
        self.detector = FaceDetector(settings)
        self._model_file = Path(model_file)
        self._model = registry.Lazy(lambda: FaceEmotionModel(self._model_file))
        self._backbone = registry.Lazy(lambda: served_backbone(self._model_file, fallback=self._loaded_network))
        self._warps = tuple(warps) if ensemble else ()
        self._parallel = parallel
        self._members = registry.Lazy(lambda: tuple(probability_backbone(path) for path in (
            ensemble_members(self._model_file) if ensemble else ())))
        self._served_views = registry.Lazy(lambda: probability_backbone(self._model_file,
                                                                        fallback=self._full_precision_views))
        self._temperature = registry.Lazy(lambda: fitted_temperature(
            (self._model_file, *(ensemble_members(self._model_file) if ensemble else ())), self._warps))

    @property
    def model(self) -> FaceEmotionModel:
        return self._model.get()

    @property
    def backbone(self) -> FaceBackbone:
        """The face network up to its softmax, as videos are read (features and probabilities)."""
        return self._backbone.get()

    def _loaded_network(self) -> FaceBackbone:
        """Without a TFLite copy that matches the weights (faster; see :mod:`emotion.face_lite`),
        videos are read with the emotion model's own loaded network, up to its softmax too (one
        copy in memory)."""
        return FaceBackbone(network=self.model.keras_model)

    @property
    def served_views(self) -> FaceBackbone:
        """What the served network's extra views are read with (probabilities only): its int8
        copy when one matches it, else the backbone itself (slower; logged)."""
        return self._served_views.get()

    def _full_precision_views(self) -> FaceBackbone:
        log.warning("no int8 copy of %s: its extra views are read at full precision, ~3x slower; "
                    "run python -m training.export_face_lite --int8", self._model_file.name)
        return self.backbone

    @property
    def members(self) -> tuple[FaceBackbone, ...]:
        """The ensemble's other networks, which recordings are read with too (those listed in the
        ``members.json`` beside the model file; none without one)."""
        return self._members.get()

    def recorder(self) -> FeatureRecorder:
        """A fresh reader of one recording's faces: the backbone's features, the ensemble's probabilities
        (calibrated where calibration.json was fitted for this reading, emotion.face_calibration)."""
        served_views = self.served_views if self._warps else None
        return FeatureRecorder(EnsembleReader(self.backbone, self.members, served_views, warps=self._warps,
                                              parallel=self._parallel, temperature=self._temperature.get()))

    @property
    def info(self) -> ModelInfo:
        return model_info("face", self._model_file.parent)

    def analyze(self, recording: Path, frames_per_second: float = 5.0, frame_readers=(),
                read_emotions: bool = True, outputs_out: list | None = None) -> FaceAnalysis | None:
        """The faces of a recorded answer: timeline, summary and the strongest moment's heat map.
        ``frame_readers`` see every sampled colour frame and its face in the same pass (see
        :func:`emotion.video.face_timeline`); with ``read_emotions=False`` only they do (the
        emotion model never runs) and the result is None.

        The result holds valence and arousal per frame (:mod:`emotion.affect`); ``outputs_out``
        (a list), when given, gets the served network's :class:`NetworkOutputs` of the frames
        with a face, in order, for the wheel (:func:`emotion.wheel.wheel_of_faces`).

        Raises UnreadableMedia for a file that cannot be decoded, NoFaceFound when emotions are
        read and no sampled frame shows a face.
        """
        from emotion.affect import face_affect
        from emotion.explain import heatmap_overlay_png

        if not read_emotions:
            face_timeline(recording, self.detector, None, frames_per_second, frame_readers)
            return None
        reader = self.recorder()
        faces, strongest_face = face_timeline(recording, self.detector, reader, frames_per_second, frame_readers)
        if outputs_out is not None:
            outputs_out.append(reader.outputs)
        heatmap = heatmap_overlay_png(strongest_face, self.heatmap(strongest_face, strongest_class(faces)))
        return FaceAnalysis(timeline=faces.timeline, summary=faces.summary, heatmap_png=heatmap, model=self.info,
                            affect=face_affect(faces.timeline))

    def analyze_video(self, path, frames_per_second: float = 5.0, frame_readers=()) -> VideoAnalysis:
        """Just the timeline and summary of a recording, read as :meth:`analyze` reads it."""
        return face_timeline(path, self.detector, self.recorder(), frames_per_second, frame_readers)[0]

    def analyze_image(self, image) -> ImageAnalysis:
        """Faces with boxes and probabilities; an image with no face gives an empty list."""
        from emotion.media import decode_image

        gray = decode_image(image)
        found = self.detector.detections(gray)
        faces = (np.stack([self.detector.crop(gray, face) for face in found]) if found
                 else np.zeros((0, FACE_SIZE, FACE_SIZE), np.uint8))
        probabilities = self.model.predict(faces)
        readings = tuple(FaceReading(box=face.box, probabilities=_named(p)) for face, p in zip(found, probabilities))
        return ImageAnalysis(width=gray.shape[1], height=gray.shape[0], faces=readings)

    def heatmap(self, face48: np.ndarray, class_index: int | None = None) -> np.ndarray:
        """Grad-CAM of one 48x48 face in the served network, for ``class_index`` (default: the
        class that network reads): (48, 48) floats in [0, 1]."""
        from emotion.explain import grad_cam

        if class_index is None:
            class_index = int(self.model.predict(face48[None]).argmax())
        return grad_cam(self.model.keras_model, prepare_faces(face48), class_index=class_index)


def strongest_class(faces: VideoAnalysis) -> int:
    """The class the report shows at the strongest moment (whose face the heat map explains)."""
    point = min((point for point in faces.timeline if point.face_found),
                key=lambda point: abs(point.time - faces.summary.strongest_moment))
    return FACE_CLASSES.index(max(point.probabilities, key=point.probabilities.get))


def _named(probabilities: np.ndarray) -> dict[str, float]:
    return {name: float(p) for name, p in zip(FACE_CLASSES, probabilities)}


def get_face_analyzer() -> FaceAnalyzer:
    return registry.get_or_build("face", FaceAnalyzer)
