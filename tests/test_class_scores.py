import numpy as np
import pytest

from training.class_scores import classification_scores

CLASSES = ("a", "b", "c")


def test_macro_f1_averages_only_the_classes_in_the_truth():
    truth = np.array([0, 0, 1, 1])
    predicted = np.array([0, 1, 1, 1])  # class "c" never occurs
    result = classification_scores(truth, predicted, CLASSES)
    f1_a, f1_b = 2 / 3, 0.8  # a: precision 1, recall 1/2; b: precision 2/3, recall 1
    assert result["macro_f1"] == pytest.approx((f1_a + f1_b) / 2, abs=1e-4)
    assert result["accuracy"] == 0.75
    assert result["per_class"]["c"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "n": 0}
    assert result["per_class"]["b"] == {"precision": 0.6667, "recall": 1.0, "f1": 0.8, "n": 2}


def test_a_reading_of_an_absent_class_lowers_only_the_true_class_recall():
    truth = np.array([0, 0, 1, 1])
    predicted = np.array([0, 2, 1, 1])  # one face read as "c", which the slice lacks
    result = classification_scores(truth, predicted, CLASSES)
    assert result["per_class"]["a"]["recall"] == 0.5
    assert result["macro_f1"] == pytest.approx((2 / 3 + 1.0) / 2, abs=1e-4)
