"""The real committed face model and BlazeFace detector on real fixture images and videos."""
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
    """The first frame the detector finds a face in."""
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


def test_tracking_gives_the_largest_face_of_every_frame_it_is_found_in(analyzer):
    from emotion.media import sample_video_frames

    frames = [frame for _, frame in sample_video_frames(FIXTURES / "video" / "woman2.mp4", 5, colour=True)]
    tracked = list(analyzer.detector.track_main_face(frames))
    assert len(tracked) == len(frames) > 50
    assert all(face is not None for face in tracked)  # the interview clip shows her throughout
    for frame, face in zip(frames[:10], tracked):
        assert face.detection == analyzer.detector.main_face(frame)
        assert face.crop.shape == (48, 48) and face.crop.dtype == np.uint8


def test_tracking_survives_a_change_of_resolution(analyzer):
    from emotion.media import sample_video_frames
    import cv2

    frames = [gray for _, gray in sample_video_frames(FIXTURES / "video" / "woman2.mp4", 5)][:6]
    smaller = [cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2)) for gray in frames[3:]]
    tracked = list(analyzer.detector.track_main_face(frames[:3] + smaller))
    assert len(tracked) == 6 and all(face is not None and face.crop.shape == (48, 48) for face in tracked)
    assert tracked[4].detection.box[2] < 0.6 * tracked[1].detection.box[2]


def test_views_are_averaged_per_face_not_across_the_batch(analyzer):
    import cv2

    faces = np.stack([cv2.imread(str(png), cv2.IMREAD_GRAYSCALE) for png in sorted((FIXTURES / "face").glob("*.png"))])
    together = analyzer.model.predict(faces)
    one_by_one = np.concatenate([analyzer.model.predict(face[None]) for face in faces])
    assert np.allclose(together, one_by_one, atol=1e-5)
    assert not np.allclose(together[0], together[1], atol=1e-3)


def test_ten_views_are_the_face_its_four_shifts_and_their_mirrors():
    """The 10-view average (measured in the card, not served) and the fusion training's numpy
    views cut the same shifted copies."""
    import cv2

    from emotion.face_network import FaceEmotionModel
    from training.fusion_data import shifted_views

    faces = np.stack([cv2.imread(str(png), cv2.IMREAD_GRAYSCALE) for png in sorted((FIXTURES / "face").glob("*.png"))])
    views = shifted_views(faces)                                  # (N, 5, 48, 48)
    assert np.array_equal(views[:, 0], faces)
    # windows at (0, 0), (0, 6), (6, 0), (6, 6) of the face padded by 3 px
    assert np.array_equal(views[:, 1, 3:, 3:], faces[:, :-3, :-3])
    assert np.array_equal(views[:, 2, 3:, :-3], faces[:, :-3, 3:])
    assert np.array_equal(views[:, 3, :-3, 3:], faces[:, 3:, :-3])
    assert np.array_equal(views[:, 4, :-3, :-3], faces[:, 3:, 3:])
    single = FaceEmotionModel(views="single")
    each = [single.predict(views[:, k]) for k in range(5)] + [single.predict(views[:, k, :, ::-1]) for k in range(5)]
    assert np.allclose(FaceEmotionModel(views="flip_shifts").predict(faces), np.mean(each, axis=0), atol=1e-5)


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
    assert 0.9 < summary.face_share <= 1  # one FER2013 face on every frame
    assert 3.0 < summary.duration_seconds < 5.0
    assert len(result.timeline) == summary.frames_analysed
    gaps = [p for p in result.timeline if not p.face_found]
    assert all(p.probabilities is None for p in gaps)
    assert 0 <= summary.longest_gap_seconds < summary.duration_seconds


def test_longest_gap_follows_the_frames_own_times():
    """Frames further apart than asked (a rate above the video's own): the gap is measured
    from the first faceless frame to the next frame with a face, not counted in intervals."""
    from emotion.base import TimelinePoint
    from emotion.video import summarise

    seen = dict.fromkeys(FACE_CLASSES, 1 / 7)
    times_and_faces = [(0.0, True), (0.1, False), (0.2, True), (0.5, False), (0.9, False), (1.0, True), (1.1, False)]
    timeline = tuple(TimelinePoint(time=t, face_found=found, probabilities=seen if found else None)
                     for t, found in times_and_faces)
    summary = summarise(timeline, np.full((3, 7), 1 / 7), FACE_CLASSES, frame_interval=1 / 30)
    # Faceless stretches: 0.1 -> 0.2 (0.1 s), 0.5 -> 1.0 (0.5 s), and 1.1 to the end: the last
    # frame stands for the median step between frames, 0.1 s. Counting 1/30 s per frame says 0.067.
    assert summary.longest_gap_seconds == pytest.approx(0.5)
    assert summary.duration_seconds == pytest.approx(1.2)


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


def test_a_missing_file_is_a_domain_error_not_an_empty_one(analyzer, tmp_path):
    with pytest.raises(UnreadableMedia, match="No such video file: gone.webm"):
        analyzer.analyze_video(tmp_path / "gone.webm")
    with pytest.raises(UnreadableMedia, match="No such image file: gone.png"):
        analyzer.analyze_image(str(tmp_path / "gone.png"))


def test_heatmap_highlights_part_of_the_face(analyzer):
    import cv2

    face = cv2.imread(str(FIXTURES / "face" / "fer2013_row00007_3_happy.png"), cv2.IMREAD_GRAYSCALE)
    heat = analyzer.heatmap(face)
    assert heat.shape == (48, 48)
    assert 0 <= heat.min() and heat.max() <= 1 and heat.max() > 0.5
    assert heat.mean() < 0.9  # a map that lights everything up explains nothing


def test_heatmap_is_finer_than_three_by_three(analyzer):
    """The network's last 3x3 map cannot tell eyes from mouth: a map drawn from it is nearly
    rebuilt from its own 3x3 average, a 6x6 one is not."""
    import cv2

    for png in sorted((FIXTURES / "face").glob("*.png")):
        heat = analyzer.heatmap(cv2.imread(str(png), cv2.IMREAD_GRAYSCALE))
        nine_cells = cv2.resize(cv2.resize(heat, (3, 3), interpolation=cv2.INTER_AREA), (48, 48),
                                interpolation=cv2.INTER_CUBIC)
        assert np.abs(heat - nine_cells).max() > 0.4, png.name  # 0.15-0.19 from the 3x3 map


def test_heatmap_of_a_smile_differs_from_a_neutral_face(analyzer):
    import cv2

    def heat(label):
        png = next((FIXTURES / "face").glob(f"*_{label}.png"))
        return analyzer.heatmap(cv2.imread(str(png), cv2.IMREAD_GRAYSCALE))

    happy, neutral = heat("happy"), heat("neutral")
    assert np.corrcoef(happy.ravel(), neutral.ravel())[0, 1] < 0.5  # 0.87 from the 3x3 map
    rows = np.arange(48)[:, None]
    # The smile lies below the eyes: the happy map's weight sits lower in the face.
    assert (happy * rows).sum() / happy.sum() > (neutral * rows).sum() / neutral.sum()


def test_sixteen_bit_png_reads_as_its_eight_bit_original(analyzer, tmp_path):
    import cv2

    from emotion.media import decode_image

    face = cv2.imread(str(FIXTURES / "face" / "fer2013_row00007_3_happy.png"), cv2.IMREAD_GRAYSCALE)
    deep_face = tmp_path / "face16.png"
    cv2.imwrite(str(deep_face), face.astype(np.uint16) * 257)  # 0..255 -> 0..65535
    assert np.array_equal(decode_image(deep_face), face)

    frame = frame_with_a_face(AV / "happy_1.mp4", analyzer)
    deep_frame = tmp_path / "frame16.png"
    cv2.imwrite(str(deep_frame), frame.astype(np.uint16) * 257)
    assert cv2.imread(str(deep_frame), cv2.IMREAD_UNCHANGED).dtype == np.uint16
    result, expected = analyzer.analyze_image(deep_frame), analyzer.analyze_image(frame)
    # 16-bit gray conversion rounds a grey level apart here and there; BlazeFace's box moves a pixel.
    assert len(result.faces) == 1
    assert np.abs(np.subtract(result.faces[0].box, expected.faces[0].box)).max() <= 2


def test_image_is_turned_upright_by_its_exif_orientation(tmp_path):
    from PIL import Image

    from emotion.media import decode_image

    photo = tmp_path / "phone.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was held on its side; turn 90 degrees to view
    Image.new("L", (64, 32), 90).save(photo, exif=exif)
    assert decode_image(photo).shape == (64, 32)


@pytest.mark.parametrize("damage", ["empty", "truncated"])
def test_damaged_face_model_is_model_unavailable(tmp_path, damage):
    from emotion.errors import ModelUnavailable
    from emotion.face_network import MODEL_FILE, FaceEmotionModel

    damaged = tmp_path / "model.keras"
    shipped = MODEL_FILE.read_bytes()
    damaged.write_bytes(b"" if damage == "empty" else shipped[: len(shipped) // 2])
    with pytest.raises(ModelUnavailable, match="face model damaged"):
        FaceEmotionModel(damaged)


@pytest.mark.parametrize("rate", [0, -2.0, float("nan")])
def test_sampling_refuses_a_rate_that_is_not_positive(rate):
    from emotion.media import sample_video_frames

    with pytest.raises(ValueError, match="positive"):
        sample_video_frames(AV / "happy_1.webm", rate)


def test_sampling_faster_than_the_video_gives_each_frame_once():
    from emotion.media import sample_video_frames

    times = [t for t, _ in sample_video_frames(AV / "happy_1.webm", 1e6)]
    assert len(times) == len(set(times)) > 50 and times == sorted(times)


@pytest.mark.parametrize("rate", ["0", "-1", "nan", "five"])
def test_command_line_refuses_a_rate_that_is_not_positive(rate, capsys):
    from emotion.__main__ import main

    with pytest.raises(SystemExit) as exit_:
        main(["analyze", str(AV / "happy_1.webm"), "--fps", rate])
    assert exit_.value.code == 2
    assert "--fps" in capsys.readouterr().err


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
