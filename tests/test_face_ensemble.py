"""The face ensemble the full video analysis reads faces with (emotion.face_network.ensemble_members):
the mean of the served network's probabilities and those of every member listed in members.json
beside it, while the wheel keeps reading the served network's own outputs."""
import json
import shutil

import numpy as np
import pytest

from emotion.errors import ModelUnavailable
from emotion.face import FaceAnalyzer, FeatureRecorder
from emotion.face_lite import lite_files, lite_network_for
from emotion.face_network import MODEL_FILE, EnsembleFaceModel, FaceBackbone, ensemble_members
from training.export_face_lite import MIN_INT8_AGREEMENT
from tests.conftest import FIXTURES

CLIP = FIXTURES / "av" / "timeline_1.webm"
# The shipped member, a network trained from another start: copied into folders of the tests' own.
OTHER_NETWORK = MODEL_FILE.with_name("member_2.keras")


class FixedBackbone:
    """Reads every face the same: given features and probabilities, as FaceBackbone.features does."""

    def __init__(self, features, probabilities):
        self.width = len(features)
        self._features, self._probabilities = np.float32(features), np.float32(probabilities)

    def features(self, faces48):
        n = len(faces48)
        return np.tile(self._features, (n, 1)), np.tile(self._probabilities, (n, 1))


def test_members_are_the_networks_listed_beside_the_served_network(tmp_path):
    for name in ("model.keras", "member_3.keras", "member_2.keras", "member_9.keras"):
        (tmp_path / name).touch()
    assert ensemble_members(tmp_path / "model.keras") == ()  # files merely copied in are not members
    (tmp_path / "members.json").write_text(json.dumps({"member_3.keras": {"run": "b"}, "member_2.keras": {"run": "a"}}))
    assert ensemble_members(tmp_path / "model.keras") == (tmp_path / "member_3.keras", tmp_path / "member_2.keras")
    (tmp_path / "members.json").write_text("{cut short")
    with pytest.raises(ModelUnavailable, match="members.json"):
        ensemble_members(tmp_path / "model.keras")


def test_the_recorder_averages_the_members_probabilities_and_keeps_the_served_network_s_outputs():
    served = FixedBackbone([1.0, 2.0], [0.6, 0.1, 0.1, 0.1, 0.1, 0.0, 0.0])
    member = FixedBackbone([9.0, 9.0], [0.0, 0.1, 0.1, 0.7, 0.1, 0.0, 0.0])
    faces = np.zeros((3, 48, 48), np.uint8)
    alone, together = FeatureRecorder(served), FeatureRecorder(served, (member,))
    np.testing.assert_allclose(alone.predict(faces)[0], [0.6, 0.1, 0.1, 0.1, 0.1, 0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(together.predict(faces), np.tile([0.3, 0.1, 0.1, 0.4, 0.1, 0.0, 0.0], (3, 1)), atol=1e-6)
    together.predict(faces[:1])
    outputs = together.outputs  # the served network's, never the member's nor the mean
    np.testing.assert_allclose(outputs.features, np.tile([1.0, 2.0], (4, 1)))
    np.testing.assert_allclose(outputs.probabilities, np.tile([0.6, 0.1, 0.1, 0.1, 0.1, 0.0, 0.0], (4, 1)), atol=1e-6)


@pytest.fixture
def ensemble(tmp_path):
    """The committed network (with its TFLite copy) and a network from another start beside it."""
    model_file = tmp_path / "model.keras"
    shutil.copyfile(MODEL_FILE, model_file)
    for source, copy in zip(lite_files(MODEL_FILE), lite_files(model_file)):
        shutil.copyfile(source, copy)
    shutil.copyfile(OTHER_NETWORK, tmp_path / "member_2.keras")
    (tmp_path / "members.json").write_text(json.dumps({"member_2.keras": {"run": "xception48_s29"}}))
    return model_file


@pytest.mark.slow
def test_a_video_is_read_with_the_mean_of_both_networks(ensemble, tmp_path):
    analyzer = FaceAnalyzer(ensemble)
    outputs = []
    together = analyzer.analyze(CLIP, outputs_out=outputs)
    assert len(analyzer.members) == 1 and analyzer.members[0].runtime == "keras"  # no TFLite copy of the member
    served_only = tmp_path / "served"
    served_only.mkdir()
    shutil.copyfile(ensemble, served_only / "model.keras")
    alone_outputs = []
    alone = FaceAnalyzer(served_only / "model.keras").analyze(CLIP, outputs_out=alone_outputs)
    assert [p.face_found for p in together.timeline] == [p.face_found for p in alone.timeline]
    for mine, served in zip(outputs[0], alone_outputs[0]):  # the wheel's input is the served network's alone
        np.testing.assert_allclose(mine, served, atol=1e-4)

    member_dir = tmp_path / "member"
    member_dir.mkdir()
    shutil.copyfile(OTHER_NETWORK, member_dir / "model.keras")
    member = FaceAnalyzer(member_dir / "model.keras").analyze_video(CLIP)
    differs = 0
    for both, served, other in zip(together.timeline, alone.timeline, member.timeline):
        if both.face_found:
            for name, value in both.probabilities.items():
                assert value == pytest.approx((served.probabilities[name] + other.probabilities[name]) / 2, abs=1e-4)
            differs += served.probabilities != pytest.approx(both.probabilities, abs=1e-3)
    assert differs > 0  # the member really changed the readings


@pytest.mark.slow
def test_the_evaluation_model_reads_faces_as_videos_do(ensemble):
    networks = [FaceBackbone(ensemble), FaceBackbone(ensemble.with_name("member_2.keras"))]
    faces = np.random.default_rng(3).integers(0, 256, (6, 48, 48), dtype=np.uint8)
    expected = np.mean([backbone.features(faces)[1] for backbone in networks], axis=0)
    model = EnsembleFaceModel(ensemble)
    assert [path.name for path in model.files] == ["model.keras", "member_2.keras"]
    np.testing.assert_allclose(model.predict(faces), expected, atol=1e-5)


@pytest.mark.slow
def test_the_evaluation_model_reads_members_through_their_int8_copies(ensemble):
    member = ensemble.with_name("member_2.keras")
    for source, copy in zip(lite_files(OTHER_NETWORK), lite_files(member)):
        shutil.copyfile(source, copy)
    faces = np.random.default_rng(4).integers(0, 256, (8, 48, 48), dtype=np.uint8)
    served = FaceBackbone(lite=lite_network_for(ensemble))
    int8_member = FaceBackbone(lite=lite_network_for(member, quantised_ok=True))
    model = EnsembleFaceModel(ensemble)
    np.testing.assert_allclose(model.predict(faces), (served.predict(faces) + int8_member.predict(faces)) / 2, atol=1e-6)
    through_keras = (FaceBackbone(ensemble).predict(faces) + FaceBackbone(member).predict(faces)) / 2
    assert np.abs(model.predict(faces) - through_keras).max() > 1e-4  # really the int8 copy, not Keras


@pytest.mark.slow
def test_a_damaged_or_missing_member_is_a_clear_model_error(ensemble):
    member = ensemble.with_name("member_2.keras")
    member.write_bytes(b"not a network")
    with pytest.raises(ModelUnavailable, match="member_2.keras"):
        FaceAnalyzer(ensemble).analyze_video(CLIP)
    member.unlink()
    with pytest.raises(ModelUnavailable, match="member_2.keras"):
        FaceAnalyzer(ensemble).analyze_video(CLIP)


@pytest.mark.slow
def test_the_committed_member_is_listed_and_read_through_its_own_tflite_copy():
    from emotion.face_lite import sha256_of

    assert ensemble_members() == (OTHER_NETWORK,)
    lite_file, record_file = lite_files(OTHER_NETWORK)
    record = json.loads(record_file.read_text())  # fails when the member is replaced and not exported again
    assert record["source_sha256"] == sha256_of(OTHER_NETWORK) and record["sha256"] == sha256_of(lite_file)
    assert "int8" in record["quantised"] and record["class_agreement"] >= MIN_INT8_AGREEMENT  # read through int8 copies
    assert [member.read_with for member in FaceAnalyzer().members] == ["tflite int8"]
    assert FaceAnalyzer().backbone.read_with == "tflite float32"  # the served network never quantised
