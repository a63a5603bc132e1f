"""training.face_views: the view study behind emotion.face_network.WARPS (the subsets of
candidate warps, and whether a subset chosen on half of PublicTest holds on the other half)."""
import itertools

import numpy as np

from training.face_views import CANDIDATES, split_check, subset_probabilities


def one_hot(classes, n_classes=7):
    return np.eye(n_classes, dtype=np.float32)[classes]


def test_a_view_that_reads_every_face_right_is_chosen_on_either_half_and_holds_on_the_other():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 7, 400)
    wrong = (labels + 1) % 7
    names = list(CANDIDATES)
    # the face itself reads 40 % right; one warp reads every face right; the others, every face wrong
    face = np.where(rng.random(400)[:, None] < 0.4, one_hot(labels), one_hot(wrong)) * 0.5
    network = {"face": face, names[0]: one_hot(labels), **{name: one_hot(wrong) * 0.1 for name in names[1:]}}
    subsets = [s for size in range(len(names) + 1) for s in itertools.combinations(names, size)]
    rows = split_check([network, network], labels, subsets, splits=3)
    assert len(rows) == 6 and all(row["chosen"] == (names[0],) for row in rows)
    assert all(row["chosen_other_half"] == 1.0 for row in rows)
    assert all(row["none_other_half"] < 0.55 for row in rows)
    mean = subset_probabilities([network], (names[0],))[0]
    np.testing.assert_allclose(mean, (face + one_hot(labels)) / 2)


def test_each_candidate_view_is_read_as_the_warped_face_and_its_mirror_image():
    """view_readings: one reading per candidate warp (and the face), each the network's mean over
    that warp of the faces and its mirror image."""
    from emotion.face_network import MODEL_FILE, FaceEmotionModel, warped
    from tests.conftest import DATASETS
    from training.face_views import view_readings

    with np.load(DATASETS / "face" / "fer2013_train_publictest.npz") as data:
        faces = data["images"][:6]
    readings = view_readings(MODEL_FILE, faces)
    assert list(readings) == ["face", *CANDIDATES]
    model = FaceEmotionModel(MODEL_FILE, views="flip")
    np.testing.assert_allclose(readings["face"], model.predict(faces), atol=1e-5)
    name, warp = list(CANDIDATES.items())[1]
    np.testing.assert_allclose(readings[name], model.predict(warped(faces, *warp)), atol=1e-5)
    assert not np.allclose(readings[name], readings["face"], atol=1e-3)
