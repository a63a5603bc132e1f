"""The TFLite copies of the face networks that videos are read with (emotion/face_lite.py): the
served network's float32 copy is the committed Keras network, exactly, on real faces; int8 copies
(members, and the served network's extra views) are close; a stale or altered copy, or one put in
the other kind's place, is never used."""
import json
import shutil

import numpy as np
import pytest

from emotion import face_lite
from emotion.face import FaceAnalyzer
from emotion.face_network import MODEL_FILE, FaceBackbone, ensemble_members
from emotion.face_lite import LiteFaceNetwork, lite_files, lite_network_for, sha256_of
from emotion.media import sample_video_frames
from tests.conftest import FIXTURES

pytestmark = pytest.mark.slow

CLIP = FIXTURES / "av" / "timeline_1.webm"


@pytest.fixture(scope="module")
def real_faces():
    """48x48 crops of the faces BlazeFace finds in a real clip."""
    analyzer = FaceAnalyzer()
    frames = [frame for _, frame in sample_video_frames(FIXTURES / "video" / "woman2.mp4", 5, colour=True)]
    faces = [tracked.crop for tracked in analyzer.detector.track_main_face(frames) if tracked is not None]
    assert len(faces) > 50
    return np.stack(faces)


@pytest.fixture
def keras_only(tmp_path):
    """A copy of the committed .keras file with no TFLite copy beside it."""
    model_file = tmp_path / "model.keras"
    shutil.copyfile(MODEL_FILE, model_file)
    return model_file


@pytest.fixture
def warnings_logged(monkeypatch):
    """What face_lite warns of, read from its logger itself: pytest's caplog depends on the
    logging set-up left by the tests run before (Alembic's fileConfig once disabled it)."""
    said = []

    class Recorder:
        def warning(self, message, *arguments):
            said.append(message % arguments)

    monkeypatch.setattr(face_lite, "log", Recorder())
    return said


def with_lite_copy(model_file):
    lite_file, record_file = lite_files(MODEL_FILE)
    shutil.copyfile(lite_file, model_file.with_suffix(".tflite"))
    shutil.copyfile(record_file, lite_files(model_file)[1])


def test_the_committed_copy_was_exported_from_the_committed_weights():
    lite_file, record_file = lite_files(MODEL_FILE)
    record = json.loads(record_file.read_text())
    # Fails when model.keras is retrained and training.export_face_lite was not run again.
    assert record["source_sha256"] == sha256_of(MODEL_FILE)
    assert record["sha256"] == sha256_of(lite_file)
    assert record["largest_difference"] < 1e-4
    assert isinstance(lite_network_for(MODEL_FILE), LiteFaceNetwork)


def test_the_copy_reads_real_faces_as_keras_does(real_faces):
    keras_features, keras_probabilities = FaceBackbone().features(real_faces)
    lite = FaceBackbone(lite=lite_network_for(MODEL_FILE))
    for batch in (1, 7, len(real_faces)):  # the interpreter is resized between batch sizes
        lite_features, lite_probabilities = lite.features(real_faces, batch_size=batch)
        assert lite_features.shape == keras_features.shape == (len(real_faces), lite.width)
        np.testing.assert_allclose(lite_features, keras_features, atol=1e-4)
        np.testing.assert_allclose(lite_probabilities, keras_probabilities, atol=1e-5)
    assert lite_probabilities.sum(axis=1) == pytest.approx(np.ones(len(real_faces)), abs=1e-5)
    assert len(set(keras_probabilities.argmax(axis=1))) > 1  # real readings, not one class everywhere


def test_a_video_reads_the_same_through_either_network(keras_only):
    keras_analyzer = FaceAnalyzer(keras_only)
    through_keras = keras_analyzer.analyze_video(CLIP)
    assert keras_analyzer.backbone.runtime == "keras"
    with_lite_copy(keras_only)
    analyzer = FaceAnalyzer(keras_only)
    through_lite = analyzer.analyze_video(CLIP)
    assert analyzer.backbone.runtime == "tflite"
    assert [p.face_found for p in through_lite.timeline] == [p.face_found for p in through_keras.timeline]
    for lite_point, keras_point in zip(through_lite.timeline, through_keras.timeline):
        if keras_point.face_found:
            assert lite_point.probabilities == pytest.approx(keras_point.probabilities, abs=1e-4)
    assert through_lite.summary.dominant_emotion == through_keras.summary.dominant_emotion


def test_a_copy_from_other_weights_is_not_used(keras_only, warnings_logged):
    with_lite_copy(keras_only)
    keras_only.write_bytes(keras_only.read_bytes() + b"retrained")  # the .keras no longer matches the record
    assert lite_network_for(keras_only) is None
    assert len(warnings_logged) == 1 and "export_face_lite" in warnings_logged[0]


def test_an_altered_copy_is_not_used_and_the_video_is_still_read(keras_only, warnings_logged):
    with_lite_copy(keras_only)
    lite_file = keras_only.with_suffix(".tflite")
    lite_file.write_bytes(lite_file.read_bytes()[:1000])  # cut short
    assert lite_network_for(keras_only) is None
    assert len(warnings_logged) == 1 and "SHA-256" in warnings_logged[0]
    analysis = FaceAnalyzer(keras_only).analyze_video(CLIP)  # read with Keras instead
    assert analysis.summary.face_share > 0.9


def test_an_unreadable_record_is_not_used(keras_only, warnings_logged):
    with_lite_copy(keras_only)
    lite_files(keras_only)[1].write_text("{not json")
    assert lite_network_for(keras_only) is None
    assert len(warnings_logged) == 1 and "unreadable" in warnings_logged[0]


def test_export_writes_a_copy_that_is_then_used(keras_only, real_faces):
    from training.export_face_lite import export

    record = export(keras_only, real_faces[:32], "32 faces of woman2.mp4")
    lite_file, record_file = lite_files(keras_only)
    assert json.loads(record_file.read_text()) == record
    assert record["source_sha256"] == sha256_of(keras_only) and record["sha256"] == sha256_of(lite_file)
    assert record["largest_difference"] < 1e-4
    assert isinstance(lite_network_for(keras_only), LiteFaceNetwork)


MEMBER_FILE = ensemble_members(MODEL_FILE)[0]  # the first shipped member: videos read its int8 copy


def test_an_int8_copy_of_a_member_is_exported_checked_and_then_used(tmp_path, real_faces):
    from training.export_face_lite import MAX_INT8_MEAN_DIFFERENCE, MIN_INT8_AGREEMENT, export

    member = tmp_path / "member_2.keras"
    shutil.copyfile(MEMBER_FILE, member)
    record = export(member, real_faces, "the faces of woman2.mp4", int8=True)
    lite_file, record_file = lite_files(member, quantised=True)
    assert lite_file.name == "member_2.int8.tflite" and not lite_files(member)[0].exists()
    assert json.loads(record_file.read_text()) == record and "int8" in record["quantised"]
    assert record["sha256"] == sha256_of(lite_file) and record["class_agreement"] >= MIN_INT8_AGREEMENT
    assert lite_file.stat().st_size < 0.5 * MEMBER_FILE.stat().st_size  # 8-bit weights, not 32
    keras_probabilities = FaceBackbone(member).predict(real_faces)
    int8_probabilities = FaceBackbone(lite=lite_network_for(member, quantised=True)).predict(real_faces)
    assert np.mean(keras_probabilities.argmax(1) == int8_probabilities.argmax(1)) >= MIN_INT8_AGREEMENT
    assert np.abs(int8_probabilities - keras_probabilities).mean() <= MAX_INT8_MEAN_DIFFERENCE  # close, not bit-equal
    assert np.abs(int8_probabilities - keras_probabilities).max() > 1e-4


def test_an_export_that_strays_from_keras_is_refused():
    from training.export_face_lite import refusal

    exact = {"largest_difference": 2e-6, "mean_probability_difference": 1e-7, "class_agreement": 1.0}
    int8 = {"largest_difference": 0.15, "mean_probability_difference": 0.007, "class_agreement": 0.97}
    assert refusal(exact, quantised=False) is None and refusal(int8, quantised=True) is None
    assert "differs from Keras" in refusal({**exact, "largest_difference": 3e-3}, quantised=False)
    assert "differs from Keras" in refusal(int8, quantised=False)  # the served network's copy must be exact
    assert "class to 80.0%" in refusal({**int8, "class_agreement": 0.80}, quantised=True)
    assert "on average" in refusal({**int8, "mean_probability_difference": 0.05}, quantised=True)


def test_the_served_network_s_features_are_never_read_through_an_int8_copy(tmp_path, warnings_logged):
    served = tmp_path / "model.keras"
    shutil.copyfile(MODEL_FILE, served)
    float_copy, int8_copy = lite_files(MODEL_FILE), lite_files(MODEL_FILE, quantised=True)
    for source, copy in zip(int8_copy, lite_files(served)):   # each copy in the other's place
        shutil.copyfile(source, copy)
    for source, copy in zip(float_copy, lite_files(served, quantised=True)):
        shutil.copyfile(source, copy)
    assert lite_network_for(served) is None and "quantised" in warnings_logged[-1]
    assert lite_network_for(served, quantised=True) is None and "float32" in warnings_logged[-1]
    analyzer = FaceAnalyzer(served)
    assert analyzer.backbone.read_with == "keras"  # features (fusion, the wheel) at full precision
    assert analyzer.served_views is analyzer.backbone  # neither copy is right: the extra views through Keras too
    for copies, quantised in ((float_copy, False), (int8_copy, True)):
        for source, copy in zip(copies, lite_files(served, quantised)):
            shutil.copyfile(source, copy)
    analyzer = FaceAnalyzer(served)
    assert analyzer.backbone.read_with == "tflite float32" and analyzer.served_views.read_with == "tflite int8"
