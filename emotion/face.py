"""Facial emotion: 7 FER2013 emotions per face, on faces that :mod:`emotion.face_detector`
finds (BlazeFace); over a recording through :mod:`emotion.video`. The networks themselves are in
:mod:`emotion.face_network`.

The analyzer loads its networks lazily, once per process (see :mod:`emotion.registry`).
"""
from pathlib import Path

import numpy as np

from emotion import registry
from emotion.base import FACE_CLASSES, FaceAnalysis, FaceReading, ImageAnalysis, ModelInfo, VideoAnalysis
from emotion.face_detector import FACE_SIZE, DetectorSettings, FaceDetector
from emotion.face_lite import lite_network_for
from emotion.face_network import (MODEL_FILE, FaceBackbone, FaceEmotionModel, ensemble_members, member_backbone,
                                  prepare_faces)
from emotion.model_info import model_info
from emotion.video import face_timeline


class FeatureRecorder:
    """What :func:`emotion.video.face_timeline` reads faces with, when their features are wanted
    too (the wheel's heads read them): each face's features from the backbone (the served
    network), kept in the order read, which is the order of the frames with a face; and the
    probabilities of the ensemble, the mean of the backbone's and the ``members``' (other
    networks as :func:`emotion.face_network.member_backbone` loads them), each over the served views."""

    def __init__(self, backbone: FaceBackbone, members: tuple[FaceBackbone, ...] = ()):
        self.backbone = backbone
        self.members = tuple(members)
        self._features: list[np.ndarray] = []

    def read(self, faces48: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the backbone's features, the ensemble's probabilities) of these faces; nothing kept."""
        features, probabilities = self.backbone.features(faces48)
        if self.members:
            probabilities = np.mean([probabilities, *(member.features(faces48)[1] for member in self.members)], axis=0)
        return features, probabilities

    def predict(self, faces48: np.ndarray) -> np.ndarray:
        features, probabilities = self.read(faces48)
        self._features.append(features)
        return probabilities

    @property
    def features(self) -> np.ndarray:
        return np.concatenate(self._features) if self._features else np.zeros((0, self.backbone.width), np.float32)


class FaceAnalyzer:
    """The face entry point: a recording's facial-emotion timeline with its heat map, or every
    face in one image, each with 7 emotion probabilities."""

    def __init__(self, model_file: Path = MODEL_FILE, settings: DetectorSettings = DetectorSettings(),
                 ensemble: bool = True):
        """``ensemble=False``: recordings are read by the served network alone, its members aside
        (bench.bench_video_answer times both)."""
        self.detector = FaceDetector(settings)
        self._model_file = Path(model_file)
        self._model = registry.Lazy(lambda: FaceEmotionModel(self._model_file))
        self._backbone = registry.Lazy(self._load_backbone)
        member_files = ensemble_members(self._model_file) if ensemble else ()
        self._members = registry.Lazy(lambda: tuple(member_backbone(path) for path in member_files))

    @property
    def model(self) -> FaceEmotionModel:
        return self._model.get()

    @property
    def backbone(self) -> FaceBackbone:
        """The face network up to its softmax, as videos are read (features and probabilities)."""
        return self._backbone.get()

    def _load_backbone(self) -> FaceBackbone:
        """What videos are read with: the network's TFLite copy when it matches the weights
        (faster; see :mod:`emotion.face_lite`), else the emotion model's own loaded network,
        read up to its softmax too (one copy in memory)."""
        lite = lite_network_for(self._model_file)
        return FaceBackbone(lite=lite) if lite is not None else FaceBackbone(network=self.model.keras_model)

    @property
    def members(self) -> tuple[FaceBackbone, ...]:
        """The ensemble's other networks, which recordings are read with too (none for a model
        file with no ``member_*.keras`` beside it)."""
        return self._members.get()

    def recorder(self) -> FeatureRecorder:
        """A fresh reader of one recording's faces: the backbone's features, the ensemble's probabilities."""
        return FeatureRecorder(self.backbone, self.members)

    @property
    def info(self) -> ModelInfo:
        return model_info("face", self._model_file.parent)

    def analyze(self, recording: Path, frames_per_second: float = 5.0, frame_readers=(),
                read_emotions: bool = True, features_out: list | None = None) -> FaceAnalysis | None:
        """The faces of a recorded answer: timeline, summary and the strongest moment's heat map.
        ``frame_readers`` see every sampled colour frame and its face in the same pass (see
        :func:`emotion.video.face_timeline`); with ``read_emotions=False`` only they do (the
        emotion model never runs) and the result is None.

        The result holds valence and arousal per frame (:mod:`emotion.affect`); ``features_out``
        (a list), when given, gets the (faces, features) array of the frames with a face, in
        order, for the wheel (:func:`emotion.wheel.wheel_of_faces`).

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
        if features_out is not None:
            features_out.append(reader.features)
        shown_class = int(reader.read(strongest_face[None])[1].argmax())  # the class the report shows for it
        heatmap = heatmap_overlay_png(strongest_face, self.heatmap(strongest_face, shown_class))
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


def _named(probabilities: np.ndarray) -> dict[str, float]:
    return {name: float(p) for name, p in zip(FACE_CLASSES, probabilities)}


def get_face_analyzer() -> FaceAnalyzer:
    return registry.get_or_build("face", FaceAnalyzer)
