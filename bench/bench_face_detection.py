"""Face detection side by side in one run: the Haar path (the detector of commit LEGACY_COMMIT,
with its tracking windows and crop) against BlazeFace (emotion/face_detector.py).

    .venv/bin/python -m training.build_face_clips --out /tmp/poise_face_clips   # once
    .venv/bin/python -m bench.bench_face_detection [--clips /tmp/poise_face_clips] [--fps 5]
    .venv/bin/python -m bench.bench_face_detection --crop-study [--limit 3589]

Per data set: the share of sampled frames with a face found, the face model's accuracy on the
frames where one was found and on all frames (a miss reads wrong), detection + crop time per
frame (decoding excluded), and whether Haar finds a real face where BlazeFace finds none. Then
the live overlay (a 320x240 JPEG with a face -> emotions). ``--crop-study`` reads PublicTest
faces placed on frames (training/build_face_clips.py) with each crop choice instead.
"""
import argparse
import csv
import statistics
import subprocess
import time
import types
from pathlib import Path

import numpy as np

from bench.timing import report, timed_ms
from emotion.base import FACE_CLASSES
from emotion.face import get_face_analyzer
from emotion.face_detector import CropSettings, face_crop
from emotion.media import sample_video_frames
from tests.conftest import FIXTURES, REPO_ROOT
from training import build_face_clips as clips

LEGACY_COMMIT = "dbc5f6c"   # the last commit whose emotion/face_detector.py is the Haar cascade
AV_FACE = (200, 120, 240, 240)   # where fixtures/av paste their faces
CROP_CHOICES = {
    "box, side x1.0": CropSettings(scale=1.0, shift_down=0.0),
    "box, side x1.2": CropSettings(scale=1.2, shift_down=0.0),
    "box, side x1.5": CropSettings(scale=1.5, shift_down=0.0),
    "box x1.1, 10% higher": CropSettings(scale=1.1, shift_down=-0.1),
    "box x1.2, 5% higher": CropSettings(scale=1.2, shift_down=-0.05),
    "box x1.2, 10% higher": CropSettings(scale=1.2, shift_down=-0.1),
    "box x1.2, 15% higher": CropSettings(scale=1.2, shift_down=-0.15),
    "box x1.3, 10% higher": CropSettings(scale=1.3, shift_down=-0.1),
    "box x1.2, 10% higher, not square": CropSettings(scale=1.2, shift_down=-0.1, square=False),
    "box x1.2, 10% higher, eyes level": CropSettings(scale=1.2, shift_down=-0.1, align_eyes=True),
    "keypoints x1.2": CropSettings(scale=1.2, shift_down=0.0, centre="keypoints"),
    "keypoints x1.2, 10% higher": CropSettings(scale=1.2, shift_down=-0.1, centre="keypoints"),
    "keypoints x1.2, 10% higher, eyes level": CropSettings(scale=1.2, shift_down=-0.1, centre="keypoints",
                                                           align_eyes=True),
}


def legacy_haar():
    """The Haar FaceDetector exactly as committed at LEGACY_COMMIT."""
    source = subprocess.run(["git", "show", f"{LEGACY_COMMIT}:emotion/face_detector.py"], cwd=REPO_ROOT,
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType("legacy_face_detector")
    exec(compile(source, "legacy_face_detector.py", "exec"), module.__dict__)  # noqa: S102 - our own file
    return module.FaceDetector()


def labelled_clips(clip_folder: Path | None) -> dict[str, list]:
    """Data set -> [(path, label at a time (or None), true face square (or None))]."""
    with open(FIXTURES / "av" / "labels.csv", newline="") as handle:
        segments = list(csv.DictReader(handle))

    def av_label(name):
        rows = [r for r in segments if r["file"] == name]
        return lambda t: next((FACE_CLASSES.index(r["face_emotion"]) for r in rows
                               if float(r["start"] or 0) <= t < float(r["end"] or 1e9)), None)

    sets = {"fixtures/av": [(FIXTURES / "av" / f"{name}.webm", av_label(name), AV_FACE)
                            for name in sorted({r["file"] for r in segments})],
            "fixtures/video": [(path, lambda t: None, None) for path in sorted((FIXTURES / "video").glob("*.mp4"))]}
    if clip_folder and (clip_folder / "labels.csv").exists():
        with open(clip_folder / "labels.csv", newline="") as handle:
            sets["PublicTest clips"] = [
                (clip_folder / f"{r['file']}.mp4", (lambda label: lambda t: label)(int(r["label"])),
                 tuple(float(r[k]) for k in ("x", "y", "side", "side")))
                for r in csv.DictReader(handle)]
    return sets


def inside(box, square) -> bool:
    """A box whose centre lies within the true face's square (with 30 px for a clip's drift)."""
    x, y, w, h = square
    cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
    return x - 30 <= cx <= x + w + 30 and y - 30 <= cy <= y + h + 30


def read_clip(path, label_at, square, haar, analyzer, fps: float) -> dict:
    colour = list(sample_video_frames(path, fps, colour=True))
    gray = [g for _, g in sample_video_frames(path, fps)]
    labels = [label_at(t) for t, _ in colour]
    result = {"frames": len(colour), "labelled": sum(label is not None for label in labels)}
    for name, run in (("haar", lambda: list(haar.track_main_face(gray))),
                      ("blaze", lambda: [t and t.crop for t in analyzer.detector.track_main_face(f for _, f in colour)])):
        start = time.perf_counter()
        crops = run()
        result[f"{name} ms"] = (time.perf_counter() - start) * 1000 / len(colour)
        found = [i for i, crop in enumerate(crops) if crop is not None]
        predicted = analyzer.model.predict(np.stack([crops[i] for i in found])).argmax(axis=1) if found else []
        result[f"{name} found"] = len(found)
        result[f"{name} right"] = sum(labels[i] == p for i, p in zip(found, predicted))
        result[f"{name} found labelled"] = sum(labels[i] is not None for i in found)
    missed = [i for i, (_, frame) in enumerate(colour) if analyzer.detector.main_face(frame) is None]
    haar_boxes = [haar.detect(gray[i]) for i in missed]
    result["blaze missed"] = len(missed)
    result["haar finds there"] = sum(bool(boxes) for boxes in haar_boxes)
    result["haar real there"] = sum(bool(boxes) and square is not None and inside(boxes[0], square) for boxes in haar_boxes)
    return result


def detection_table(clip_folder: Path | None, fps: float) -> None:
    haar, analyzer = legacy_haar(), get_face_analyzer()
    print(f"{'data set':<18}{'frames':>7}{'found Haar':>11}{'BlazeFace':>10}{'acc Haar':>9}{'Blaze':>7}"
          f"{'right/all Haar':>15}{'Blaze':>7}{'ms/frame Haar':>14}{'Blaze':>7}{'Blaze miss; Haar real':>22}")
    for name, items in labelled_clips(clip_folder).items():
        rows = [read_clip(path, label_at, square, haar, analyzer, fps) for path, label_at, square in items]
        total = {key: sum(row[key] for row in rows) for key in rows[0]}
        frames, labelled = total["frames"], max(1, total["labelled"])

        def share(part, whole):
            return f"{part / whole:.3f}" if whole else "-"

        print(f"{name:<18}{frames:>7}{share(total['haar found'], frames):>11}{share(total['blaze found'], frames):>10}"
              f"{share(total['haar right'], total['haar found labelled']):>9}"
              f"{share(total['blaze right'], total['blaze found labelled']):>7}"
              f"{share(total['haar right'], labelled) if total['labelled'] else '-':>15}"
              f"{share(total['blaze right'], labelled) if total['labelled'] else '-':>7}"
              f"{statistics.median(r['haar ms'] for r in rows):>14.2f}{statistics.median(r['blaze ms'] for r in rows):>7.2f}"
              f"{total['blaze missed']:>12}; {total['haar real there']} of {total['haar finds there']}")
        haar_ms, blaze_ms = (statistics.median(r[f"{k} ms"] for r in rows) for k in ("haar", "blaze"))
        print(f"{'':<18}ratios BlazeFace / Haar: found {total['blaze found'] / max(1, total['haar found']):.2f}x, "
              f"right of all {total['blaze right'] / max(1, total['haar right']):.2f}x, "
              f"{haar_ms / blaze_ms:.1f}x faster a frame")


def live_overlay(runs: int) -> None:
    """A 320x240 JPEG with a face -> faces and emotions, as interview/recordings/live.py asks."""
    import cv2

    haar, analyzer = legacy_haar(), get_face_analyzer()
    frame = next(f for _, f in sample_video_frames(FIXTURES / "video" / "woman2.mp4", 1, colour=True))
    jpeg = cv2.imencode(".jpg", cv2.resize(frame, (320, 240)))[1].tobytes()
    assert analyzer.analyze_image(jpeg).faces, "no face in the live frame"

    def haar_path():
        gray = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)
        boxes = haar.detect(gray)
        analyzer.model.predict(np.stack([haar.crop(gray, box) for box in boxes]) if boxes else np.zeros((0, 48, 48), np.uint8))

    report("live frame 320x240 JPEG -> emotions, Haar", timed_ms(haar_path, runs))
    report("live frame 320x240 JPEG -> emotions, BlazeFace", timed_ms(lambda: analyzer.analyze_image(jpeg), runs))
    report("BlazeFace alone, 640x480 frame", timed_ms(lambda: analyzer.detector.detections(cv2.resize(frame, (640, 480))), runs))


def placed_and_found(faces, labels, analyzer, tilt: float, seed: int):
    """Each face on a random frame (JPEG-compressed like a camera's): the frames where BlazeFace
    finds it, its detection, label, and the true square (x, y, side)."""
    rng = np.random.default_rng(seed)
    kept = []
    for face, label in zip(faces, labels):
        frame, square, _ = clips.random_face_frame(face, rng, tilt)
        frame = clips.jpeg_round_trip(frame)
        detection = analyzer.detector.main_face(frame)
        if detection is not None and inside(detection.box, square + (square[2],)):
            kept.append((frame, detection, label, square))
    return kept


def crop_study(limit: int | None, seed: int = 5) -> None:
    """Face-model accuracy per crop choice on PublicTest faces placed on frames (upright, and
    turned up to 15 degrees), all choices on the same detections."""
    analyzer = get_face_analyzer()
    faces, labels, _ = clips.public_test(limit=limit)
    oracle = float((analyzer.model.predict(faces).argmax(axis=1) == labels).mean())
    print(f"faces {len(faces)}; the 48x48 faces themselves (no detector): accuracy {oracle:.4f}")
    results = {}
    for tilt in (0.0, 15.0):
        kept = placed_and_found(faces, labels, analyzer, tilt, seed)
        fit = np.array([(s[2] / max(d.box[2:]), (s[1] + s[2] / 2 - d.box[1] - d.box[3] / 2) / d.box[3])
                        for _, d, _, s in kept])
        print(f"turned <= {tilt:.0f} deg: found {len(kept)} of {len(faces)}; true side / box side "
              f"{np.median(fit[:, 0]):.3f}, true centre below the box's by {np.median(fit[:, 1]):.3f} of its height")
        truth = np.array([label for _, _, label, _ in kept])
        for name, settings in CROP_CHOICES.items():
            crops = np.stack([face_crop(frame, detection, settings) for frame, detection, _, _ in kept])
            results.setdefault(name, []).append(float((analyzer.model.predict(crops).argmax(axis=1) == truth).mean()))
    print(f"{'crop':<42}{'upright':>9}{'turned <=15 deg':>17}")
    for name, (upright, turned) in results.items():
        print(f"{name:<42}{upright:>9.4f}{turned:>17.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clips", type=Path, default=Path("/tmp/poise_face_clips"))
    parser.add_argument("--fps", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--crop-study", action="store_true")
    parser.add_argument("--limit", type=int, default=None, help="PublicTest faces in the crop study (all 3,589)")
    args = parser.parse_args()
    if args.crop_study:
        crop_study(args.limit)
        return
    detection_table(args.clips, args.fps)
    live_overlay(args.runs)


if __name__ == "__main__":
    main()
