"""Facial emotion: 7 FER2013 emotions per face with a Keras CNN, on faces that
:mod:`emotion.face_detector` finds (BlazeFace); over a recording through :mod:`emotion.video`.

``prepare_faces`` is the one pixel preparation shared by training and serving. The analyzer
loads its network lazily, once per process (see :mod:`emotion.registry`).
"""
import logging
from pathlib import Path

import numpy as np

from emotion import registry
from emotion.base import FACE_CLASSES, FaceAnalysis, FaceReading, ImageAnalysis, ModelInfo, VideoAnalysis
from emotion.errors import DAMAGED_MODEL_FILE_ERRORS, ModelUnavailable
from emotion.face_detector import FACE_SIZE, DetectorSettings, FaceDetector
from emotion.face_lite import lite_network_for
from emotion.model_info import model_info
from emotion.video import face_timeline

log = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).resolve().parent.parent / "models" / "face" / "model.keras"


def prepare_faces(gray_faces: np.ndarray) -> np.ndarray:
    """uint8 faces (N, 48, 48) -> float32 (N, 48, 48, 1) in [-1, 1], the network's input."""
    faces = np.asarray(gray_faces, dtype=np.float32)
    if faces.ndim == 2:
        faces = faces[None]
    return (faces[..., None] / 127.5) - 1.0


# Test-time augmentation: the views of each face whose probabilities are averaged.
# "flip_shifts" (the face, four copies shifted by SHIFT_PIXELS diagonally, and the mirror image
# of all five) is about a point more accurate on PublicTest than "flip", but 10 views cost ~30 ms
# a face on 2 cores, over the live overlay's 30 ms budget; so the product serves "flip" (figures
# in models/face/MODEL_CARD.md).
TTA_VIEWS = ("single", "flip", "flip_shifts")
SHIFT_PIXELS = 3
SERVED_VIEWS = "flip"


def diagonal_shifts(padded, shift: int = SHIFT_PIXELS) -> list:
    """The four copies of each face shifted ``shift`` px diagonally, cut from faces padded by
    ``shift`` on every side (axes 1 and 2: rows and columns; numpy arrays and tensors alike)."""
    far = 2 * shift
    return [padded[:, top:top + FACE_SIZE, left:left + FACE_SIZE]
            for top, left in ((0, 0), (0, far), (far, 0), (far, far))]


def load_face_network(model_file: Path):
    """The Keras network in ``model_file``; ModelUnavailable when it is missing or damaged."""
    import keras

    if not Path(model_file).exists():
        raise ModelUnavailable(f"face model weights missing: {model_file}")
    # Keras reports an empty or cut-short .keras as ValueError ("File not found" even when the
    # file is there), a damaged weights file as h5py's OSError, a broken config as JSON errors.
    try:
        return keras.models.load_model(model_file, compile=False)
    except DAMAGED_MODEL_FILE_ERRORS as error:
        raise ModelUnavailable(f"face model damaged, cannot load {model_file}: {error}") from error


class FaceEmotionModel:
    """The Keras CNN behind one compiled function; batches of any size, no retracing."""

    def __init__(self, model_file: Path = MODEL_FILE, views: str = SERVED_VIEWS):
        from emotion.runtime import tensorflow

        tf = tensorflow()
        if views not in TTA_VIEWS:
            raise ValueError(f"views must be one of {TTA_VIEWS}")
        self.keras_model = load_face_network(model_file)
        self.views = views
        network = self.keras_model

        def edge_padded(batch, n):  # repeat the border pixels, as the detector's crop does
            batch = tf.concat([tf.repeat(batch[:, :1], n, axis=1), batch, tf.repeat(batch[:, -1:], n, axis=1)], axis=1)
            return tf.concat([tf.repeat(batch[:, :, :1], n, axis=2), batch, tf.repeat(batch[:, :, -1:], n, axis=2)], axis=2)

        def shifted(batch):
            return [batch] + diagonal_shifts(edge_padded(batch, SHIFT_PIXELS))

        @tf.function(input_signature=[tf.TensorSpec([None, FACE_SIZE, FACE_SIZE, 1], tf.float32)],
                     reduce_retracing=True)
        def predict(batch):
            variants = shifted(batch) if views == "flip_shifts" else [batch]
            if views != "single":
                variants += [tf.reverse(variant, axis=[2]) for variant in variants]
            probabilities = network(tf.concat(variants, axis=0), training=False)
            return tf.reduce_mean(tf.reshape(probabilities, [len(variants), -1, len(FACE_CLASSES)]), axis=0)

        self._predict = predict

    def predict(self, faces48: np.ndarray) -> np.ndarray:
        """(N, 48, 48) uint8 faces -> (N, 7) probabilities."""
        if len(faces48) == 0:
            return np.zeros((0, len(FACE_CLASSES)), np.float32)
        return self._predict(prepare_faces(faces48)).numpy()


class FaceBackbone:
    """The served face CNN up to its softmax: for each face the penultimate layer's features
    and the 7 probabilities, both averaged over the face and its mirror image (the served
    "flip" views). Shared by training (:mod:`training.face_features`) and serving."""

    def __init__(self, model_file: Path = MODEL_FILE, network=None, lite=None):
        """``network``: an already loaded face network to share (the analyzer's), instead of
        loading a second copy from ``model_file``. ``lite``: the network's TFLite copy
        (:class:`emotion.face_lite.LiteFaceNetwork`) to run instead of Keras, as the video
        analysis does."""
        self._lite = lite
        if lite is not None:
            self.width, self._run = lite.width, self._lite_run
        else:
            self._run = self._keras_run(network or load_face_network(model_file))

    @property
    def runtime(self) -> str:
        """"tflite" or "keras": which copy of the network reads the faces."""
        return "keras" if self._lite is None else "tflite"

    def _keras_run(self, network):
        from emotion.runtime import tensorflow

        tf = tensorflow()
        softmax = network.layers[-1]  # the 7-way Dense softmax; its input is the feature vector
        inner = type(network)(network.inputs, [softmax.input, softmax.output])
        self.width = int(softmax.input.shape[-1])

        @tf.function(input_signature=[tf.TensorSpec([None, FACE_SIZE, FACE_SIZE, 1], tf.float32)],
                     reduce_retracing=True)
        def run(batch):
            features, probabilities = inner(tf.concat([batch, tf.reverse(batch, axis=[2])], axis=0), training=False)
            halves = lambda values: tf.reduce_mean(tf.reshape(values, [2, -1, values.shape[-1]]), axis=0)
            return halves(features), halves(probabilities)

        return lambda batch: tuple(part.numpy() for part in run(batch))

    def _lite_run(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        both = self._lite.run(np.concatenate([batch, batch[:, :, ::-1]]))  # the face, then its mirror image
        return tuple(part.reshape(2, len(batch), -1).mean(axis=0) for part in both)

    def features(self, faces48: np.ndarray, batch_size: int = 256) -> tuple[np.ndarray, np.ndarray]:
        """(N, 48, 48) uint8 faces -> ((N, width) features, (N, 7) probabilities), float32."""
        parts = [self._run(prepare_faces(faces48[i:i + batch_size])) for i in range(0, len(faces48), batch_size)]
        if not parts:
            return np.zeros((0, self.width), np.float32), np.zeros((0, 7), np.float32)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


class FeatureRecorder:
    """What :func:`emotion.video.face_timeline` reads faces with, when their features are wanted
    too (the wheel's heads read them): the served probabilities from the backbone's one pass,
    and each face's features kept in the order read, which is the order of the frames with a face."""

    def __init__(self, backbone: FaceBackbone):
        self.backbone = backbone
        self._features: list[np.ndarray] = []

    def predict(self, faces48: np.ndarray) -> np.ndarray:
        features, probabilities = self.backbone.features(faces48)
        self._features.append(features)
        return probabilities

    @property
    def features(self) -> np.ndarray:
        return np.concatenate(self._features) if self._features else np.zeros((0, self.backbone.width), np.float32)


class FaceAnalyzer:
    """The face entry point: a recording's facial-emotion timeline with its heat map, or every
    face in one image, each with 7 emotion probabilities."""

    def __init__(self, model_file: Path = MODEL_FILE, settings: DetectorSettings = DetectorSettings()):
        self.detector = FaceDetector(settings)
        self._model_file = Path(model_file)
        self._model = registry.Lazy(lambda: FaceEmotionModel(self._model_file))
        self._backbone = registry.Lazy(self._load_backbone)

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
        reader = FeatureRecorder(self.backbone)
        faces, strongest_face = face_timeline(recording, self.detector, reader, frames_per_second, frame_readers)
        if features_out is not None:
            features_out.append(reader.features)
        heatmap = heatmap_overlay_png(strongest_face, self.heatmap(strongest_face))
        return FaceAnalysis(timeline=faces.timeline, summary=faces.summary, heatmap_png=heatmap, model=self.info,
                            affect=face_affect(faces.timeline))

    def analyze_video(self, path, frames_per_second: float = 5.0, frame_readers=()) -> VideoAnalysis:
        """Just the timeline and summary of a recording, read as :meth:`analyze` reads it."""
        return face_timeline(path, self.detector, FeatureRecorder(self.backbone), frames_per_second,
                             frame_readers)[0]

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

    def heatmap(self, face48: np.ndarray) -> np.ndarray:
        """Grad-CAM of the predicted class for one 48x48 face: (48, 48) floats in [0, 1]."""
        from emotion.explain import grad_cam

        served_class = int(self.model.predict(face48[None]).argmax())  # the class the report shows
        return grad_cam(self.model.keras_model, prepare_faces(face48), class_index=served_class)


def _named(probabilities: np.ndarray) -> dict[str, float]:
    return {name: float(p) for name, p in zip(FACE_CLASSES, probabilities)}


def get_face_analyzer() -> FaceAnalyzer:
    return registry.get_or_build("face", FaceAnalyzer)
