"""BlazeFace (emotion/blazeface.py) with its real weights on real frames, and the video pass
that hands every sampled colour frame and its face to frame readers."""
import shutil

import numpy as np
import pytest

from emotion.blazeface import BlazeFace, decode, ssd_anchors, weighted_nms
from emotion.mediapipe_weights import DETECTOR_FILE, verified_weights
from emotion.camera_types import Detection
from emotion.errors import ModelUnavailable
from tests.conftest import DATASETS, FIXTURES

pytestmark = pytest.mark.slow

AV = FIXTURES / "av"
FACE_SCALE = 4


@pytest.fixture(scope="module")
def blaze_face():
    from emotion.blazeface import get_blaze_face

    return get_blaze_face()


@pytest.fixture(scope="module")
def public_test_faces():
    with np.load(DATASETS / "face" / "fer2013_train_publictest.npz") as data:
        rows = np.flatnonzero(data["usage"] == "PublicTest")[:20]
        return data["images"][rows]


@pytest.fixture(scope="module")
def analyzer():
    from emotion.face import get_face_analyzer

    return get_face_analyzer()


def on_a_frame(face48: np.ndarray, left: int, top: int) -> np.ndarray:
    """A FER2013 face scaled 4x onto a grey 640x480 BGR frame, as the fixture clips show them."""
    import cv2

    frame = np.full((480, 640, 3), 118, np.uint8)
    side = 48 * FACE_SCALE
    frame[top:top + side, left:left + side] = cv2.cvtColor(
        cv2.resize(face48, (side, side), interpolation=cv2.INTER_CUBIC), cv2.COLOR_GRAY2BGR)
    return frame


def test_a_public_test_face_on_a_frame_is_found_with_the_box_around_it(blaze_face, public_test_faces):
    left, top, side = 300, 150, 48 * FACE_SCALE
    found = [blaze_face.detect(on_a_frame(face, left, top)) for face in public_test_faces]
    assert sum(len(faces) == 1 for faces in found) >= 18   # 20 of 20 when written
    for faces in found:
        if faces:
            x, y, w, h = faces[0].box
            assert left <= x + w / 2 <= left + side and top <= y + h / 2 <= top + side
            # BlazeFace boxes brows to chin; on a tight FER2013 crop it may reach a little past it
            slack = 0.15 * side
            assert 0.4 * side < w < 1.3 * side and x >= left - slack and x + w <= left + side + slack


def test_keypoints_lie_inside_the_box_in_blazefaces_order(blaze_face, public_test_faces):
    faces = [found[0] for found in (blaze_face.detect(on_a_frame(face, 100, 60)) for face in public_test_faces) if found]
    for face in faces:
        x, y, w, h = face.box
        (rx, ry), (lx, ly), (nx, ny), (mx, my) = face.keypoints[:4]
        assert all(x - 2 <= px <= x + w + 2 and y - 2 <= py <= y + h + 2 for px, py in face.keypoints[:4])
        assert rx < nx < lx          # the person's right eye on the image's left (not mirrored)
        assert max(ry, ly) < ny < my  # eyes above the nose above the mouth
        assert face.keypoints[4][0] < nx < face.keypoints[5][0]  # right ear tragion, then left
        assert 0.5 <= face.score <= 1


def test_the_crop_frames_the_face_as_fer2013_does(analyzer, public_test_faces):
    """The served crop of a placed face is closer to the 48x48 face itself than a crop on the
    bare box, or wider: FER2013 frames the face higher and wider than BlazeFace's box."""
    from emotion.face_detector import CropSettings, face_crop

    def likeness(settings):
        values = []
        for face in public_test_faces[1:11]:
            frame = on_a_frame(face, 220, 140)
            crop = face_crop(frame, analyzer.detector.main_face(frame), settings)
            values.append(np.corrcoef(crop.ravel().astype(float), face.ravel().astype(float))[0, 1])
        return np.median(values)

    served = likeness(analyzer.detector.settings.crop)
    assert served > 0.45   # 0.53 when written
    for other in (CropSettings(scale=1.0, shift_down=0.0), CropSettings(scale=1.5, shift_down=0.0)):
        assert served > likeness(other) + 0.05   # 0.38 and 0.44


def test_the_eye_line_angle_levels_a_turned_face(blaze_face, public_test_faces):
    from emotion.face_detector import eye_line_degrees
    from training.build_face_clips import place

    background = np.full((480, 640, 3), 118, np.uint8)
    turns = []
    for face in public_test_faces[1:6]:
        upright, turned = (eye_line_degrees(blaze_face.detect(place(background, face, 220, 140, 192, tilt))[0])
                           for tilt in (0.0, 12.0))   # turned 12 degrees anticlockwise
        turns.append(turned - upright)
    assert abs(np.median(turns) + 12) < 3   # OpenCV's turn by the angle undoes it (-11.4 when written)


def test_a_gray_or_bgra_frame_reads_like_its_colour_copy(blaze_face, public_test_faces):
    import cv2

    from emotion.face_detector import face_crop

    frame = on_a_frame(public_test_faces[1], 200, 100)
    gray, colour = blaze_face.detect(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)), blaze_face.detect(frame)
    assert len(gray) == len(colour) == 1 and np.abs(np.subtract(gray[0].box, colour[0].box)).max() <= 2
    with_alpha = cv2.cvtColor(frame, cv2.COLOR_BGR2BGRA)
    assert blaze_face.detect(with_alpha) == colour
    assert np.array_equal(face_crop(with_alpha, colour[0]), face_crop(frame, colour[0]))


@pytest.mark.parametrize("kind", ["wall", "noise", "tiny"])
def test_frames_without_a_face_have_none(blaze_face, kind):
    rng = np.random.default_rng(7)
    frame = {"wall": np.full((480, 640, 3), 128, np.uint8),
             "noise": rng.integers(0, 256, (480, 640, 3), dtype=np.uint8),
             "tiny": np.zeros((3, 5, 3), np.uint8)}[kind]
    assert blaze_face.detect(frame) == []


def test_weights_that_differ_from_the_pinned_sha256_are_refused(tmp_path):
    changed = tmp_path / DETECTOR_FILE
    shutil.copyfile(verified_weights(DETECTOR_FILE), changed)
    data = bytearray(changed.read_bytes())
    data[len(data) // 2] ^= 0xFF
    changed.write_bytes(bytes(data))
    with pytest.raises(ModelUnavailable, match=f"refused: .*{DETECTOR_FILE}"):
        BlazeFace(weights=changed).detect(np.zeros((128, 128, 3), np.uint8))
    with pytest.raises(ModelUnavailable, match="missing"):
        verified_weights(DETECTOR_FILE, tmp_path / "elsewhere")
    assert verified_weights(DETECTOR_FILE).is_file()


def test_anchors_and_weighted_suppression_follow_mediapipe():
    anchors = ssd_anchors()
    assert anchors.shape == (896, 2)
    assert np.allclose(anchors[:2], [[1 / 32, 1 / 32]] * 2) and np.allclose(anchors[512], [1 / 16, 1 / 16])
    raw = np.zeros((896, 16), np.float32)
    raw[:, 2:4] = 32                               # every anchor: a 32x32 box on its centre
    scores = np.full(896, -10.0, np.float32)
    scores[[200, 201]] = [4.0, 2.0]                # two anchors of one cell, overlapping entirely
    points, kept = decode(raw[None], scores[None, :, None], anchors)
    merged = list(weighted_nms(points, kept))
    assert len(merged) == 1 and merged[0][1] == pytest.approx(1 / (1 + np.exp(-4.0)))


class FrameReader:
    def __init__(self):
        self.frames = []

    def add(self, seconds, frame, detection):
        self.frames.append((seconds, frame, detection))


def test_video_timeline_finds_the_face_in_most_frames_and_feeds_the_readers(analyzer):
    from emotion.video import face_timeline

    reader = FrameReader()
    analysis, strongest = face_timeline(AV / "happy_1.webm", analyzer.detector, analyzer.model, 5.0, [reader])
    assert analysis.summary.face_share >= 0.9 and strongest.shape == (48, 48)
    assert [round(t, 3) for t, _, _ in reader.frames] == [point.time for point in analysis.timeline]
    for (_, frame, detection), point in zip(reader.frames, analysis.timeline):
        assert frame.shape == (480, 640, 3) and frame.dtype == np.uint8
        assert (detection is not None) == point.face_found
        assert detection is None or isinstance(detection, Detection)
    assert np.ptp(reader.frames[0][1].astype(int), axis=2).max() < 40  # a grey clip, in three channels


def test_without_a_model_no_emotion_is_read_but_readers_get_every_frame(analyzer):
    from emotion.video import face_timeline

    reader = FrameReader()
    assert face_timeline(FIXTURES / "video" / "woman2.mp4", analyzer.detector, None, 5.0, [reader]) == (None, None)
    assert len(reader.frames) > 70 and sum(d is not None for _, _, d in reader.frames) >= 0.95 * len(reader.frames)
    assert reader.frames[0][1].shape == (336, 596, 3)
