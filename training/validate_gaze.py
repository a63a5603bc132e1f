"""How well the camera reader reads head pose, gaze and blinks, on faces moved by known amounts.

    python -m training.validate_gaze [--faces 300] [--datasets ../shared/datasets]

Prints JSON; the figures in models/gaze/README.md come from it. FER2013 faces (48x48 grey,
mostly frontal) are upscaled onto a 640x480 frame and then rotated in the picture (roll),
warped by a homography that turns a flat face about its vertical or horizontal axis (yaw,
pitch; a flat face has no nose in front of its cheeks, so this only approximates a turn), or
mirrored (yaw must change sign); the inside of each eye opening is shifted sideways by known
pixels (gaze). The RAVDESS actors in the fixture videos speak to the camera, so they give the
share of frames read as looking at it, the head speed of a still speaker, and blinks counted at
25 fps against every fifth frame (5 fps).
"""
import argparse
import json
import time
from pathlib import Path

import numpy as np

from emotion import head_pose
from emotion.camera import blinks_per_minute, head_movement, read_moment
from emotion.camera_types import Detection
from emotion.face_mesh import FaceMesh, detection_from_landmarks

FRAME_SIZE = (640, 480)
FACE_SIDE = 240
ROLLS = (-30, -20, -10, 10, 20, 30)
TURNS = (-30, -20, -10, 10, 20, 30)
SHIFTS = (-6, -4, -2, 2, 4, 6)     # pixels, on eyes ~40 pixels wide


def place_face(face: np.ndarray) -> tuple[np.ndarray, Detection]:
    """A 48x48 grey face upscaled into the middle of a mid-grey 640x480 BGR frame, with a
    detection guessed from FER2013's framing (eyes at ~40% height, 30% and 70% across)."""
    import cv2

    width, height = FRAME_SIZE
    frame = np.full((height, width, 3), 128, np.uint8)
    x, y = (width - FACE_SIDE) // 2, (height - FACE_SIDE) // 2
    big = cv2.resize(face, (FACE_SIDE, FACE_SIDE), interpolation=cv2.INTER_CUBIC)
    frame[y:y + FACE_SIDE, x:x + FACE_SIDE] = big[:, :, None] if big.ndim == 2 else big
    inset = FACE_SIDE // 12
    eyes = ((x + 0.3 * FACE_SIDE, y + 0.4 * FACE_SIDE), (x + 0.7 * FACE_SIDE, y + 0.4 * FACE_SIDE))
    return frame, Detection(box=(x + inset, y + inset, FACE_SIDE - 2 * inset, FACE_SIDE - 2 * inset),
                            keypoints=eyes, score=1.0)


def tracked(mesh: FaceMesh, frame: np.ndarray, detection: Detection):
    """Landmarks after one round of tracking: the mesh's own box and keypoints, as BlazeFace
    would give them, replace the guessed detection. (landmarks, detection) or (None, None)."""
    first = mesh.landmarks(frame, detection)
    if first is None:
        return None, None
    refined = detection_from_landmarks(first)
    return mesh.landmarks(frame, refined), refined


def reading(mesh: FaceMesh, frame: np.ndarray, detection: Detection) -> dict | None:
    landmarks, _ = tracked(mesh, frame, detection)
    if landmarks is None:
        return None
    pose = head_pose.head_pose(landmarks, (frame.shape[1], frame.shape[0]))
    if pose is None:
        return None
    eyes = head_pose.eye_direction(landmarks)
    return {"yaw": pose.yaw, "pitch": pose.pitch, "roll": pose.roll, "along": eyes.along,
            "above": eyes.above, "ear": head_pose.eye_aspect_ratio(landmarks),
            "at_camera": head_pose.looking_at_camera(pose, eyes), "landmarks": landmarks}


def rotated(frame: np.ndarray, detection: Detection, degrees: float) -> tuple[np.ndarray, Detection]:
    """The frame turned counter-clockwise in the picture; the keypoints with it."""
    import cv2

    height, width = frame.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    out = cv2.warpAffine(frame, matrix, (width, height), borderValue=(128, 128, 128))
    points = np.column_stack([np.array(detection.keypoints), np.ones(len(detection.keypoints))]) @ matrix.T
    return out, Detection(box=detection.box, keypoints=tuple(map(tuple, points)), score=1.0)


def turned(frame: np.ndarray, degrees: float, axis: str) -> np.ndarray:
    """A flat face turned about its vertical ("yaw": its left side away) or horizontal
    ("pitch": chin towards the camera) axis, seen by a camera whose focal length is the frame
    width at that distance."""
    import cv2

    height, width = frame.shape[:2]
    focal, half = float(width), FACE_SIDE / 2
    corners = np.array([(-half, -half), (half, -half), (half, half), (-half, half)])
    t = np.radians(degrees)
    image = []
    for x, y in corners:
        if axis == "yaw":   # positive: the person's left (image right) swings away, nose to image right
            point = np.array([x * np.cos(t), y, focal + x * np.sin(t)])
        else:               # positive: forehead away, chin near: head raised
            point = np.array([x, y * np.cos(t), focal - y * np.sin(t)])
        image.append((width / 2 + focal * point[0] / point[2], height / 2 + focal * point[1] / point[2]))
    homography = cv2.getPerspectiveTransform((corners + (width / 2, height / 2)).astype(np.float32),
                                             np.array(image, dtype=np.float32))
    return cv2.warpPerspective(frame, homography, (width, height), borderValue=(128, 128, 128))


def eyes_shifted(frame: np.ndarray, landmarks, pixels: int) -> np.ndarray:
    """The inside of both eye openings (lids from the iris model's contour) moved ``pixels``
    to the image's right; lids and corners stay. The iris moves; so does some sclera."""
    import cv2

    mask = np.zeros(frame.shape[:2], np.uint8)
    for eye in landmarks.eyes:
        lids = np.concatenate([eye.contour[0:9, :2], eye.contour[15:8:-1, :2]])  # lower lid, upper lid back
        cv2.fillPoly(mask, [np.round(lids).astype(np.int32)], 255)
    moved = np.roll(frame, pixels, axis=1)
    out = frame.copy()
    out[mask > 0] = moved[mask > 0]
    return out


def summary(errors: list[float]) -> dict:
    values = np.asarray(errors, dtype=float)
    if values.size == 0:
        return {"n": 0}
    return {"n": int(values.size), "mean": round(float(values.mean()), 2),
            "mae": round(float(np.abs(values).mean()), 2), "sd": round(float(values.std()), 2)}


def validate_fer(mesh: FaceMesh, faces: np.ndarray) -> dict:
    found, base, roll_err, mirror_sum, sign_ok = 0, [], {a: [] for a in ROLLS}, [], []
    turn_read = {(axis, a): [] for axis in ("yaw", "pitch") for a in TURNS}
    gaze_err = {s: [] for s in SHIFTS}
    for face in faces:
        frame, guess = place_face(face)
        start = reading(mesh, frame, guess)
        if start is None:
            continue
        found += 1
        base.append(start)
        for angle in ROLLS:
            moved = reading(mesh, *rotated(frame, guess, angle))
            if moved:
                roll_err[angle].append(moved["roll"] - start["roll"] - angle)
        mirror = reading(mesh, frame[:, ::-1].copy(), _mirrored(guess))
        if mirror:
            mirror_sum.append(start["yaw"] + mirror["yaw"])
            if abs(start["yaw"]) >= 5:
                sign_ok.append(np.sign(mirror["yaw"]) == -np.sign(start["yaw"]))
        for axis, angle in turn_read:
            moved = reading(mesh, turned(frame, angle, axis), guess)
            if moved:
                turn_read[(axis, angle)].append(moved[axis] - start[axis])
        eye_width = float(np.mean([np.linalg.norm(e.contour[8, :2] - e.contour[0, :2])
                                   for e in start["landmarks"].eyes]))
        for pixels in SHIFTS:
            moved = reading(mesh, eyes_shifted(frame, start["landmarks"], pixels), guess)
            if moved:
                gaze_err[pixels].append(((moved["along"] - start["along"]), pixels / eye_width))
    return _fer_report(len(faces), found, base, roll_err, mirror_sum, sign_ok, turn_read, gaze_err)


def _mirrored(detection: Detection) -> Detection:
    width = FRAME_SIZE[0]
    x, y, w, h = detection.box
    (rx, ry), (lx, ly) = detection.keypoints[:2]
    return Detection(box=(width - x - w, y, w, h), keypoints=((width - lx, ly), (width - rx, ry)), score=1.0)


def _fer_report(total, found, base, roll_err, mirror_sum, sign_ok, turn_read, gaze_err) -> dict:
    def median(key):
        return round(float(np.median([b[key] for b in base])), 3)

    ears = np.array([b["ear"] for b in base])
    return {
        "faces": total, "landmarks_found": found,
        "frontal_medians": {k: median(k) for k in ("yaw", "pitch", "roll", "along", "above", "ear")},
        "frontal_at_camera_share": round(float(np.mean([b["at_camera"] for b in base])), 3),
        "ear_percentiles_1_5_50": [round(float(np.percentile(ears, q)), 3) for q in (1, 5, 50)],
        "roll_error_deg": {str(a): summary(v) for a, v in roll_err.items()},
        "mirror_yaw_sum_deg": summary(mirror_sum),
        "mirror_yaw_sign_flips": round(float(np.mean(sign_ok)), 3) if sign_ok else None,
        "turn_read_minus_frontal_deg": {f"{axis} {a}": {"true": a, **summary(v)} for (axis, a), v in turn_read.items()},
        "gaze_shift_read_eye_widths": {str(s): _shift_report(v) for s, v in gaze_err.items()},
    }


def _shift_report(pairs: list[tuple[float, float]]) -> dict:
    """Iris shift read against the shift made (eye widths): the made one's mean, what was read,
    and the read share of it (1 would be perfect)."""
    if not pairs:
        return {"n": 0}
    read, made = np.array(pairs).T
    return {"made": round(float(made.mean()), 3), **summary(list(read)),
            "read_share": round(float(read.mean() / made.mean()), 2)}


def validate_videos(mesh: FaceMesh, folder: Path) -> dict:
    """Each fixture video at its full frame rate, tracked from a Haar detection on frame one."""
    import cv2

    cascade = cv2.CascadeClassifier(str(Path(cv2.data.haarcascades) / "haarcascade_frontalface_default.xml"))
    report, timings = {}, []
    for path in sorted(folder.glob("*.mp4")):
        capture, moments, detection, index = cv2.VideoCapture(str(path)), [], None, 0
        fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            if detection is None:
                boxes = cascade.detectMultiScale(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), 1.2, 5, minSize=(60, 60))
                detection = Detection(box=tuple(int(v) for v in boxes[0]), keypoints=(), score=1.0) if len(boxes) else None
            started = time.perf_counter()
            landmarks = mesh.landmarks(frame, detection) if detection else None
            moment = read_moment(index / fps, frame, detection, lambda: _Fixed(landmarks))
            timings.append(time.perf_counter() - started)
            detection = detection_from_landmarks(landmarks) if landmarks is not None else None
            moments.append(moment)
            index += 1
        report[path.name] = _video_report(tuple(moments))
    report["ms_per_frame_mesh_iris_pose"] = round(1000 * float(np.median(timings)), 1)
    return report


class _Fixed:
    """Hands read_moment landmarks already computed (so tracking can reuse them)."""

    def __init__(self, landmarks):
        self._landmarks = landmarks

    def landmarks(self, frame, detection):
        return self._landmarks


def _video_report(moments: tuple) -> dict:
    read = [m for m in moments if m.looking_at_camera is not None]
    every_fifth = moments[::5]
    head = head_movement(moments)
    head5 = head_movement(every_fifth)
    return {
        "frames": len(moments), "seconds": round(moments[-1].time, 2) if moments else 0,
        "face_read_share": round(sum(m.face_found for m in moments) / max(1, len(moments)), 3),
        "camera_share": round(sum(m.looking_at_camera for m in read) / len(read), 3) if read else None,
        "yaw_pitch_roll_median": [round(float(np.median([getattr(m, k) for m in moments if m.yaw is not None])), 1)
                                  for k in ("yaw", "pitch", "roll")] if read else None,
        "head_full_rate": head and {"label": head.label, "deg_per_s": head.degrees_per_second, "nods": head.nods},
        "head_5fps": head5 and {"label": head5.label, "deg_per_s": head5.degrees_per_second, "nods": head5.nods},
        "closed_frames": sum(bool(m.eyes_closed) for m in moments),
        "blink_runs_full_rate": _closed_runs(moments), "blink_runs_5fps": _closed_runs(every_fifth),
        "blinks_per_minute_full_rate": blinks_per_minute(moments),
    }


def _closed_runs(moments) -> int:
    runs, previous = 0, False
    for m in moments:
        closed = bool(m.eyes_closed)
        runs += closed and not previous
        previous = closed
    return runs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faces", type=int, default=300)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--datasets", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "datasets")
    args = parser.parse_args(argv)
    with np.load(args.datasets / "face" / "fer2013_train_publictest.npz") as data:
        images = data["images"]
        faces = images[np.random.default_rng(args.seed).choice(len(images), args.faces, replace=False)]
    mesh = FaceMesh()
    report = {"fer2013": validate_fer(mesh, faces),
              "fixture_videos": validate_videos(mesh, args.datasets / "fixtures" / "video")}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
