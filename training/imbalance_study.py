"""Class imbalance on the face model: downsampling against class weights, on a new softmax head.

    python -m training.imbalance_study [--cache /tmp/poise_fer_features.npz] [--seeds 5]   # prints JSON

Retraining the face CNN once per scheme is out of reach on 2 CPU cores, so each scheme trains a
7-class softmax head (multinomial logistic regression on the standardised features) over the
served CNN's frozen penultimate features (training.face_features), on FER2013 Training, and
is scored on PublicTest. The backbone itself was trained with today's class weights, so this
isolates the head: it cannot say what the schemes would do to the features.

Schemes: "none" (every face once); "class_weights_sqrt" (today's training.train_face.class_weights:
inverse frequency, square-rooted, mean 1); "class_weights_inverse" (full inverse frequency,
sklearn's "balanced"); "downsample_to_smallest" (every class cut at random to the smallest
class's count, disgust's 436); "downsample_to_cap" (classes above the second-smallest class's
count, surprise's 3,171, cut to it: only disgust stays short). Random cuts are repeated over
``--seeds`` seeds (mean, and the spread of accuracy and macro-F1). The served head is scored too.
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np

from emotion.base import FACE_CLASSES
from training.class_scores import classification_scores

C = 1.0   # the same regularisation for every scheme (chosen before any scheme was scored)
SCHEMES = ("none", "class_weights_sqrt", "class_weights_inverse", "downsample_to_smallest", "downsample_to_cap")


def training_rows(scheme: str, labels: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray | None]:
    """The training rows and their sample weights (None: all 1) of one scheme."""
    from training.train_face import class_weights

    counts = np.bincount(labels, minlength=len(FACE_CLASSES))
    every = np.arange(len(labels))
    if scheme == "none":
        return every, None
    if scheme == "class_weights_sqrt":
        weights = class_weights(labels)
        return every, np.array([weights[int(label)] for label in labels])
    if scheme == "class_weights_inverse":
        return every, (counts.sum() / (len(counts) * counts))[labels]
    cap = counts.min() if scheme == "downsample_to_smallest" else np.sort(counts)[1]
    kept = [rng.choice(np.flatnonzero(labels == k), size=min(cap, counts[k]), replace=False)
            for k in range(len(FACE_CLASSES))]
    return np.sort(np.concatenate(kept)), None


def fit_head(features: np.ndarray, labels: np.ndarray, weights: np.ndarray | None):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    head = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=2000))
    head.fit(features, labels, logisticregression__sample_weight=weights)
    return head


def scored(truth: np.ndarray, predicted: np.ndarray) -> dict:
    from sklearn.metrics import confusion_matrix

    scores = classification_scores(truth, predicted, FACE_CLASSES)
    return {"accuracy": scores["accuracy"], "macro_f1": scores["macro_f1"],
            "recall": {name: entry["recall"] for name, entry in scores["per_class"].items()},
            "confusion": confusion_matrix(truth, predicted, labels=range(len(FACE_CLASSES))).tolist()}


def run_scheme(scheme: str, data: dict, seeds: int) -> dict:
    """The scheme's scores; for random cuts, per-seed accuracy and macro-F1 and the mean of the
    rest (recall averaged, confusion matrices summed then divided by the number of seeds)."""
    runs = []
    for seed in range(seeds if scheme.startswith("downsample") else 1):
        rows, weights = training_rows(scheme, data["train_labels"], np.random.default_rng(seed))
        head = fit_head(data["train_features"][rows], data["train_labels"][rows], weights)
        runs.append({**scored(data["val_labels"], head.predict(data["val_features"])), "training_faces": len(rows)})
    if len(runs) == 1:
        return runs[0]
    return {"accuracy": round(float(np.mean([r["accuracy"] for r in runs])), 4),
            "macro_f1": round(float(np.mean([r["macro_f1"] for r in runs])), 4),
            "accuracy_by_seed": [r["accuracy"] for r in runs], "macro_f1_by_seed": [r["macro_f1"] for r in runs],
            "recall": {name: round(float(np.mean([r["recall"][name] for r in runs])), 4) for name in FACE_CLASSES},
            "confusion": np.round(np.mean([r["confusion"] for r in runs], axis=0), 1).tolist(),
            "training_faces": runs[0]["training_faces"]}


def main(argv: list[str] | None = None) -> int:
    from training.face_features import CACHE, load_or_compute_features

    parser = argparse.ArgumentParser(prog="python -m training.imbalance_study", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args(argv)
    data = load_or_compute_features(args.cache)
    report = {"classes": list(FACE_CLASSES),
              "training_counts": np.bincount(data["train_labels"], minlength=len(FACE_CLASSES)).tolist(),
              "served_head": scored(data["val_labels"], data["val_probabilities"].argmax(axis=1)),
              "schemes": {scheme: run_scheme(scheme, data, args.seeds) for scheme in SCHEMES}}
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
