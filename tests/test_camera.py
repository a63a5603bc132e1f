"""Delivery on camera: framing and light, the summary's arithmetic on hand-built moments, the
models' SHA-256 check (fast); and the real Face Mesh and Iris weights on real faces (slow)."""
import time

import cv2
import numpy as np
import pytest

from emotion import head_pose
from emotion.camera import (CameraReader, blinks_per_minute, count_nods, framing_shares, head_movement,
                            look_aways, summarise)
from emotion.camera_types import FRAMING_PROBLEMS, CameraMoment, Detection, Stretch
from emotion.errors import ModelUnavailable
from emotion.face_mesh import FaceMesh, detection_from_landmarks
from emotion.mediapipe_weights import IRIS_FILE, MESH_FILE, WEIGHTS_SHA256, verified_weights
from emotion.framing import FRAMING_HINTS, framing_problems
from tests.conftest import DATASETS, FIXTURES

STEP = 0.2   # 5 sampled frames a second, as the video job samples


def moment(t, at=True, pitch=0.0, yaw=0.0, closed=False, framing=()):
    return CameraMoment(time=round(t, 3), face_found=True, looking_at_camera=None if closed else at, yaw=yaw,
                        pitch=pitch, roll=0.0, eyes_closed=closed, framing=framing)


def lit_frame(face_level=150, background=110, box=(220, 140, 200, 200), size=(480, 640)):
    frame = np.full((*size, 3), background, np.uint8)
    x, y, w, h = box
    frame[max(y, 0):y + h, max(x, 0):x + w] = face_level
    return frame, Detection(box=box, keypoints=(), score=0.9)


# Framing and light

def test_a_well_framed_lit_face_has_no_problem():
    assert framing_problems(*lit_frame()) == ()


def test_a_dark_face_reads_too_dark_and_a_dark_empty_frame_too():
    assert framing_problems(*lit_frame(face_level=40, background=30)) == ("too_dark",)
    assert framing_problems(np.full((240, 320, 3), 15, np.uint8), None) == ("too_dark",)
    assert framing_problems(np.full((240, 320, 3), 120, np.uint8), None) == ()


def test_a_face_against_a_bright_window_reads_back_lit():
    assert framing_problems(*lit_frame(face_level=90, background=230)) == ("back_lit",)


def test_a_face_cut_by_the_edge_reads_cut_off_and_off_centre():
    frame, detection = lit_frame(box=(520, 140, 200, 200))
    assert framing_problems(frame, detection) == ("off_centre", "cut_off")


def test_a_small_face_reads_too_small():
    assert framing_problems(*lit_frame(box=(290, 200, 60, 60))) == ("too_small",)


def test_every_problem_has_a_hint():
    assert set(FRAMING_HINTS) == set(FRAMING_PROBLEMS)
    assert all(hint.endswith(".") for hint in FRAMING_HINTS.values())


def test_framing_is_quick_on_the_live_overlay_frames():
    frame, detection = lit_frame(box=(110, 70, 100, 100), size=(240, 320))
    started = time.perf_counter()
    for _ in range(100):
        framing_problems(frame, detection)
    assert (time.perf_counter() - started) / 100 < 0.005


# The summary's arithmetic

def test_look_aways_of_a_second_or_more_join_across_short_glances_back():
    at = [True] * 10 + [False] * 4 + [True] * 2 + [False] * 4 + [True] * 10 + [False] * 3 + [True] * 5
    timeline = tuple(moment(i * STEP, at=a) for i, a in enumerate(at))
    # 0.8 s away, a 0.4 s glance back, 0.8 s away: one look-away from 2.0 s to 4.0 s;
    # the later 0.6 s is too short to count.
    assert look_aways(timeline) == (Stretch(start=2.0, end=4.0),)
    delivery = summarise(list(timeline))
    assert delivery.gaze.frames_read == len(at)
    assert delivery.gaze.camera_share == pytest.approx(27 / 38, abs=1e-3)


def test_a_blink_inside_a_look_away_does_not_split_it():
    timeline = tuple(moment(i * STEP, at=False, closed=(i == 3)) for i in range(8))
    assert look_aways(timeline) == (Stretch(start=0.0, end=1.6),)


def test_nods_are_down_up_swings_within_about_a_second():
    pitches = [0, -4, -8, -4, 0, 0, 0, 0, 0, 0] * 3          # three nods of 8 degrees in 0.8 s
    assert count_nods([(i * STEP, p) for i, p in enumerate(pitches)]) == 3
    slow = [0, -2, -4, -6, -8, -8, -8, -6, -4, -2, 0, 0]      # down and up over 2 s: not a nod
    assert count_nods([(i * STEP, p) for i, p in enumerate(slow)]) == 0
    small = [0, -3, 0, -3, 0, -3, 0]                         # jitter under 5 degrees
    assert count_nods([(i * STEP, p) for i, p in enumerate(small)]) == 0


def test_head_movement_labels():
    still = tuple(moment(i * STEP, yaw=0.5 * (i % 2)) for i in range(50))
    assert head_movement(still).label == "steady"
    nodding = tuple(moment(i * STEP, pitch=p) for i, p in enumerate([0, -4, -8, -4, 0, 0, 0, 0, 0, 0] * 5))
    assert (head_movement(nodding).label, head_movement(nodding).nods) == ("nodding", 5)
    restless = tuple(moment(i * STEP, yaw=(i % 6) * 8.0) for i in range(50))
    assert head_movement(restless).label == "restless"
    assert head_movement(still[:3]) is None


def test_blinks_are_short_closed_runs_per_minute_of_eyes_read():
    closed = [False] * 60
    for start in (5, 20, 35):
        closed[start] = True                   # three one-frame blinks
    closed[45:50] = [True] * 5                 # a second with the eyes shut: not a blink
    timeline = tuple(moment(i * STEP, closed=c) for i, c in enumerate(closed))
    assert blinks_per_minute(timeline) == pytest.approx(3 / 12 * 60)
    assert blinks_per_minute(timeline[:20]) is None      # 4 s of eyes: too little to rate


def test_framing_shares_count_every_sampled_frame():
    timeline = (moment(0, framing=("too_dark",)), moment(0.2, framing=("too_dark", "back_lit")),
                CameraMoment(time=0.4, face_found=False, looking_at_camera=None, yaw=None, pitch=None, roll=None,
                             eyes_closed=None), moment(0.6))
    assert framing_shares(timeline) == {"too_small": 0.0, "off_centre": 0.0, "cut_off": 0.0,
                                        "too_dark": 0.5, "back_lit": 0.25}


# The models' SHA-256

def test_a_model_file_that_differs_is_refused(tmp_path):
    (tmp_path / MESH_FILE).write_bytes(b"not the face mesh")
    with pytest.raises(ModelUnavailable, match="face_landmark.tflite"):
        verified_weights(MESH_FILE, tmp_path)
    with pytest.raises(ModelUnavailable, match="iris_landmark.tflite"):
        verified_weights(IRIS_FILE, tmp_path)
    assert {MESH_FILE, IRIS_FILE} <= set(WEIGHTS_SHA256)


# The real weights on real faces

FER_FACE = FIXTURES / "face" / "fer2013_row00004_6_neutral.png"


@pytest.fixture(scope="module")
def mesh():
    return FaceMesh()


def fer_frame():
    """A FER2013 face upscaled onto a 640x480 frame, and its detection as a tracker would give
    it: guessed from FER2013's framing, then rebuilt from the mesh (BlazeFace's box and keypoints)."""
    from training.validate_gaze import place_face

    return place_face(cv2.imread(str(FER_FACE), cv2.IMREAD_GRAYSCALE))


def pose_of(mesh, frame, detection):
    landmarks = mesh.landmarks(frame, detection)
    assert landmarks is not None
    landmarks = mesh.landmarks(frame, detection_from_landmarks(landmarks))
    return landmarks, head_pose.head_pose(landmarks, (frame.shape[1], frame.shape[0]))


@pytest.mark.slow
def test_landmarks_are_found_on_the_face(mesh):
    frame, detection = fer_frame()
    landmarks, pose = pose_of(mesh, frame, detection)
    assert landmarks.mesh.shape == (468, 3) and len(landmarks.eyes) == 2
    # The placed 240-pixel face spans x 200-440, y 120-360 of the frame.
    assert landmarks.mesh[:, 0].min() > 190 and landmarks.mesh[:, 0].max() < 450
    assert landmarks.mesh[:, 1].min() > 110 and landmarks.mesh[:, 1].max() < 370
    right_eye, left_eye = (eye.iris[0, 0] for eye in landmarks.eyes)
    assert right_eye < left_eye       # the person's right eye is on the image's left
    assert abs(pose.roll) < 5 and abs(pose.yaw) < 20
    assert not head_pose.eyes_closed(landmarks)


@pytest.mark.slow
def test_a_frame_turned_20_degrees_reads_roll_20(mesh):
    from training.validate_gaze import rotated

    frame, detection = fer_frame()
    _, level = pose_of(mesh, frame, detection)
    for angle in (20, -20):
        _, pose = pose_of(mesh, *rotated(frame, detection, angle))
        assert pose.roll - level.roll == pytest.approx(angle, abs=3)


@pytest.mark.slow
def test_a_mirrored_face_flips_the_yaw(mesh):
    from training.validate_gaze import turned

    frame, detection = fer_frame()
    _, pose = pose_of(mesh, turned(frame, 30, "yaw"), detection)
    _, mirrored = pose_of(mesh, turned(frame, 30, "yaw")[:, ::-1].copy(),
                          Detection(box=(640 - detection.box[0] - detection.box[2], *detection.box[1:]),
                                    keypoints=(), score=1.0))
    assert pose.yaw > 3 and mirrored.yaw < -3
    assert pose.yaw + mirrored.yaw == pytest.approx(0, abs=4)


@pytest.mark.slow
def test_a_dark_frame_reads_too_dark_through_the_reader(mesh):
    frame, detection = fer_frame()
    reader = CameraReader(face_mesh=mesh)
    reader.add(0.0, frame, detection)
    reader.add(0.2, (frame * 0.25).astype(np.uint8), detection)
    reader.add(0.4, frame, None)
    timeline = reader.result().timeline
    assert "too_dark" not in timeline[0].framing and "too_dark" in timeline[1].framing
    assert timeline[0].face_found and timeline[0].yaw is not None
    assert not timeline[2].face_found and timeline[2].looking_at_camera is None


def video_delivery(mesh, name, every=6):
    """A fixture video through the reader at ~5 fps, tracking the face from a hand-placed box."""
    capture = cv2.VideoCapture(str(FIXTURES / "video" / name))
    fps = capture.get(cv2.CAP_PROP_FPS)
    reader, detection, index, timings = CameraReader(face_mesh=mesh), Detection((230, 70, 150, 160), (), 1.0), 0, []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        if index % every == 0:
            started = time.perf_counter()
            reader.add(index / fps, frame, detection)
            timings.append(time.perf_counter() - started)
            landmarks = mesh.landmarks(frame, detection)
            detection = detection_from_landmarks(landmarks) if landmarks is not None else detection
        index += 1
    return reader.result(), float(np.median(timings))


@pytest.mark.slow
def test_a_speaker_facing_the_camera_reads_at_the_camera(mesh):
    delivery, seconds_per_frame = video_delivery(mesh, "woman2.mp4")
    assert delivery.gaze.frames_read >= 0.9 * len(delivery.timeline)
    assert delivery.gaze.camera_share >= 0.8
    assert delivery.head.label in ("steady", "nodding")
    assert seconds_per_frame < 0.05    # ~8 ms on 2 idle cores; loose for a busy machine


@pytest.mark.slow
def test_someone_reading_their_phone_reads_looking_away(mesh):
    delivery, _ = video_delivery(mesh, "test.mp4", every=5)
    assert delivery.gaze.camera_share is not None and delivery.gaze.camera_share <= 0.2
    assert delivery.gaze.look_aways and delivery.gaze.look_aways[0].end - delivery.gaze.look_aways[0].start >= 3
