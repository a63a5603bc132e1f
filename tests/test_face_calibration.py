"""The face ensemble's probabilities calibrated by one temperature (emotion.face_calibration),
fitted by training.face_ensemble for exactly the networks and views videos read faces with."""
import json

import numpy as np
import pytest

from emotion.errors import ModelUnavailable
from emotion.face import FaceAnalyzer
from emotion.face_calibration import CALIBRATION_FILE, fitted_temperature, reading_of, tempered, weights_of
from emotion.face_network import MODEL_FILE, WARPS, EnsembleReader, ensemble_members
from training.calibration import calibration
from training.face_ensemble import fitted_calibration

PROBABILITIES = np.array([[0.40, 0.30, 0.10, 0.05, 0.05, 0.05, 0.05],
                          [0.05, 0.05, 0.05, 0.05, 0.10, 0.20, 0.50]], np.float32)


def test_a_temperature_below_one_sharpens_without_changing_the_emotion_read():
    sharper, softer = tempered(PROBABILITIES, 0.5), tempered(PROBABILITIES, 2.0)
    assert tempered(PROBABILITIES, 1.0) is PROBABILITIES
    for reading in (sharper, softer):
        np.testing.assert_allclose(reading.sum(axis=1), 1.0, rtol=1e-6)
        assert (reading.argmax(axis=1) == PROBABILITIES.argmax(axis=1)).all()
    assert (sharper.max(axis=1) > PROBABILITIES.max(axis=1)).all() and (softer.max(axis=1) < PROBABILITIES.max(axis=1)).all()
    squared = PROBABILITIES[0] ** 2 / np.sum(PROBABILITIES[0] ** 2)   # T = 0.5: each probability squared, renormalised
    np.testing.assert_allclose(sharper[0], squared, rtol=1e-5)


def write_calibration(folder, networks, warps=WARPS, temperature=0.8):
    files = [folder / name for name in networks]
    (folder / CALIBRATION_FILE).write_text(json.dumps({**reading_of(files, warps), "sha256": weights_of(files),
                                                       "temperature": temperature}))


def test_a_temperature_applies_only_to_the_networks_and_views_it_was_fitted_for(tmp_path):
    files = (tmp_path / "model.keras", tmp_path / "member_2.keras")
    for number, path in enumerate(files):
        path.write_bytes(bytes([number]) * 100)
    assert fitted_temperature(files, WARPS) == 1.0                       # none fitted: as they are
    write_calibration(tmp_path, ["model.keras", "member_2.keras"])
    assert fitted_temperature(files, WARPS) == 0.8
    assert fitted_temperature(files[:1], WARPS) == 1.0                   # the served network alone (e.g. the live overlay)
    assert fitted_temperature((files[0], tmp_path / "member_3.keras"), WARPS) == 1.0   # another member
    assert fitted_temperature(files, ()) == 1.0                          # other views
    write_calibration(tmp_path, ["model.keras", "member_2.keras"], temperature=0.0)
    with pytest.raises(ModelUnavailable, match="temperature"):
        fitted_temperature(files, WARPS)
    (tmp_path / CALIBRATION_FILE).write_text('{"temperature": 0.8')
    with pytest.raises(ModelUnavailable, match=CALIBRATION_FILE):
        fitted_temperature(files, WARPS)


def test_networks_given_other_weights_since_the_fit_are_read_uncalibrated_and_said_so(tmp_path, caplog):
    files = (tmp_path / "model.keras", tmp_path / "member_2.keras")
    for number, path in enumerate(files):
        path.write_bytes(bytes([number]) * 100)
    write_calibration(tmp_path, ["model.keras", "member_2.keras"])
    files[1].write_bytes(b"retrained" * 10)                              # the same name, other weights
    assert fitted_temperature(files, WARPS) == 1.0
    assert "fitted for other weights" in caplog.text and "--measure" in caplog.text


class FixedBackbone:
    width = 2

    def __init__(self, probabilities):
        self.probabilities = np.float32(probabilities)

    def features(self, faces48):
        return np.ones((len(faces48), 2), np.float32), np.tile(self.probabilities, (len(faces48), 1))

    def predict(self, faces48):
        return self.features(faces48)[1]


def test_the_ensemble_s_mean_is_tempered_and_the_served_network_s_own_reading_is_not():
    served, member = FixedBackbone(PROBABILITIES[0]), FixedBackbone(PROBABILITIES[1])
    faces = np.zeros((3, 48, 48), np.uint8)
    _, own, probabilities = EnsembleReader(served, (member,), warps=(), temperature=0.7).read(faces)
    np.testing.assert_allclose(own, np.tile(PROBABILITIES[0], (3, 1)), rtol=1e-6)   # what the wheel and fusion's network read
    np.testing.assert_allclose(probabilities, tempered(np.tile(PROBABILITIES.mean(axis=0, keepdims=True), (3, 1)), 0.7),
                               rtol=1e-5)


def test_the_shipped_calibration_is_fitted_for_the_served_reading_and_sharpens_it():
    served = json.loads((MODEL_FILE.parent / "metrics.json").read_text())["served"]
    temperature = fitted_temperature((MODEL_FILE, *ensemble_members(MODEL_FILE)), WARPS)
    assert temperature == served["calibration"]["temperature"] < 1.0     # the ensemble read less sure than right
    for half in served["calibration"]["held_out_halves"]:                # fitted on one half, better on the other
        assert half["after"]["ece"] < half["before"]["ece"] and half["after"]["log_loss"] < half["before"]["log_loss"]
    assert FaceAnalyzer().recorder().reader.temperature == temperature   # what videos are read with
    assert FaceAnalyzer(ensemble=False).recorder().reader.temperature == 1.0   # one network, 2 views: not fitted for


def test_a_reading_less_sure_than_right_is_fitted_a_temperature_below_one():
    """Synthetic faces whose true class gets 0.4 and is read right 75 % of the time: the top
    probability (0.4-0.45) says less than the 75 % right, and the fitted temperature fixes that on
    the half it never saw."""
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 7, 2000)
    read = np.where(rng.random(2000) < 0.75, labels, (labels + rng.integers(1, 7, 2000)) % 7)
    probabilities = np.full((2000, 7), 0.6 / 6, np.float32)
    probabilities[np.arange(2000), read] = 0.4
    fitted = fitted_calibration(probabilities, labels)
    assert fitted["temperature"] < 1.0
    assert fitted["before"] == calibration(labels, probabilities) and fitted["before"]["ece"] > 0.3
    assert all(half["after"]["ece"] < 0.05 for half in fitted["held_out_halves"])
