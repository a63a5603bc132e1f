"""Face training on a tiny slice of FER2013: it runs, resumes where it stopped, and ships a
network the serving code loads."""
import json
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import DATASETS, REPO_ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_fer(tmp_path_factory):
    with np.load(DATASETS / "face" / "fer2013_train_publictest.npz") as data:
        rows = [np.flatnonzero((data["usage"] == usage) & (data["labels"] == label))[:count]
                for usage, count in (("Training", 12), ("PublicTest", 4)) for label in range(7)]
        rows = np.concatenate(rows)
        path = tmp_path_factory.mktemp("fer") / "tiny.npz"
        np.savez(path, images=data["images"][rows], labels=data["labels"][rows], usage=data["usage"][rows])
    return path


def train(tiny_fer, runs, *options):
    command = [sys.executable, "-m", "training.train_face", "--runs-dir", str(runs), "--run", "tiny",
               "--arch", "vgg", "--width", "4", "--batch-size", "16", *options]
    env = {"POISE_FER_FILE": str(tiny_fer), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, env=env, timeout=600)


def test_training_stops_resumes_and_ships_a_loadable_network(tiny_fer, tmp_path):
    first = train(tiny_fer, tmp_path, "--epochs", "5", "--stop-after", "0.0001")
    assert first.returncode == 0, first.stderr[-2000:]
    state = json.loads((tmp_path / "tiny" / "state.json").read_text())
    assert state["epoch"] == 1 and state["settings"]["width"] == 4

    second = train(tiny_fer, tmp_path)  # same run, no epoch count given: keeps the run's plan
    assert second.returncode == 0, second.stderr[-2000:]
    state = json.loads((tmp_path / "tiny" / "state.json").read_text())
    assert [h["epoch"] for h in state["history"]] == [1, 2, 3, 4, 5]
    assert state["history"][-1]["lr"] < state["history"][1]["lr"]  # decayed by the last epoch

    from emotion.face_network import FaceEmotionModel

    faces = np.zeros((3, 48, 48), np.uint8)
    probabilities = FaceEmotionModel(tmp_path / "tiny" / "best.keras").predict(faces)
    assert probabilities.shape == (3, 7) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-4)


def test_a_resume_with_other_settings_is_refused(tiny_fer, tmp_path):
    assert train(tiny_fer, tmp_path, "--epochs", "5", "--stop-after", "0.0001").returncode == 0
    refused = train(tiny_fer, tmp_path, "--optimizer", "sgd")  # the run's own is the default, adam
    assert refused.returncode != 0 and "differs from run tiny" in refused.stderr


def test_a_distilled_run_trains_towards_the_teachers_soft_labels(tiny_fer, tmp_path):
    """training.face_teacher's soft labels for the Training faces, then a run trained towards
    them (recorded in the run's settings); soft labels made for other faces are refused."""
    assert train(tiny_fer, tmp_path, "--epochs", "1").returncode == 0
    teacher = tmp_path / "teacher.npz"
    env = {"POISE_FER_FILE": str(tiny_fer), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"}
    made = subprocess.run([sys.executable, "-m", "training.face_teacher", str(tmp_path / "tiny" / "best.keras"),
                           "--out", str(teacher)], cwd=REPO_ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert made.returncode == 0, made.stderr[-2000:]
    with np.load(teacher) as data:
        soft, labels = data["probabilities"], data["labels"]
    assert soft.shape == (84, 7) and np.allclose(soft.sum(axis=1), 1, atol=1e-4)
    assert json.loads(made.stdout)["faces"] == 84 and len(json.loads(made.stdout)["warps"]) == 1

    all_views = tmp_path / "teacher_all.npz"
    made_all = subprocess.run([sys.executable, "-m", "training.face_teacher", str(tmp_path / "tiny" / "best.keras"),
                               "--views", "all", "--out", str(all_views)],
                              cwd=REPO_ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert made_all.returncode == 0, made_all.stderr[-2000:]
    assert len(json.loads(made_all.stdout)["warps"]) == 4   # the view study's four warps, besides the face
    with np.load(all_views) as data:
        assert np.allclose(data["probabilities"].sum(axis=1), 1, atol=1e-4)
        assert not np.allclose(data["probabilities"], soft, atol=1e-6)   # other views, another reading

    student = train(tiny_fer, tmp_path, "--run", "student", "--epochs", "2", "--stop-after", "0.0001",
                    "--teacher", str(teacher))
    assert student.returncode == 0, student.stderr[-2000:]
    resumed = train(tiny_fer, tmp_path, "--run", "student")   # the teacher comes from the run's settings
    assert resumed.returncode == 0 and "distilling: 0.70" in resumed.stderr, resumed.stderr[-2000:]
    state = json.loads((tmp_path / "student" / "state.json").read_text())
    assert state["settings"]["teacher"] == str(teacher) and state["settings"]["teacher_weight"] == 0.7
    assert [h["epoch"] for h in state["history"]] == [1, 2]

    np.savez(teacher, probabilities=soft, labels=np.roll(labels, 1))
    refused = train(tiny_fer, tmp_path, "--run", "other", "--epochs", "1", "--teacher", str(teacher))
    assert refused.returncode != 0 and "soft labels for other faces" in refused.stderr


def test_an_older_run_cannot_be_switched_to_distillation_on_resume():
    """A run whose state predates a setting had that setting's default: resuming it with another
    value is refused like any other change."""
    import argparse

    from training.train_face import DEFAULTS, resumed_settings

    older = {"planned_epochs": 50, "settings": {"arch": "xception", "width": 48, "seed": 41}}
    with pytest.raises(SystemExit, match="--teacher soft.npz differs"):
        resumed_settings(argparse.Namespace(**{**DEFAULTS, "run": "old", "teacher": "soft.npz"}), older)
    assert resumed_settings(argparse.Namespace(**{**DEFAULTS, "run": "old"}), older).teacher is None


def test_a_distillation_target_mixes_soft_and_true_labels(tmp_path):
    import argparse

    from training.train_face import training_targets

    labels = np.array([0, 3])
    soft = np.full((2, 7), 1 / 7, np.float32)
    np.savez(tmp_path / "teacher.npz", probabilities=soft, labels=labels)
    targets = training_targets(argparse.Namespace(teacher=tmp_path / "teacher.npz", teacher_weight=0.25), labels)
    assert np.allclose(targets[0], 0.25 / 7 + 0.75 * np.eye(7)[0]) and np.allclose(targets.sum(axis=1), 1)
    assert np.array_equal(training_targets(argparse.Namespace(teacher=None), labels), np.eye(7)[labels])


def test_a_resume_keeps_a_best_score_whose_state_was_not_written(tmp_path):
    """Killed after best.keras was saved but before state.json: the resumed run must still know
    that score, or a replayed, worse epoch would overwrite the better best.keras."""
    from training.train_face import adopt_saved_best

    state = {"best": 0.60, "best_epoch": 3, "epoch": 4}
    assert adopt_saved_best(state, tmp_path) == state  # no claim written yet
    (tmp_path / "best.json").write_text(json.dumps({"val_acc": 0.62, "epoch": 5}))
    assert adopt_saved_best(state, tmp_path) == {"best": 0.62, "best_epoch": 5, "epoch": 4}
    (tmp_path / "best.json").write_text(json.dumps({"val_acc": 0.58, "epoch": 2}))
    assert adopt_saved_best(state, tmp_path) == state  # an older claim never lowers the bar


def test_a_new_cycle_records_the_cycles_behind_it(tmp_path, monkeypatch):
    """A run started --init-from the shipped weights keeps the earlier cycles' epochs and hours."""
    from training import face_report

    monkeypatch.setattr(face_report, "MODEL_DIR", tmp_path)
    (tmp_path / "metrics.json").write_text(json.dumps({
        "run": "cycle1", "epochs_trained": 18, "training_hours": 2.15, "flip": {"accuracy": 0.6135},
        "served": {"accuracy": 0.6500}, "earlier_cycles": []}))  # served: with an ensemble member beside it
    cycle2 = {"settings": {"init_from": str(tmp_path / "model.keras")}}
    assert face_report.earlier_cycles(cycle2, "cycle2") == [
        {"run": "cycle1", "epochs_trained": 18, "training_hours": 2.15, "served_accuracy": 0.6135}]
    assert face_report.earlier_cycles({"settings": {"init_from": None}}, "fresh") == []
    assert face_report.earlier_cycles({"settings": {"init_from": str(tmp_path / "other.keras")}}, "x") == []


def test_a_run_below_the_shipped_model_is_not_shipped(tmp_path, monkeypatch):
    from training import face_report

    monkeypatch.setattr(face_report, "MODEL_DIR", tmp_path)
    # The network alone (its served "flip" views) is what a new network must beat, not the ensemble.
    (tmp_path / "metrics.json").write_text(json.dumps({"run": "cycle2", "flip": {"accuracy": 0.6431},
                                                       "served": {"accuracy": 0.7000}}))
    assert "below the shipped cycle2" in face_report.worse_than_shipped({"best": 0.6400}, "cycle3")
    assert face_report.worse_than_shipped({"best": 0.6467}, "cycle3") is None
    assert face_report.worse_than_shipped({"best": 0.6400}, "cycle2") is None  # re-shipping the same run


def test_the_face_card_repeats_the_shipped_figures():
    """The served network's tables and the served reading's (the ensemble videos are read with)."""
    from training.face_ensemble import served_markdown
    from training.face_report import figures_markdown

    metrics = json.loads((REPO_ROOT / "models" / "face" / "metrics.json").read_text())
    card = (REPO_ROOT / "models" / "face" / "MODEL_CARD.md").read_text()
    lines = [line for line in (figures_markdown(metrics) + served_markdown(metrics)).splitlines() if line.strip()]
    assert len(lines) > 40
    assert [line for line in lines if line not in card] == []


def test_an_ensemble_of_one_network_twice_reads_as_the_network(tiny_fer):
    """training.face_ensemble: each member's row and the members' mean, on the tiny PublicTest."""
    command = [sys.executable, "-m", "training.face_ensemble", "models/face/model.keras", "models/face/model.keras",
               "--views", "single", "flip"]
    env = {"POISE_FER_FILE": str(tiny_fer), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    rows = [line.split("|")[2:-1] for line in result.stdout.splitlines() if line.startswith("| models/face") or "mean of" in line]
    assert len(rows) == 3 and rows[0] == rows[1] == rows[2]
    assert "n = 28" in result.stdout and len(rows[0]) == 4
    missing = subprocess.run([*command[:3], "no_such.keras"], cwd=REPO_ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert missing.returncode == 2 and "no_such.keras" in missing.stderr


def test_the_served_reading_is_measured_with_every_member(tiny_fer, tmp_path, monkeypatch):
    """training.face_ensemble.measure_served: metrics.json's "served" is the ensemble's reading of
    PublicTest over 4 views (what training.evaluate face and the product's accuracy figure use),
    with its confusion matrix, each network alone beside it."""
    import shutil

    from emotion.face_calibration import fitted_temperature, weights_of
    from emotion.face_network import MODEL_FILE, WARPS, FaceBackbone, ensemble_members, warped
    from training import face_ensemble
    from training.face_confusion import confusion
    from training.train_face import load_split

    monkeypatch.setenv("POISE_FER_FILE", str(tiny_fer))
    model_file = tmp_path / "model.keras"
    shutil.copyfile(MODEL_FILE, model_file)
    (tmp_path / "metrics.json").write_text(json.dumps({"run": "cycle3", "flip": {"accuracy": 0.66}}))
    shutil.copyfile(ensemble_members(MODEL_FILE)[0], tmp_path / "member_2.keras")  # the first shipped member
    (tmp_path / "members.json").write_text(json.dumps({"member_2.keras": {"run": "xception48_s29"}}))

    metrics = face_ensemble.measure_served(model_file)
    faces, labels = load_split("PublicTest")
    networks = [FaceBackbone(path) for path in (model_file, tmp_path / "member_2.keras")]
    each = [np.mean([network.predict(view) for view in (faces, *(warped(faces, *warp) for warp in WARPS))], axis=0)
            for network in networks]
    served = metrics["served"]
    assert served["networks"] == ["model.keras", "member_2.keras"] and served["name"] == "cycle3 + xception48_s29"
    assert served["confusion"] == confusion(labels, np.mean(each, axis=0).argmax(axis=1)).tolist()
    assert np.sum(served["confusion"]) == len(labels) == 28
    alone = metrics["ensemble"]["networks"]
    assert alone["model.keras"]["flip_warps_accuracy"] == pytest.approx(np.mean(each[0].argmax(axis=1) == labels), abs=1e-4)
    flip = networks[0].predict(faces)
    assert alone["model.keras"]["flip_accuracy"] == pytest.approx(np.mean(flip.argmax(axis=1) == labels), abs=1e-4)
    assert alone["member_2.keras"]["run"] == "xception48_s29"
    assert json.loads((tmp_path / "metrics.json").read_text())["flip"] == {"accuracy": 0.66}  # the rest is kept
    assert (tmp_path / "confusion_matrix.png").stat().st_size > 1000
    assert face_ensemble.next_member_file(tmp_path).name == "member_3.keras"
    calibrated = json.loads((tmp_path / "calibration.json").read_text())   # what videos read this ensemble with
    assert calibrated["networks"] == ["model.keras", "member_2.keras"] and calibrated["warps"] == [list(w) for w in WARPS]
    assert fitted_temperature((model_file, tmp_path / "member_2.keras"), WARPS) == served["calibration"]["temperature"]
    live = metrics["live_calibration"]   # the served network alone over its 2 views, as the live overlay reads
    assert live["mean_top_probability"] == pytest.approx(float(flip.max(axis=1).mean()), abs=1e-3)
    assert len(served["calibration"]["held_out_halves"]) == 2 and calibrated["sha256"] == weights_of(
        [model_file, tmp_path / "member_2.keras"])


def test_a_run_shipped_in_a_members_place_is_read_instead_of_it(tiny_fer, tmp_path, monkeypatch):
    """--ship RUN --replace member_2.keras: measured without the old member, then listed in its
    place, the old member's files gone; a member that is not listed is refused before anything
    is written."""
    import shutil

    from emotion.face_network import MODEL_FILE, ensemble_members
    from training import face_ensemble

    monkeypatch.setenv("POISE_FER_FILE", str(tiny_fer))
    monkeypatch.setattr(face_ensemble, "RUNS", tmp_path / "runs")
    models = tmp_path / "models"
    models.mkdir()
    shutil.copyfile(MODEL_FILE, models / "model.keras")
    (models / "metrics.json").write_text(json.dumps({"run": "cycle3"}))
    shipped = ensemble_members(MODEL_FILE)[0]
    for suffix in (".keras", ".int8.tflite", ".int8.tflite.json"):
        shutil.copyfile(shipped.with_name(shipped.stem + suffix), models / f"member_2{suffix}")
    shutil.copyfile(shipped, models / "member_20.keras")   # listed, kept
    (models / "members.json").write_text(json.dumps({"member_2.keras": {"run": "xception48_s29"},
                                                     "member_20.keras": {"run": "other"}}))
    run = tmp_path / "runs" / "distilled"
    run.mkdir(parents=True)
    shutil.copyfile(shipped, run / "best.keras")
    (run / "state.json").write_text(json.dumps({"epoch": 1, "best": 0.5, "best_epoch": 1, "seconds": 60,
                                                "history": [{"epoch": 1, "val_acc": 0.5}]}))

    with pytest.raises(SystemExit, match="not a listed member"):
        face_ensemble.ship_member("distilled", models / "model.keras", replace="member_9.keras")
    assert not (models / "member_21.keras").exists()

    metrics = face_ensemble.ship_member("distilled", models / "model.keras", replace="member_2.keras")
    assert metrics["served"]["networks"] == ["model.keras", "member_21.keras", "member_20.keras"]
    listed = json.loads((models / "members.json").read_text())
    assert list(listed) == ["member_21.keras", "member_20.keras"]
    assert listed["member_21.keras"]["replaced"] == "member_2.keras" and listed["member_20.keras"] == {"run": "other"}
    assert ensemble_members(models / "model.keras") == (models / "member_21.keras", models / "member_20.keras")
    assert (models / "member_21.int8.tflite").is_file() and not list(models.glob("member_2.*"))
    assert (models / "member_20.keras").is_file()


def test_a_network_is_saved_with_its_batchnorm_statistics_reestimated(tiny_fer, tmp_path, monkeypatch):
    """training.face_batchnorm: the saved copy differs from the source only in BatchNorm's moving
    statistics, and both are measured on PublicTest as the ensemble reads networks."""
    import keras

    from emotion.face_network import MODEL_FILE, FaceBackbone
    from training.face_batchnorm import recalibrate
    from training.train_face import load_split

    monkeypatch.setenv("POISE_FER_FILE", str(tiny_fer))
    result = recalibrate(MODEL_FILE, tmp_path / "recalibrated.keras", batch_size=16)
    faces, labels = load_split("PublicTest")
    expected = np.mean(FaceBackbone(MODEL_FILE).predict(faces).argmax(axis=1) == labels)
    assert result["publictest_flip_before"] == pytest.approx(expected, abs=1e-4) and result["batchnorm_layers"] == 15
    source, saved = (keras.models.load_model(path, compile=False) for path in (MODEL_FILE, tmp_path / "recalibrated.keras"))
    moved, moving = [], []
    for layer, copy in zip(source.layers, saved.layers):
        for weight, a, b in zip(layer.weights, layer.get_weights(), copy.get_weights()):
            moved.append(not np.allclose(a, b))
            moving.append(isinstance(layer, keras.layers.BatchNormalization) and weight.name.startswith("moving"))
    assert any(moved) and not any(m and not s for m, s in zip(moved, moving))   # only moving statistics changed
