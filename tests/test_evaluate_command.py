"""`python -m training.evaluate`: one place that checks paths and turns bad data into exit 2."""
import json
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import DATASETS, FIXTURES, REPO_ROOT

pytestmark = pytest.mark.slow

FACE_DATA = DATASETS / "face" / "fer2013_train_publictest.npz"


def evaluate(*args):
    return subprocess.run([sys.executable, "-m", "training.evaluate", *args], capture_output=True,
                          text=True, cwd=REPO_ROOT, timeout=300)


def test_speech_folder_with_an_unreadable_clip_is_a_clear_error(tmp_path):
    header = "path,file,modality,vocal_channel,emotion_code,emotion,intensity,statement,repetition,actor,gender\n"
    (tmp_path / "labels.csv").write_text(
        header + "bad.flac,bad.flac,3,1,1,neutral,1,1,1,21,male\n")
    (tmp_path / "bad.flac").write_text("this is not audio")
    completed = evaluate("speech", str(tmp_path))
    assert completed.returncode == 2
    assert "cannot evaluate speech" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_speech_wants_a_folder_and_face_a_file(tmp_path):
    assert "not a readable folder" in evaluate("speech", str(tmp_path / "missing")).stderr
    assert "not a readable file" in evaluate("face", str(tmp_path)).stderr


def test_evaluate_speech_module_delegates_to_the_same_command():
    completed = subprocess.run([sys.executable, "-m", "training.evaluate_speech", str(FIXTURES / "missing")],
                               capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert completed.returncode == 2 and "not a readable folder" in completed.stderr


def public_test_faces():
    with np.load(FACE_DATA) as data:
        rows = np.flatnonzero(data["usage"] == "PublicTest")
        return data["images"][rows], data["labels"][rows]


def test_the_accuracy_the_face_analyzer_reports_is_what_the_shipped_model_scores(tmp_path):
    """The product shows the face model's accuracy (emotion.model_info) next to each reading;
    it comes from the card's metrics.json. Scoring the committed model on all of PublicTest (3589 faces, ~25 s)
    must give that figure again, so a model swapped without its card (or a card edited by
    hand) fails here. 0.002 allows for float differences between CPUs; one face is 0.0003."""
    from emotion.face_network import MODEL_FILE
    from emotion.model_info import model_info

    images, labels = public_test_faces()
    np.savez(tmp_path / "public_test.npz", images=images, labels=labels)
    completed = evaluate("face", str(tmp_path / "public_test.npz"))
    assert completed.returncode == 0, completed.stderr[-2000:]
    measured = json.loads(completed.stdout.strip().splitlines()[-1])
    card = json.loads((MODEL_FILE.parent / "metrics.json").read_text())
    assert measured["n"] == card["n"] == 3589
    assert measured["accuracy"] == pytest.approx(card["served"]["accuracy"], abs=0.002)
    assert measured["macro_f1"] == pytest.approx(card["served"]["macro_f1"], abs=0.002)
    assert model_info("face").accuracy == pytest.approx(measured["accuracy"], abs=0.002)


def test_face_faces_may_come_flattened_or_with_a_channel_axis(tmp_path):
    images, labels = public_test_faces()
    images, labels = images[:40], labels[:40]
    np.savez(tmp_path / "flat.npz", images=images.reshape(40, 48 * 48), labels=labels)
    np.savez(tmp_path / "channel.npz", images=images[..., None], labels=labels)
    np.savez(tmp_path / "plain.npz", images=images, labels=labels)
    results = []
    for name in ("flat", "channel", "plain"):
        completed = evaluate("face", str(tmp_path / f"{name}.npz"))
        assert completed.returncode == 0, completed.stderr[-2000:]
        results.append(json.loads(completed.stdout.strip().splitlines()[-1]))
    assert results[0]["n"] == 40 and results[0] == results[1] == results[2]


def test_face_images_of_the_wrong_shape_exit_2_with_a_message(tmp_path):
    np.savez(tmp_path / "faces.npz", images=np.zeros((5, 10, 10), np.uint8), labels=np.zeros(5, np.int64))
    completed = evaluate("face", str(tmp_path / "faces.npz"))
    assert completed.returncode == 2 and completed.stdout == ""
    assert "cannot evaluate face" in completed.stderr and "shape (5, 10, 10)" in completed.stderr
    assert "Traceback" not in completed.stderr


@pytest.mark.parametrize("images, labels, complaint", [
    (np.zeros((5, 48, 48, 3), np.uint8), np.zeros(5, np.int64), "shape (5, 48, 48, 3)"),
    (np.zeros((5, 2300), np.uint8), np.zeros(5, np.int64), "shape (5, 2300)"),
    (np.full((5, 48, 48), "x"), np.zeros(5, np.int64), "numeric"),
    (np.full((5, 48, 48), np.nan), np.zeros(5, np.int64), "0..255"),
    (np.zeros((5, 48, 48), np.uint8), np.array([0, 1, 2, 3, 7]), "0..6"),
    (np.zeros((5, 48, 48), np.uint8), np.array([0, 1, 2, 3, -1]), "0..6"),
    (np.zeros((5, 48, 48), np.uint8), np.array([0, 1, 2, 3, 2.5]), "0..6"),
    (np.zeros((5, 48, 48), np.uint8), np.zeros(4, np.int64), "one per face"),
])
def test_face_data_the_model_cannot_take_is_a_clear_error(tmp_path, capsys, images, labels, complaint):
    from training.evaluate import main

    np.savez(tmp_path / "faces.npz", images=images, labels=labels)
    assert main(["face", str(tmp_path / "faces.npz")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "cannot evaluate face" in captured.err and complaint in captured.err


def test_speech_scores_are_given_per_gender_when_the_labels_name_it():
    from training.evaluate_speech import scores_by_gender

    truth = np.array([0, 1, 2, 0, 1, 2])
    predicted = np.array([0, 1, 2, 0, 0, 0])
    genders = np.array(["female", "female", "female", "male", "male", "male"])
    by_gender = scores_by_gender(truth, predicted, genders)
    assert set(by_gender) == {"female", "male"}
    assert by_gender["female"]["n"] == 3 and by_gender["female"]["accuracy"] == 1.0
    assert by_gender["male"]["accuracy"] == pytest.approx(1 / 3, abs=1e-4)
    assert by_gender["male"]["macro_f1"] < by_gender["female"]["macro_f1"]
    assert by_gender["male"]["per_class"]["neutral"]["recall"] == 1.0


def test_evaluate_speech_prints_by_gender_on_real_clips(tmp_path):
    """Two clips of each gender from the developer copy, through the command as a user runs it."""
    import pandas as pd

    speech = DATASETS / "speech"
    table = pd.read_csv(speech / "labels.csv")
    picked = pd.concat([table[table["gender"] == gender].head(2) for gender in ("male", "female")])
    for path in picked["path"]:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).symlink_to(speech / path)
    picked.to_csv(tmp_path / "labels.csv", index=False)
    completed = evaluate("speech", str(tmp_path))
    assert completed.returncode == 0, completed.stderr[-1500:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["n"] == 4 and set(result["by_gender"]) == {"male", "female"}
    assert all(part["n"] == 2 and 0 <= part["accuracy"] <= 1 and "macro_f1" in part
               for part in result["by_gender"].values())
