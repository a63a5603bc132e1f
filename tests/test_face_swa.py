"""training.face_swa: weight averaging from a trained network stops, resumes, and ends on a network
whose weights are the mean of the epochs' snapshots (BatchNorm statistics aside)."""
import json
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import REPO_ROOT
from tests.test_train_face import tiny_fer  # noqa: F401  (the fixture: a tiny slice of FER2013)
from training.face_swa import averaged, cyclical_rate


def test_the_running_average_is_the_mean_of_every_snapshot():
    snapshots = [[np.full((2,), float(value)), np.full((3, 1), 2.0 * value)] for value in (1, 4, 7)]
    average = snapshots[0]
    for count, snapshot in enumerate(snapshots[1:], start=1):
        average = averaged(average, snapshot, count)
    np.testing.assert_allclose(average[0], [4.0, 4.0])
    np.testing.assert_allclose(average[1], np.full((3, 1), 8.0))


def test_a_cyclical_epoch_falls_from_the_high_rate_to_the_low_one():
    rates = [cyclical_rate(step, 5, 1e-3, 2e-5) for step in range(5)]
    assert rates[0] == pytest.approx(1e-3) and rates[-1] == pytest.approx(2e-5)
    assert all(later < earlier for earlier, later in zip(rates, rates[1:]))


def swa(tiny_fer, runs, *options):  # noqa: F811
    command = [sys.executable, "-m", "training.face_swa", "--runs-dir", str(runs), "--run", "tiny",
               "--batch-size", "16", *options]
    env = {"POISE_FER_FILE": str(tiny_fer), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.slow
def test_averaging_stops_resumes_and_ends_on_a_measured_network(tiny_fer, tmp_path, monkeypatch):  # noqa: F811
    import keras

    from training import face_ensemble

    from emotion.face_network import FaceEmotionModel
    from training.train_face import build_vgg

    run = tmp_path / "tiny"
    assert "needs --start" in swa(tiny_fer, tmp_path).stderr   # a new run without a network to start from
    start = tmp_path / "start.keras"
    build_vgg(4).save(start)
    first = swa(tiny_fer, tmp_path, "--start", str(start), "--epochs", "3", "--lr-high", "0.01", "--lr", "0.001",
                "--stop-after", "0.0001")
    assert first.returncode == 0, first.stderr[-2000:]
    state = json.loads((run / "state.json").read_text())
    assert (state["epoch"], state["averaged"]) == (1, 1) and not (run / "best.keras").exists()
    trained = keras.models.load_model(run / "last.keras").layers[-1]
    average = keras.models.load_model(run / "average.keras", compile=False)
    for mine, theirs in zip(average.get_weights(), trained.get_weights()):   # one snapshot: the network itself
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-7)

    refused = swa(tiny_fer, tmp_path, "--lr", "0.01")
    assert refused.returncode != 0 and "differs from run tiny" in refused.stderr
    second = swa(tiny_fer, tmp_path)
    assert second.returncode == 0, second.stderr[-2000:]
    state = json.loads((run / "state.json").read_text())
    assert [h["epoch"] for h in state["history"]] == [1, 2, 3] and state["result"]["snapshots"] == 3
    assert 0.0 <= state["result"]["publictest_flip"] <= 1.0
    last = keras.models.load_model(run / "last.keras").layers[-1]
    best = keras.models.load_model(run / "best.keras", compile=False)
    assert not np.allclose(best.get_weights()[0], last.get_weights()[0])   # the mean of 3, not the last
    probabilities = FaceEmotionModel(run / "best.keras").predict(np.zeros((2, 48, 48), np.uint8))
    assert probabilities.shape == (2, 7) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-4)
    assert "has finished" in swa(tiny_fer, tmp_path).stderr
    monkeypatch.setattr(face_ensemble, "RUNS", tmp_path)   # what shipping it as a member records
    record = face_ensemble.run_record("tiny")
    assert record["validated_accuracy"] == round(state["result"]["publictest_flip"], 4)
    assert record["best_epoch"] == record["epochs_trained"] == 3 and record["settings"]["start"] == str(start)
