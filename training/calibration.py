"""How sure a model's probabilities are against how often it is right, and the one temperature
that makes them agree (shared by the speech and face training scripts)."""
import numpy as np

from emotion.face_calibration import MAX_TEMPERATURE, MIN_TEMPERATURE


def calibration(y_true: np.ndarray, probabilities: np.ndarray, bins: int = 10) -> dict:
    """How far the top probability is from the share of readings it gets right: expected
    calibration error over equal-width confidence bins, log loss, and the mean top probability."""
    from sklearn.metrics import log_loss

    confidence, right = probabilities.max(axis=1), probabilities.argmax(axis=1) == y_true
    bin_of = np.minimum((confidence * bins).astype(int), bins - 1)
    error = sum(abs(right[bin_of == b].mean() - confidence[bin_of == b].mean()) * np.mean(bin_of == b)
                for b in np.unique(bin_of))
    return {"ece": round(float(error), 4),
            "log_loss": round(float(log_loss(y_true, probabilities, labels=list(range(probabilities.shape[1])))), 4),
            "mean_top_probability": round(float(confidence.mean()), 4)}


def temperature_for(probabilities: np.ndarray, y_true: np.ndarray) -> float:
    """The T whose renormalised probabilities ** (1 / T) have the least log loss on ``y_true``
    (emotion.face_calibration.tempered applies it)."""
    from scipy.optimize import minimize_scalar
    from scipy.special import log_softmax

    logs = np.log(np.maximum(np.asarray(probabilities, np.float64), 1e-12))

    def log_loss(log_temperature: float) -> float:
        return -log_softmax(logs / np.exp(log_temperature), axis=1)[np.arange(len(y_true)), y_true].mean()

    bounds = (np.log(MIN_TEMPERATURE), np.log(MAX_TEMPERATURE))   # what serving accepts
    return float(np.exp(minimize_scalar(log_loss, bounds=bounds, method="bounded").x))
