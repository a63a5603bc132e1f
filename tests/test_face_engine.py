"""The real committed face model and OpenCV detector on real fixture images and videos."""
import json
import subprocess
import sys

import numpy as np
import pytest

from emotion.errors import EmptyInput, NoFaceFound, UnreadableMedia
from emotion.face import FACE_CLASSES, get_face_analyzer
from tests.conftest import FIXTURES, REPO_ROOT

pytestmark = pytest.mark.slow

AV = FIXTURES / "av"


@pytest.fixture(scope="module")
def analyzer():
    return get_face_analyzer()


def frame_with_a_face(path, analyzer):
    """The first frame the detector finds a face in (FER2013's tight crops defeat it in some)."""
    import cv2

    capture = cv2.VideoCapture(str(path))
    try:
        while True:
            ok, frame = capture.read()
            assert ok, f"no detectable face in {path}"
            if analyzer.detector.detect(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)):
                return frame
    finally:
        capture.release()


def test_tracking_finds_the_face_where_a_full_search_does(analyzer):
    from emotion.media import sample_video_frames

    frames = [gray for _, gray in sample_video_frames(FIXTURES / "video" / "woman2.mp4", 5)]
    searched = [analyzer.detector.detect(gray) for gray in frames]
    pairs = [(analyzer.detector.detect_near(frames[i], searched[i - 1][0]), searched[i][0])
             for i in range(1, len(frames)) if searched[i - 1] and searched[i]]
    assert len(pairs) > 50
    found_near = [(near, full) for near, full in pairs if near is not None]
    assert len(found_near) >= 0.9 * len(pairs)  # the rest fall back to a full search
    for near, full in found_near:  # the same face: centres within a fifth of its width
        assert abs((near[0] + near[2] / 2) - (full[0] + full[2] / 2)) < full[2] / 5
        assert abs((near[1] + near[3] / 2) - (full[1] + full[3] / 2)) < full[3] / 5
    tracked = list(analyzer.track_largest_faces(frames))
    assert sum(crop is not None for crop in tracked) >= sum(bool(found) for found in searched)


def test_tracking_survives_a_change_of_resolution(analyzer):
    from emotion.media import sample_video_frames
    import cv2

    frames = [gray for _, gray in sample_video_frames(FIXTURES / "video" / "woman2.mp4", 5)][:6]
    smaller = [cv2.resize(gray, (gray.shape[1] // 4, gray.shape[0] // 4)) for gray in frames[3:]]  # face box now outside
    crops = list(analyzer.track_largest_faces(frames[:3] + smaller))
    assert len(crops) == 6 and crops[0] is not None and crops[0].shape == (48, 48)


def test_views_are_averaged_per_face_not_across_the_batch(analyzer):
    import cv2

    faces = np.stack([cv2.imread(str(png), cv2.IMREAD_GRAYSCALE) for png in sorted((FIXTURES / "face").glob("*.png"))])
    together = analyzer.model.predict(faces)
    one_by_one = np.concatenate([analyzer.model.predict(face[None]) for face in faces])
    assert np.allclose(together, one_by_one, atol=1e-5)
    assert not np.allclose(together[0], together[1], atol=1e-3)


def test_fer_fixture_faces_are_read_as_labelled(analyzer):
    import cv2

    expected = {}
    faces = []
    for png in sorted((FIXTURES / "face").glob("*.png")):
        faces.append(cv2.imread(str(png), cv2.IMREAD_GRAYSCALE))
        expected[len(faces) - 1] = png.stem.split("_")[-1]
    probabilities = analyzer.model.predict(np.stack(faces))
    assert probabilities.shape == (3, 7)
    assert np.allclose(probabilities.sum(axis=1), 1, atol=1e-4)
    happy_row = [i for i, label in expected.items() if label == "happy"][0]
    assert FACE_CLASSES[int(probabilities[happy_row].argmax())] == "happy"


def test_image_gives_each_face_with_box_and_probabilities(analyzer):
    result = analyzer.analyze_image(frame_with_a_face(AV / "happy_1.mp4", analyzer))
    assert (result.width, result.height) == (640, 480)
    assert len(result.faces) == 1
    x, y, w, h = result.faces[0].box
    # The fixture pastes a 240x240 face in the middle of the frame.
    assert 150 < x + w / 2 < 490 and 100 < y + h / 2 < 380 and w > 100
    assert set(result.faces[0].probabilities) == set(FACE_CLASSES)
    assert abs(sum(result.faces[0].probabilities.values()) - 1) < 1e-4


def test_encoded_jpeg_bytes_are_accepted(analyzer):
    import cv2

    ok, jpeg = cv2.imencode(".jpg", cv2.resize(frame_with_a_face(AV / "happy_1.webm", analyzer), (320, 240)))
    result = analyzer.analyze_image(jpeg.tobytes())
    assert (result.width, result.height) == (320, 240) and len(result.faces) == 1


def test_image_without_a_face_gives_no_faces(analyzer):
    wall = np.full((480, 640, 3), 128, np.uint8)
    assert analyzer.analyze_image(wall).faces == ()


@pytest.mark.parametrize("name", ["happy_1.webm", "happy_2.mp4"])
def test_clip_summary_is_consistent(analyzer, name):
    result = analyzer.analyze_video(AV / name)
    summary = result.summary
    assert abs(sum(summary.mean_probabilities.values()) - 1) < 1e-3
    assert summary.dominant_emotion == max(summary.mean_probabilities, key=summary.mean_probabilities.get)
    assert 0.3 < summary.face_share <= 1  # the detector misses some of FER2013's tight crops
    assert 3.0 < summary.duration_seconds < 5.0
    assert len(result.timeline) == summary.frames_analysed
    gaps = [p for p in result.timeline if not p.face_found]
    assert all(p.probabilities is None for p in gaps)
    assert summary.longest_gap_seconds == pytest.approx(0.2 * max_run(gaps, result.timeline), abs=1e-6)


def max_run(gaps, timeline):
    longest = run = 0
    for point in timeline:
        run = run + 1 if point in gaps else 0
        longest = max(longest, run)
    return longest


def test_labelled_clips_are_read_above_chance(analyzer):
    """Every sampled frame of the 7 labelled clips against its segment's label (FER2013
    PublicTest faces, never trained on). Chance is 1/7; a broken pipeline reads one class."""
    import csv

    hits, predicted = [], set()
    with open(AV / "labels.csv", newline="") as handle:
        segments = list(csv.DictReader(handle))
    for name in sorted({row["file"] for row in segments}):
        rows = [row for row in segments if row["file"] == name]
        for point in analyzer.analyze_video(AV / f"{name}.webm").timeline:
            label = next((r["face_emotion"] for r in rows
                          if float(r["start"] or 0) <= point.time < float(r["end"] or 1e9)), None)
            if point.face_found and label:
                top = max(point.probabilities, key=point.probabilities.get)
                hits.append(top == label)
                predicted.add(top)
    assert len(hits) > 60
    assert sum(hits) / len(hits) > 0.28
    assert len(predicted) >= 3


def test_timeline_follows_the_segments(analyzer):
    """timeline_1: neutral, happy, fear, surprise, sad, angry, in labelled segments."""
    result = analyzer.analyze_video(AV / "timeline_1.webm", frames_per_second=5)
    times = [p.time for p in result.timeline]
    assert times == sorted(times) and 20 < times[-1] < 21.5
    assert all(abs(b - a - 0.2) < 0.05 for a, b in zip(times, times[1:]))
    happy = [p.probabilities["happy"] for p in result.timeline if p.face_found and 3.6 < p.time < 6.9]
    elsewhere = [p.probabilities["happy"] for p in result.timeline if p.face_found and not 3.4 < p.time < 7.1]
    assert np.mean(happy) > 2 * np.mean(elsewhere)


def test_video_without_a_face_is_a_clear_error(analyzer, tmp_path):
    import cv2

    path = tmp_path / "blank_wall.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 25, (640, 480))
    for _ in range(50):
        writer.write(np.full((480, 640, 3), 200, np.uint8))
    writer.release()
    with pytest.raises(NoFaceFound, match="No face"):
        analyzer.analyze_video(path)


def test_empty_and_corrupt_files_are_clear_errors(analyzer, tmp_path):
    empty = tmp_path / "empty.webm"
    empty.write_bytes(b"")
    with pytest.raises(EmptyInput):
        analyzer.analyze_video(empty)
    fake = tmp_path / "notes.webm"
    fake.write_text("this is a text file with a video name")
    with pytest.raises(UnreadableMedia):
        analyzer.analyze_video(fake)
    with pytest.raises(UnreadableMedia):
        analyzer.analyze_image(b"not an image at all")


def test_heatmap_highlights_part_of_the_face(analyzer):
    import cv2

    face = cv2.imread(str(FIXTURES / "face" / "fer2013_row00007_3_happy.png"), cv2.IMREAD_GRAYSCALE)
    heat = analyzer.heatmap(face)
    assert heat.shape == (48, 48)
    assert 0 <= heat.min() and heat.max() <= 1 and heat.max() > 0.5
    assert heat.mean() < 0.9  # a map that lights everything up explains nothing


def test_command_line_prints_the_timeline_as_json():
    completed = subprocess.run(
        [sys.executable, "-m", "emotion", "analyze", str(AV / "neutral_1.webm")],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert completed.returncode == 0, completed.stderr[-2000:]
    result = json.loads(completed.stdout)
    assert result["kind"] == "video"
    assert {"timeline", "summary"} <= result.keys()
    assert result["summary"]["dominant_emotion"] in FACE_CLASSES


def test_command_line_refuses_a_corrupt_file(tmp_path):
    fake = tmp_path / "fake.webm"
    fake.write_text("not a video")
    completed = subprocess.run([sys.executable, "-m", "emotion", "analyze", str(fake)],
                               capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert completed.returncode == 2 and "could not be read" in completed.stderr


def test_evaluate_command_on_a_slice_of_faces(tmp_path):
    with np.load(FIXTURES.parent / "face" / "fer2013_train_publictest.npz") as data:
        rows = np.flatnonzero(data["usage"] == "PublicTest")[:300]
        np.savez(tmp_path / "slice.npz", images=data["images"][rows], labels=data["labels"][rows])
    completed = subprocess.run(
        [sys.executable, "-m", "training.evaluate", "face", str(tmp_path / "slice.npz")],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert completed.returncode == 0, completed.stderr[-2000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["task"] == "face" and result["n"] == 300
    assert set(result["per_class"]) == set(FACE_CLASSES)
    assert 1 / 7 < result["accuracy"] <= 1 and 0 < result["macro_f1"] <= 1
