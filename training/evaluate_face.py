"""Accuracy of the committed face model on FER2013-format faces (an .npz like the training data).

    python -m training.evaluate face PATH_TO_NPZ

The file holds ``images`` (N, 48, 48) uint8 and ``labels`` (N,) in 0..6; every row is scored
(``usage`` is ignored when present). The faces are already cropped, so no detector runs.
"""
from pathlib import Path

import numpy as np

from emotion.face import FACE_CLASSES, FaceEmotionModel

BATCH_SIZE = 64  # faces per call; the served test-time views multiply this by 10


def load_faces(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        if "images" not in data or "labels" not in data:
            raise ValueError(f"{path} must hold 'images' and 'labels' arrays")
        return data["images"], data["labels"].astype(np.int64)


def scores(labels: np.ndarray, predicted: np.ndarray) -> dict:
    """Accuracy, macro-F1 and per-class F1/recall, as fractions."""
    from sklearn.metrics import f1_score, recall_score

    indices = list(range(len(FACE_CLASSES)))
    per_class_f1 = f1_score(labels, predicted, labels=indices, average=None, zero_division=0)
    per_class_recall = recall_score(labels, predicted, labels=indices, average=None, zero_division=0)
    return {
        "accuracy": round(float((labels == predicted).mean()), 4),
        "macro_f1": round(float(per_class_f1.mean()), 4),
        "per_class": {name: {"f1": round(float(f), 4), "recall": round(float(r), 4)}
                      for name, f, r in zip(FACE_CLASSES, per_class_f1, per_class_recall)},
    }


def predict_all(model: FaceEmotionModel, images: np.ndarray) -> np.ndarray:
    return np.concatenate([model.predict(images[start:start + BATCH_SIZE]).argmax(axis=1)
                           for start in range(0, len(images), BATCH_SIZE)])


def evaluate_face(path: Path, model_file: Path | None = None) -> dict:
    images, labels = load_faces(Path(path))
    model = FaceEmotionModel(model_file) if model_file else FaceEmotionModel()
    return {"task": "face", "n": int(len(labels)), **scores(labels, predict_all(model, images))}
