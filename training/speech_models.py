"""Readers of the speech models training compares but the app does not serve: the RBF SVM on
the classic descriptors and the deep Keras network. ``train_speech.ship`` can export either;
:func:`load_trained_speech_model` reads back any model it writes, the served kinds through
:func:`emotion.speech.load_speech_model`. Both describe audio with the same feature code as
serving (:mod:`emotion.speech_features`).
"""
from pathlib import Path

import numpy as np

from emotion import speech_features as features
from training import speech_classic_features as classic
from emotion.audio import SAMPLE_RATE
from emotion.delivery import Contours
from emotion.errors import DAMAGED_MODEL_FILE_ERRORS, ModelUnavailable
from emotion.speech import MODEL_DIR, load_speech_model, read_manifest, window_slices


class SvmSpeechModel:
    """RBF SVM, one-vs-one, with libsvm's pairwise Platt scaling and coupling (Wu, Lin & Weng
    2004) re-implemented in numpy over the exported arrays."""

    def __init__(self, model_file: Path, use_pitch: bool):
        with np.load(model_file) as stored:
            self.arrays = {name: stored[name] for name in stored.files}
        self.use_pitch = use_pitch
        a = self.arrays
        self._sv_norms = np.sum(a["support_vectors"] ** 2, axis=1)
        self._starts = np.concatenate([[0], np.cumsum(a["n_support"])])

    def describe(self, samples: np.ndarray) -> np.ndarray:
        row = classic.classic_features(samples)
        return np.concatenate([row, features.pitch_features(samples)]) if self.use_pitch else row

    def describe_windows(self, samples: np.ndarray, spans: list[tuple[float, float]], c: Contours,
                         stop=None) -> np.ndarray:
        """:meth:`describe` of each window, from frames and contours computed once for the
        whole recording (3x less work with a 3 s window and a 1 s hop). Equal to describing
        each window on its own, up to the first and last frames' neighbours."""
        per_frame, levels = classic.frame_features(samples), features.frame_db(samples)
        rows = []
        for frame_slice, steps in window_slices(spans, levels):
            row = classic.classic_from_frames(per_frame[frame_slice], levels[frame_slice])
            if self.use_pitch:
                row = np.concatenate([row, features.pitch_from_contours(c.intensity_db[steps], c.f0_hz[steps])])
            rows.append(row)
        return np.stack(rows)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        a = self.arrays
        X = (np.asarray(X, dtype=np.float64) - a["scaler_mean"]) / a["scaler_scale"]
        if "pca_components" in a:
            X = (X - a["pca_mean"]) @ a["pca_components"].T
        distances = np.sum(X ** 2, axis=1)[:, None] + self._sv_norms[None, :] - 2 * X @ a["support_vectors"].T
        kernel = np.exp(-a["gamma"] * np.maximum(distances, 0))
        return np.stack([self._couple(self._pairwise(k)) for k in kernel])

    def _pairwise(self, kernel_row: np.ndarray) -> np.ndarray:
        """r[i, j]: probability of class i against class j from the (i, j) decision value."""
        a, s = self.arrays, self._starts
        n = len(a["n_support"])
        r = np.full((n, n), 0.5)
        pair = 0
        for i in range(n):
            for j in range(i + 1, n):
                value = (a["dual_coef"][j - 1, s[i]: s[i + 1]] @ kernel_row[s[i]: s[i + 1]]
                         + a["dual_coef"][i, s[j]: s[j + 1]] @ kernel_row[s[j]: s[j + 1]]
                         + a["intercept"][pair])
                p = 1.0 / (1.0 + np.exp(a["prob_a"][pair] * value + a["prob_b"][pair]))
                r[i, j], r[j, i] = np.clip(p, 1e-7, 1 - 1e-7), np.clip(1 - p, 1e-7, 1 - 1e-7)
                pair += 1
        return r

    @staticmethod
    def _couple(r: np.ndarray, iterations: int = 100) -> np.ndarray:
        """libsvm's multiclass_probability: the p minimising sum (r_ji p_i - r_ij p_j)^2."""
        n = len(r)
        Q = -r.T * r
        np.fill_diagonal(Q, 0)
        np.fill_diagonal(Q, np.sum(r.T ** 2, axis=1) - np.diag(r) ** 2)
        p = np.full(n, 1.0 / n)
        for _ in range(iterations):
            Qp = Q @ p
            pQp = p @ Qp
            if np.max(np.abs(Qp - pQp)) < 0.005 / n:
                break
            for t in range(n):
                diff = (-Qp[t] + pQp) / Q[t, t]
                p[t] += diff
                pQp = (pQp + diff * (diff * Q[t, t] + 2 * Qp[t])) / (1 + diff) ** 2
                Qp = (Qp + diff * Q[t]) / (1 + diff)
                p /= 1 + diff
        return p


class DeepSpeechModel:
    """The Keras LFLB + LSTM network on 5 log-mel windows, behind one compiled function."""

    def __init__(self, model_file: Path):
        from emotion.runtime import tensorflow

        tf = tensorflow()
        import keras

        network = keras.models.load_model(model_file, compile=False)
        shape = [None, classic.N_WINDOWS, classic.WINDOW_FRAMES, classic.N_MELS, 1]

        @tf.function(input_signature=[tf.TensorSpec(shape, tf.float32)], reduce_retracing=True)
        def predict(batch):
            return network(batch, training=False)

        self._predict = predict

    def describe(self, samples: np.ndarray) -> np.ndarray:
        return classic.mel_windows(classic.fit_segment(features.trim_silence(samples)))

    def describe_windows(self, samples: np.ndarray, spans: list[tuple[float, float]], c: Contours,
                         stop=None) -> np.ndarray:
        """(``stop``: as emotion.speech's readers take it; these models are never served.)"""
        return np.stack([self.describe(samples[int(s * SAMPLE_RATE): int(e * SAMPLE_RATE)]) for s, e in spans])

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return self._predict(np.asarray(X, dtype=np.float32)[..., None]).numpy()


def load_trained_speech_model(model_dir: Path = MODEL_DIR):
    """The model ``train_speech`` wrote to ``model_dir``, of any kind, and its manifest."""
    try:
        manifest = read_manifest(model_dir)
        model_file = Path(model_dir) / manifest["file"]
        if manifest["kind"] == "classic":
            return SvmSpeechModel(model_file, use_pitch=bool(manifest.get("pitch"))), manifest
        if manifest["kind"] == "deep":
            return DeepSpeechModel(model_file), manifest
    except DAMAGED_MODEL_FILE_ERRORS as error:
        raise ModelUnavailable(f"speech model missing or damaged in {model_dir}: {error}") from error
    return load_speech_model(model_dir)
