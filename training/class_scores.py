"""Accuracy, macro-F1 and per-class figures for a classifier, shared by every evaluation."""
import numpy as np


def classification_scores(truth: np.ndarray, predicted: np.ndarray, class_names: tuple[str, ...]) -> dict:
    """Accuracy, macro-F1 and per-class precision, recall, F1 and count, as fractions.

    Macro-F1 averages the classes present in ``truth``: a held-back slice that lacks a class
    (a few faces with no disgust) would otherwise count that class as an F1 of 0 and understate
    the model. With every class present, as in the model cards, it is the usual macro-F1.
    """
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    labels = list(range(len(class_names)))
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, labels=labels,
                                                                     zero_division=0)
    present = [label for label in labels if support[label] > 0]
    return {
        "accuracy": round(float(np.mean(truth == predicted)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, labels=present, average="macro", zero_division=0)), 4),
        "per_class": {name: {"precision": round(float(p), 4), "recall": round(float(r), 4),
                             "f1": round(float(f), 4), "n": int(n)}
                      for name, p, r, f, n in zip(class_names, precision, recall, f1, support)},
    }
