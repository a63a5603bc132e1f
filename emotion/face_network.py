"""The face network: 7 FER2013 emotions for 48x48 grey faces, as Keras (training, single
images, Grad-CAM) or its TFLite copy (videos), with the test-time views that are averaged, and
the ensemble the full video analysis reads faces with (:func:`ensemble_members`).

``prepare_faces`` is the one pixel preparation shared by training and serving. Nothing here
finds faces: :mod:`emotion.face` does that and calls these.
"""
import json
from pathlib import Path

import numpy as np

from emotion.base import FACE_CLASSES
from emotion.errors import DAMAGED_MODEL_FILE_ERRORS, ModelUnavailable
from emotion.face_detector import FACE_SIZE
from emotion.face_lite import lite_network_for

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

    @property
    def read_with(self) -> str:
        """"keras", "tflite float32" or "tflite int8"."""
        return "keras" if self._lite is None else f"tflite {'int8' if self._lite.quantised else 'float32'}"

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

    def predict(self, faces48: np.ndarray) -> np.ndarray:
        """(N, 48, 48) uint8 faces -> (N, 7) probabilities (the served views)."""
        return self.features(faces48)[1]


# The full video analysis averages the served network's probabilities with those of networks
# trained from other starts (models/face/MODEL_CARD.md, "Ensemble"): their errors differ, so the
# mean reads more faces right than any one of them. The members are the networks listed in
# members.json beside the served network, which training.face_ensemble writes only once a member
# is exported and measured, so a file merely copied in is never read. The live overlay, single
# images, Grad-CAM and the wheel keep the served network alone.
MEMBERS_LIST = "members.json"


def ensemble_members(model_file: Path = MODEL_FILE) -> tuple[Path, ...]:
    """The ensemble's other networks, in the order listed in ``members.json`` beside
    ``model_file`` (none without one); ModelUnavailable when that list is unreadable."""
    listing = Path(model_file).parent / MEMBERS_LIST
    if not listing.is_file():
        return ()
    try:
        names = list(json.loads(listing.read_text()))
    except (OSError, ValueError, TypeError) as error:
        raise ModelUnavailable(f"face ensemble list damaged: {listing} ({error})") from error
    return tuple(listing.parent / name for name in names)


def is_served_network(model_file: Path) -> bool:
    """The served network (model.keras) is never read through a quantised copy: its features
    feed fusion and the wheel, fitted on float32 outputs. Members may be."""
    return Path(model_file).name == MODEL_FILE.name


def member_backbone(model_file: Path) -> FaceBackbone:
    """A network as videos read it: its TFLite copy when one matches it (float32 for the served
    network, int8 for members: training.export_face_lite), else Keras."""
    lite = lite_network_for(model_file, quantised_ok=not is_served_network(model_file))
    return FaceBackbone(lite=lite) if lite is not None else FaceBackbone(model_file)


class EnsembleFaceModel:
    """Faces read as the full video analysis reads them: the mean of the probabilities of
    ``model_file`` and its :func:`ensemble_members` (or of the given ``files``). Over the served
    views each network is read as videos read it (:func:`member_backbone`: the members' int8
    copies included); over other ``views``, with Keras. With no members it is ``model_file``'s
    network alone."""

    def __init__(self, model_file: Path = MODEL_FILE, views: str = SERVED_VIEWS, files=None):
        self.files = tuple(map(Path, files)) if files is not None else (Path(model_file), *ensemble_members(model_file))
        self.networks = [member_backbone(path) if views == SERVED_VIEWS else FaceEmotionModel(path, views=views)
                         for path in self.files]

    def predict(self, faces48: np.ndarray) -> np.ndarray:
        """(N, 48, 48) uint8 faces -> (N, 7) probabilities."""
        return np.mean([network.predict(faces48) for network in self.networks], axis=0)
