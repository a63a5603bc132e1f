"""`python -m training.evaluate`: one place that checks paths and turns bad data into exit 2."""
import json
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, REPO_ROOT

pytestmark = pytest.mark.slow


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


def test_face_analyzer_reports_its_measured_accuracy():
    from emotion.face import MODEL_FILE, FaceAnalyzer

    metrics = json.loads((MODEL_FILE.parent / "metrics.json").read_text())
    assert FaceAnalyzer().model_accuracy == metrics["served"]["accuracy"]
