"""Train the Plutchik wheel's four ternary heads on the frozen face CNN's features (issue 18).

    .venv/bin/python -m training.train_wheel            # features cached in /tmp by training.face_features

FER2013 Training rows train, PublicTest rows report. Each FER class maps onto the dimensions
(emotion.wheel.FACE_CLASS_DIMENSIONS). Per dimension: a multinomial logistic regression on the
standardised penultimate features of the served network, its strength (C) chosen on a held-out
fifth of Training; then refitted on all of Training and compared on PublicTest with the
baseline of mapping the served 7-class argmax onto the dimension. Per dimension the head ships
only where it is surely better: the 95 % bootstrap interval of its macro-F1 gain over the
argmax mapping on PublicTest lies above zero; elsewhere the mapping ships (one model, fewer
arrays to trust). The choice is made on PublicTest, so the shipped figures are slightly optimistic.
Writes models/wheel/heads.npz (plain arrays), metrics.json; MODEL_CARD.md is written by hand.
"""
import argparse
import json
import logging
from pathlib import Path

import numpy as np

from emotion.wheel import FACE_CLASS_DIMENSIONS, HEADS_FILE
from emotion.wheel_states import POLES
from emotion.wheel_types import DIMENSIONS
from training.face_features import CACHE, load_or_compute_features

log = logging.getLogger("train_wheel")

STRENGTHS = (0.01, 0.1, 1.0)   # inverse L2 strengths tried for each head
HOLD_OUT = 0.2                 # share of Training kept aside to choose the strength
BOOTSTRAP = 500                # PublicTest resamples for the macro-F1 difference's interval
SEED = 18
COMMAND = ".venv/bin/python -m training.train_wheel"


def fit_head(features: np.ndarray, targets: np.ndarray, strength: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=strength, max_iter=1000).fit(features, targets)


def choose_strength(features: np.ndarray, targets: np.ndarray) -> tuple[float, dict]:
    """The strength with the best macro-F1 on a held-out fifth of Training (stratified)."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import train_test_split

    fit_x, check_x, fit_y, check_y = train_test_split(features, targets, test_size=HOLD_OUT,
                                                      stratify=targets, random_state=SEED)
    scores = {c: f1_score(check_y, fit_head(fit_x, fit_y, c).predict(check_x), average="macro") for c in STRENGTHS}
    return max(scores, key=scores.get), {str(c): round(float(s), 4) for c, s in scores.items()}


def linear_arrays(model, mean: np.ndarray, scale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(weights (features, classes), bias (classes,)) on raw features, the standardisation
    folded in; a two-class model as two columns (the first all zero) so argmax serves both."""
    coef, intercept = model.coef_, model.intercept_
    if len(model.classes_) == 2:
        coef, intercept = np.vstack([np.zeros_like(coef), coef]), np.concatenate([[0.0], intercept])
    weights = (coef / scale).T
    return weights.astype(np.float32), (intercept - (mean / scale) @ coef.T).astype(np.float32)


def scores(truth: np.ndarray, predicted: np.ndarray, classes: list[int]) -> dict:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, recall_score

    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, labels=classes, average="macro", zero_division=0)), 4),
        "recall": dict(zip(map(str, classes), np.round(recall_score(truth, predicted, labels=classes, average=None,
                                                                    zero_division=0), 4).tolist())),
        "confusion": confusion_matrix(truth, predicted, labels=classes).tolist(),
    }


def f1_difference_interval(truth, head, argmax, classes) -> list[float]:
    """95 % bootstrap interval of macro-F1(head) - macro-F1(argmax) over PublicTest faces."""
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(SEED)
    differences = []
    for _ in range(BOOTSTRAP):
        rows = rng.integers(0, len(truth), len(truth))
        f1 = lambda predicted: f1_score(truth[rows], predicted[rows], labels=classes, average="macro", zero_division=0)
        differences.append(f1(head) - f1(argmax))
    return np.round(np.percentile(differences, [2.5, 97.5]), 4).tolist()


def class_names(dim: str, classes: list[int]) -> dict[str, str]:
    positive, negative = POLES[dim]
    return {str(c): {1: positive, 0: "neither", -1: negative}[c] for c in classes}


def train_dimension(i: int, data: dict, standard: tuple[np.ndarray, np.ndarray]) -> tuple[dict, dict]:
    """One dimension's head, its arrays for heads.npz and its metrics."""
    dim = DIMENSIONS[i]
    mean, scale = standard
    train_y = FACE_CLASS_DIMENSIONS[data["train_labels"], i]
    val_y = FACE_CLASS_DIMENSIONS[data["val_labels"], i]
    train_x, val_x = (data["train_features"] - mean) / scale, (data["val_features"] - mean) / scale
    strength, held_out = choose_strength(train_x, train_y)
    model = fit_head(train_x, train_y, strength)
    classes = sorted(model.classes_.tolist(), reverse=True)  # +1, 0, -1
    head = model.predict(val_x)
    argmax = FACE_CLASS_DIMENSIONS[data["val_probabilities"].argmax(axis=1), i]
    result = {"head": scores(val_y, head, classes), "argmax": scores(val_y, argmax, classes)}
    interval = f1_difference_interval(val_y, head, argmax, classes)
    method = "head" if interval[0] > 0 else "argmax"  # a head ships only where it is surely better
    weights, bias = linear_arrays(model, mean, scale)
    metrics = {
        "classes": class_names(dim, classes), "support": {str(c): int((val_y == c).sum()) for c in classes},
        "train_support": {str(c): int((train_y == c).sum()) for c in classes},
        "strength_C": strength, "held_out_macro_f1_by_C": held_out, **result, "shipped": method,
        "head_minus_argmax_macro_f1_95ci": interval,
    }
    arrays = {f"{dim}_weights": weights, f"{dim}_bias": bias, f"{dim}_method": np.array(method),
              f"{dim}_classes": model.classes_.astype(np.int64)}
    log.info("%s: head %s, argmax %s -> %s", dim, result["head"]["macro_f1"], result["argmax"]["macro_f1"], method)
    return arrays, metrics


def state_accuracy(data: dict, arrays: dict) -> dict:
    """Share of PublicTest faces whose whole state (all four dimensions) is read right."""
    from emotion.wheel import WheelHeads

    heads = WheelHeads(arrays)
    truth = FACE_CLASS_DIMENSIONS[data["val_labels"]]
    shares = {}
    for name, methods in (("shipped", heads.methods), ("all_heads", dict.fromkeys(DIMENSIONS, "head")),
                          ("all_argmax", dict.fromkeys(DIMENSIONS, "argmax"))):
        heads.methods = methods
        read = heads.dimensions(data["val_features"], data["val_probabilities"])
        shares[name] = round(float((read == truth).all(axis=1).mean()), 4)
    return shares


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--out", type=Path, default=HEADS_FILE.parent)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    data = load_or_compute_features(args.cache)
    standard = (data["train_features"].mean(axis=0), data["train_features"].std(axis=0) + 1e-6)
    arrays, metrics = {}, {}
    for i, dim in enumerate(DIMENSIONS):
        arrays_i, metrics[dim] = train_dimension(i, data, standard)
        arrays.update(arrays_i)
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez(args.out / "heads.npz", **arrays)
    summary = {"command": COMMAND, "validation": "FER2013 PublicTest (3,589 faces)",
               "train": "FER2013 Training (28,709 faces)", "features": "served face CNN, penultimate layer, flip-averaged",
               "whole_state_accuracy": state_accuracy(data, arrays), "dimensions": metrics}
    (args.out / "metrics.json").write_text(json.dumps(summary, indent=2) + "\n")
    log.info("whole state: %s", summary["whole_state_accuracy"])


if __name__ == "__main__":
    main()
