"""The face network: 7 FER2013 emotions for 48x48 grey faces, as Keras (training, single
images, Grad-CAM) or its TFLite copy (videos), with the test-time views that are averaged, and
the ensemble the full video analysis reads faces with (:func:`ensemble_members`).

``prepare_faces`` is the one pixel preparation shared by training and serving. Nothing here
finds faces: :mod:`emotion.face` does that and calls these.
"""
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from emotion.base import FACE_CLASSES
from emotion.errors import DAMAGED_MODEL_FILE_ERRORS, ModelUnavailable
from emotion.face_calibration import fitted_temperature, tempered
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
# of all five) is hardly more accurate on PublicTest than "flip" and 10 views cost ~30 ms a face
# on 2 cores, over the live overlay's 30 ms budget; so the live overlay serves "flip".
# "flip_warps" (the face and its WARPS, each with its mirror image) is how the full video
# analysis reads faces (EnsembleReader); figures in models/face/MODEL_CARD.md.
TTA_VIEWS = ("single", "flip", "flip_shifts", "flip_warps")
SHIFT_PIXELS = 3
SERVED_VIEWS = "flip"
# The full video analysis also reads each face reduced by 8 % about its centre (edge pixels
# repeated, as the detector's crop does), with its mirror image: 4 views with the face itself.
# The networks were trained on faces zoomed and turned (up to 20 %, 10 degrees), and with these
# views the two networks read 0.9 points more PublicTest faces right (69.4 % against 68.5 %,
# Keras). More warps, or a third network, read a little more (three networks over 10 views:
# 69.8 %), but each view costs every network a pass and the whole video analysis must stay within
# 0.1 of the answer's length on 2 cores (training.face_views; models/face/MODEL_CARD.md, "Views").
WARPS = ((0.0, 0.92),)   # (degrees anticlockwise, scale)


def warped(faces48: np.ndarray, degrees: float, scale: float) -> np.ndarray:
    """(N, 48, 48) uint8 faces turned by ``degrees`` and scaled by ``scale`` about their centre."""
    import cv2

    centre = (FACE_SIZE - 1) / 2
    turn = cv2.getRotationMatrix2D((centre, centre), degrees, scale)
    return np.stack([cv2.warpAffine(np.ascontiguousarray(face), turn, (FACE_SIZE, FACE_SIZE),
                                    flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
                     for face in faces48]) if len(faces48) else faces48


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
            variants = shifted(batch) if views == "flip_shifts" else [batch]   # flip_warps: see predict
            if views != "single":
                variants += [tf.reverse(variant, axis=[2]) for variant in variants]
            probabilities = network(tf.concat(variants, axis=0), training=False)
            return tf.reduce_mean(tf.reshape(probabilities, [len(variants), -1, len(FACE_CLASSES)]), axis=0)

        self._predict = predict

    def predict(self, faces48: np.ndarray) -> np.ndarray:
        """(N, 48, 48) uint8 faces -> (N, 7) probabilities."""
        if len(faces48) == 0:
            return np.zeros((0, len(FACE_CLASSES)), np.float32)
        if self.views == "flip_warps":   # each warp's flip views, then their mean
            return np.mean([self._predict(prepare_faces(faces)).numpy()
                            for faces in (faces48, *(warped(faces48, *warp) for warp in WARPS))], axis=0)
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
# is exported and measured, so a file merely copied in is never read. Each network reads each
# face in 4 views (EnsembleReader). The live overlay, single images, Grad-CAM and the wheel keep
# the served network alone over the face and its mirror image.
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


def probability_backbone(model_file: Path, fallback: Callable[[], FaceBackbone] | None = None) -> FaceBackbone:
    """A network as the full video analysis reads its probabilities (members, and the served
    network's extra views): its int8 TFLite copy when one matches it (training.export_face_lite
    --int8), else ``fallback()`` when given, else :func:`served_backbone`."""
    lite = lite_network_for(model_file, quantised=True)
    if lite is not None:
        return FaceBackbone(lite=lite)
    return fallback() if fallback else served_backbone(model_file)


def served_backbone(model_file: Path, fallback: Callable[[], FaceBackbone] | None = None) -> FaceBackbone:
    """The served network as videos read its features: its float32 TFLite copy when one matches
    it, else ``fallback()`` when given (e.g. a Keras network already loaded), else Keras."""
    lite = lite_network_for(model_file)
    if lite is not None:
        return FaceBackbone(lite=lite)
    return fallback() if fallback else FaceBackbone(model_file)


class EnsembleReader:
    """How the full video analysis reads faces: each network over the face and its WARPS, each
    view with its mirror image, and the mean of the networks (weighted equally: weights tuned on
    PublicTest would be chosen on the faces they are measured on).

    ``served`` reads the face itself: its features and probabilities are the served network's
    own (the live overlay's views; the wheel and fusion were fitted on them). The served
    network's other views are read by ``served_views`` (its int8 copy: probabilities only), and
    each of the ``members`` (networks from other starts) reads every view. ``warps=()``: the face
    and its mirror image alone. The mean is ``temperature``-scaled (:mod:`emotion.face_calibration`;
    1.0: as it is).

    ``parallel``: the other readings run in a second thread while ``served`` reads the face (the
    interpreters release the GIL), so the video analysis uses both cores once the voice is read."""

    def __init__(self, served: FaceBackbone, members=(), served_views: FaceBackbone | None = None, warps=WARPS,
                 parallel: bool = False, temperature: float = 1.0):
        self.served, self.members = served, tuple(members)
        self.temperature = temperature
        self.served_views = served_views or served
        self.warps = tuple(warps)
        self.parallel = parallel and bool(self.members or self.warps)

    def read(self, faces48: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(N, 48, 48) uint8 faces -> (the served network's features, its probabilities, the
        ensemble's probabilities)."""
        others = _second_thread().submit(self._other_readings, faces48) if self.parallel else None
        features, own = self.served.features(faces48)
        served_sum, members = others.result() if others else self._other_readings(faces48)
        served = (own + served_sum) / (1 + len(self.warps))
        return features, own, tempered(np.mean([served, *members], axis=0), self.temperature)

    def _other_readings(self, faces48: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """(the sum of the served network's readings of the warped views, each member's mean over all views)."""
        views = [warped(faces48, *warp) for warp in self.warps]
        served_sum = np.sum([self.served_views.predict(view) for view in views], axis=0) if views else 0.0
        members = [np.mean([member.predict(view) for view in (faces48, *views)], axis=0) for member in self.members]
        return served_sum, members


def _second_thread():
    """One worker thread per process, shared by every reader (each interpreter has its own lock)."""
    from concurrent.futures import ThreadPoolExecutor

    from emotion import registry

    return registry.get_or_build("face views thread",
                                 lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="face-views"))


class EnsembleFaceModel:
    """Faces read as the full video analysis reads them (:class:`EnsembleReader`): ``model_file``
    and its :func:`ensemble_members` (or the given ``files``, the served network first), each
    through the copy videos read, calibrated as videos are (``temperature=1.0``: as they are)."""

    def __init__(self, model_file: Path = MODEL_FILE, files=None, temperature: float | None = None):
        self.files = tuple(map(Path, files)) if files is not None else (Path(model_file), *ensemble_members(model_file))
        served, *members = self.files
        self.reader = EnsembleReader(served_backbone(served), [probability_backbone(path) for path in members],
                                     served_views=probability_backbone(served),
                                     temperature=fitted_temperature(self.files, WARPS) if temperature is None else temperature)

    def predict(self, faces48: np.ndarray) -> np.ndarray:
        """(N, 48, 48) uint8 faces -> (N, 7) probabilities."""
        return self.reader.read(faces48)[2]
