"""The face ensemble the full video analysis reads faces with (emotion.face_network.EnsembleReader):
the mean of the served network's probabilities and those of every member listed in members.json
beside it, each over the face and its WARPS with mirror images, while the wheel keeps reading the
served network's own outputs over the face and its mirror image."""
import json
import shutil

import numpy as np
import pytest

from emotion.errors import ModelUnavailable
from emotion.face import FaceAnalyzer, FeatureRecorder
from emotion.face_lite import lite_files, lite_network_for
from emotion.face_network import (MODEL_FILE, WARPS, EnsembleFaceModel, EnsembleReader, FaceBackbone, ensemble_members,
                                  warped)
from training.export_face_lite import MIN_INT8_AGREEMENT
from tests.conftest import FIXTURES

CLIP = FIXTURES / "av" / "timeline_1.webm"
# The first shipped member (a network trained from another start), whatever its file is called
# after a --replace: copied into folders of the tests' own as member_2.keras.
OTHER_NETWORK = ensemble_members(MODEL_FILE)[0]


class FixedBackbone:
    """Reads every face the same: given features and probabilities, as FaceBackbone.features does."""

    def __init__(self, features, probabilities):
        self.width = len(features)
        self._features, self._probabilities = np.float32(features), np.float32(probabilities)

    def features(self, faces48):
        n = len(faces48)
        return np.tile(self._features, (n, 1)), np.tile(self._probabilities, (n, 1))

    def predict(self, faces48):
        return self.features(faces48)[1]


def over_views(backbone: FaceBackbone, faces48: np.ndarray) -> np.ndarray:
    """The mean of a network's readings of the face and of each of its WARPS (each with its mirror image)."""
    return np.mean([backbone.predict(faces48), *(backbone.predict(warped(faces48, *warp)) for warp in WARPS)], axis=0)


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
    alone, together = FeatureRecorder(EnsembleReader(served)), FeatureRecorder(EnsembleReader(served, (member,)))
    np.testing.assert_allclose(alone.predict(faces)[0], [0.6, 0.1, 0.1, 0.1, 0.1, 0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(together.predict(faces), np.tile([0.3, 0.1, 0.1, 0.4, 0.1, 0.0, 0.0], (3, 1)), atol=1e-6)
    together.predict(faces[:1])
    outputs = together.outputs  # the served network's, never the member's nor the mean
    np.testing.assert_allclose(outputs.features, np.tile([1.0, 2.0], (4, 1)))
    np.testing.assert_allclose(outputs.probabilities, np.tile([0.6, 0.1, 0.1, 0.1, 0.1, 0.0, 0.0], (4, 1)), atol=1e-6)


class ViewRecorder:
    """Reads a face as its mean pixel (the same value in all 7 places), and notes each batch it is given."""

    def __init__(self, width=2):
        self.width, self.batches = width, []

    def features(self, faces48):
        self.batches.append(np.array(faces48))
        value = faces48.reshape(len(faces48), -1).mean(axis=1, keepdims=True).astype(np.float32)
        return np.tile(value, (1, self.width)), np.tile(value, (1, 7))

    def predict(self, faces48):
        return self.features(faces48)[1]


def test_each_network_reads_every_view_and_the_served_network_s_own_reading_is_the_face_itself():
    faces = np.zeros((2, 48, 48), np.uint8)
    faces[:, 10:20, 5:15] = 200   # off-centre: every warp moves it
    served, served_views, member = ViewRecorder(), ViewRecorder(), ViewRecorder()
    features, own, probabilities = EnsembleReader(served, (member,), served_views).read(faces)
    views = [faces, *(warped(faces, *warp) for warp in WARPS)]
    assert [batch.tolist() for batch in served.batches] == [faces.tolist()]   # features: the face itself only
    assert [batch.tolist() for batch in served_views.batches] == [view.tolist() for view in views[1:]]
    assert [batch.tolist() for batch in member.batches] == [view.tolist() for view in views]
    each_view = [view.reshape(2, -1).mean(axis=1) for view in views]
    np.testing.assert_allclose(own[:, 0], each_view[0], rtol=1e-6)
    np.testing.assert_allclose(probabilities[:, 0], np.mean(each_view, axis=0), rtol=1e-5)   # both networks, equally
    assert len({round(float(v[0]), 3) for v in each_view}) == len(views)   # the views really differ


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
    assert analyzer.served_views is analyzer.backbone  # no int8 copy: the extra views through the float32 one
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


def test_the_faces_are_turned_and_scaled_about_their_centre():
    face = np.zeros((1, 48, 48), np.uint8)
    face[0, 20:28, 10:14] = 255   # a bar left of the centre
    assert warped(face, 0.0, 1.0).tolist() == face.tolist()
    turned = warped(face, 90.0, 1.0)[0]   # anticlockwise: the bar goes below the centre
    assert turned[34:38, 20:28].mean() > 200 and turned[20:28, 10:14].mean() < 50
    assert (warped(face, 0.0, 0.5)[0] > 0).sum() < (face[0] > 0).sum() / 2   # reduced by half
    assert warped(np.zeros((0, 48, 48), np.uint8), 6.0, 1.0).shape == (0, 48, 48)


@pytest.mark.slow
def test_the_evaluation_model_reads_faces_as_videos_do(ensemble):
    networks = [FaceBackbone(ensemble), FaceBackbone(ensemble.with_name("member_2.keras"))]
    faces = np.random.default_rng(3).integers(0, 256, (6, 48, 48), dtype=np.uint8)
    expected = np.mean([over_views(backbone, faces) for backbone in networks], axis=0)
    model = EnsembleFaceModel(ensemble)
    assert [path.name for path in model.files] == ["model.keras", "member_2.keras"]
    np.testing.assert_allclose(model.predict(faces), expected, atol=1e-5)
    flip_only = np.mean([backbone.predict(faces) for backbone in networks], axis=0)
    assert np.abs(model.predict(faces) - flip_only).max() > 1e-3  # the extra views really count


@pytest.mark.slow
def test_the_evaluation_model_reads_int8_copies_for_members_and_extra_views(ensemble):
    member = ensemble.with_name("member_2.keras")
    for network, copy_of in ((OTHER_NETWORK, member), (MODEL_FILE, ensemble)):
        for source, copy in zip(lite_files(network, quantised=True), lite_files(copy_of, quantised=True)):
            shutil.copyfile(source, copy)
    faces = np.random.default_rng(4).integers(0, 256, (8, 48, 48), dtype=np.uint8)
    served = FaceBackbone(lite=lite_network_for(ensemble))
    served_int8 = FaceBackbone(lite=lite_network_for(ensemble, quantised=True))
    int8_member = FaceBackbone(lite=lite_network_for(member, quantised=True))
    model = EnsembleFaceModel(ensemble)
    views = 1 + len(WARPS)
    served_reading = (served.predict(faces) + views * over_views(served_int8, faces) - served_int8.predict(faces)) / views
    np.testing.assert_allclose(model.predict(faces), (served_reading + over_views(int8_member, faces)) / 2, atol=1e-6)
    through_keras = (over_views(FaceBackbone(ensemble), faces) + over_views(FaceBackbone(member), faces)) / 2
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
def test_the_committed_networks_have_their_int8_copies_and_videos_read_them():
    from emotion.face_lite import sha256_of

    members = (OTHER_NETWORK,)
    assert ensemble_members() == members
    for network in (MODEL_FILE, *members):
        lite_file, record_file = lite_files(network, quantised=True)
        record = json.loads(record_file.read_text())  # fails when a network is replaced and not exported again
        assert record["source_sha256"] == sha256_of(network) and record["sha256"] == sha256_of(lite_file)
        assert "int8" in record["quantised"] and record["class_agreement"] >= MIN_INT8_AGREEMENT
    analyzer = FaceAnalyzer()
    assert [member.read_with for member in analyzer.members] == ["tflite int8"]
    assert analyzer.served_views.read_with == "tflite int8"   # the served network's extra views
    assert analyzer.backbone.read_with == "tflite float32"  # its features (fusion, the wheel): never quantised
