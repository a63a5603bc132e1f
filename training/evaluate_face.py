"""Accuracy of the committed face model on FER2013-format faces (an .npz like the training data),
read as the full video analysis reads them (the served network and its ensemble members).

    python -m training.evaluate face PATH_TO_NPZ

The file holds ``images`` (N, 48, 48) uint8 (or (N, 48, 48, 1), or rows of 2304 pixels) and
``labels`` (N,) in 0..6; every row is scored (``usage`` is ignored when present). The faces are
already cropped, so no detector runs.
"""
from pathlib import Path

import numpy as np

from emotion.face_network import FACE_CLASSES, FACE_SIZE, MODEL_FILE, EnsembleFaceModel
from training.class_scores import classification_scores

BATCH_SIZE = 64  # faces per call; each network reads 4 views of each (emotion.face_network.EnsembleReader)
FACE_PIXELS = FACE_SIZE * FACE_SIZE


def load_faces(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        if "images" not in data or "labels" not in data:
            raise ValueError(f"{path} must hold 'images' and 'labels' arrays")
        return checked_images(data["images"]), checked_labels(data["labels"], len(data["images"]))


def checked_images(images: np.ndarray) -> np.ndarray:
    """Faces as (N, 48, 48): a shape or type the network cannot take fails here, with the
    reason, rather than as a TypeError deep inside TensorFlow."""
    if images.dtype.kind not in "iuf":
        raise ValueError(f"'images' must be numeric pixels, not {images.dtype}")
    if (images.ndim == 2 and images.shape[1] == FACE_PIXELS) or images.shape[1:] == (FACE_SIZE, FACE_SIZE, 1):
        images = images.reshape(-1, FACE_SIZE, FACE_SIZE)
    if images.ndim != 3 or images.shape[1:] != (FACE_SIZE, FACE_SIZE):
        raise ValueError(f"'images' has shape {images.shape}; expected (N, 48, 48), (N, 48, 48, 1) or (N, 2304)")
    if len(images) == 0:
        raise ValueError("'images' holds no faces")
    if not np.all((images >= 0) & (images <= 255)):  # also refuses NaN
        raise ValueError("'images' must hold grey levels in 0..255")
    return images


def checked_labels(labels: np.ndarray, n_images: int) -> np.ndarray:
    if labels.dtype.kind not in "iuf" or labels.shape != (n_images,):
        raise ValueError(f"'labels' must be {n_images} numbers, one per face; got {labels.dtype} {labels.shape}")
    whole = labels == np.round(labels)
    inside = (labels >= 0) & (labels < len(FACE_CLASSES))
    if not np.all(whole & inside):
        raise ValueError(f"'labels' must be whole numbers in 0..{len(FACE_CLASSES) - 1} ({', '.join(FACE_CLASSES)})")
    return labels.astype(np.int64)


def scores(labels: np.ndarray, predicted: np.ndarray) -> dict:
    """Accuracy, macro-F1 and per-class figures over the 7 face classes, as fractions."""
    return classification_scores(labels, predicted, FACE_CLASSES)


def predict_all(model, images: np.ndarray) -> np.ndarray:
    """Predicted classes; ``model`` has ``predict`` ((N, 48, 48) uint8 -> (N, 7))."""
    return np.concatenate([model.predict(images[start:start + BATCH_SIZE]).argmax(axis=1)
                           for start in range(0, len(images), BATCH_SIZE)])


def evaluate_face(path: Path, model_file: Path = MODEL_FILE) -> dict:
    """Faces read as videos are: the served network and its ensemble members, 4 views each."""
    images, labels = load_faces(Path(path))
    model = EnsembleFaceModel(model_file)
    return {"task": "face", "n": int(len(labels)), "networks": len(model.files),
            **scores(labels, predict_all(model, images))}
