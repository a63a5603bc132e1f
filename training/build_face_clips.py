"""One-face frames and clips built from FER2013 PublicTest faces, for measuring face detection
and crop choices where the true face and its label are known (bench/bench_face_detection.py).

    python -m training.build_face_clips [--out /tmp/poise_face_clips] [--clips 120] [--seconds 2]

Like ``fixtures/av``: a 48x48 face scaled up (here 3.5-5x, 168-240 px) onto a 640x480 frame;
here the background is a random grey with camera-like noise, the face placed anywhere it fits,
turned up to ``max_tilt`` degrees, and in a clip it drifts and turns a little from frame to
frame. Each clip shows one face (one candidate per answer). Writes ``NNN.mp4`` (H.264 by
ffmpeg when it is there, else OpenCV's mp4v) and ``labels.csv``:
``file, label, row, x, y, side, tilt`` (the face's first-frame square and turn). Seeded: the same
arguments build the same clips. Never write these into the repository: the faces are FER2013's.
"""
import argparse
import csv
import shutil
import subprocess
from pathlib import Path

import numpy as np

FRAME_W, FRAME_H = 640, 480
FPS = 25
NPZ = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "face" / "fer2013_train_publictest.npz"


def public_test(npz: Path = NPZ, limit: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """PublicTest faces (N, 48, 48), labels (N,) and their row numbers in the npz."""
    with np.load(npz) as data:
        rows = np.flatnonzero(data["usage"] == "PublicTest")[:limit]
        return data["images"][rows], data["labels"][rows].astype(int), rows


def background(rng: np.random.Generator) -> np.ndarray:
    level = int(rng.integers(80, 180))
    noise = rng.normal(0, 3, (FRAME_H, FRAME_W, 1))
    tint = rng.integers(-8, 9, 3)
    return np.clip(level + noise + tint, 0, 255).astype(np.uint8)


def place(frame: np.ndarray, face48: np.ndarray, x: float, y: float, side: float, tilt: float) -> np.ndarray:
    """``face48`` scaled to ``side`` pixels with its top-left corner at (x, y), turned by ``tilt``
    degrees about its centre (counter-clockwise), pasted onto a copy of ``frame``."""
    import cv2

    scale = side / 48
    turn = cv2.getRotationMatrix2D((24.0, 24.0), tilt, scale)
    turn[:, 2] += (x + side / 2 - 24, y + side / 2 - 24)   # the face's centre to (x, y) + side / 2
    size = (frame.shape[1], frame.shape[0])
    face = cv2.warpAffine(face48, turn, size, flags=cv2.INTER_CUBIC)
    mask = cv2.warpAffine(np.full((48, 48), 255, np.uint8), turn, size, flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255)[..., None]
    return (frame * (1 - alpha) + face[..., None] * alpha).astype(np.uint8)


def random_face_frame(face48: np.ndarray, rng: np.random.Generator, max_tilt: float = 0.0):
    """One frame with the face somewhere on it: (BGR frame, (x, y, side), tilt)."""
    side = float(rng.uniform(168, 240))
    x, y = rng.uniform(10, FRAME_W - side - 10), rng.uniform(10, FRAME_H - side - 10)
    tilt = float(rng.uniform(-max_tilt, max_tilt))
    return place(background(rng), face48, x, y, side, tilt), (x, y, side), tilt


def jpeg_round_trip(frame: np.ndarray, quality: int = 85) -> np.ndarray:
    """A frame as a camera's compression leaves it."""
    import cv2

    return cv2.imdecode(cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])[1], cv2.IMREAD_COLOR)


def clip_frames(face48: np.ndarray, rng: np.random.Generator, seconds: float, max_tilt: float):
    """The frames of one clip: the face drifting up to 30 px and turning up to 4 degrees."""
    first, (x, y, side), tilt = random_face_frame(face48, rng, max_tilt)
    still = background(rng)
    drift, turn = rng.uniform(-30, 30, 2), rng.uniform(-4, 4)
    count = int(round(seconds * FPS))
    for index in range(count):
        share = index / max(1, count - 1)
        dx, dy = np.clip((x + drift[0] * share, y + drift[1] * share), 0, (FRAME_W - side, FRAME_H - side))
        yield place(still, face48, dx, dy, side, tilt + turn * share)
    return x, y, side, tilt


def write_clip(path: Path, frames) -> None:
    """Frames to an mp4: H.264 through ffmpeg when installed (as browsers and phones send), else mp4v."""
    import cv2

    if shutil.which("ffmpeg"):
        encoder = subprocess.Popen(
            ["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{FRAME_W}x{FRAME_H}",
             "-r", str(FPS), "-i", "-", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "23", str(path)],
            stdin=subprocess.PIPE)
        for frame in frames:
            encoder.stdin.write(frame.tobytes())
        encoder.stdin.close()
        if encoder.wait() != 0:
            raise RuntimeError(f"ffmpeg could not write {path}")
        return
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (FRAME_W, FRAME_H))
    for frame in frames:
        writer.write(frame)
    writer.release()


def build_clips(out: Path, clips: int, seconds: float, max_tilt: float, seed: int = 17, npz: Path = NPZ) -> Path:
    """``clips`` one-face clips into ``out``, faces spread over PublicTest; returns labels.csv."""
    faces, labels, rows = public_test(npz)
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.choice(len(faces), clips, replace=False))
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "labels.csv", "w", newline="") as handle:
        table = csv.writer(handle)
        table.writerow(["file", "label", "row", "x", "y", "side", "tilt"])
        for number, index in enumerate(chosen):
            frames = clip_frames(faces[index], rng, seconds, max_tilt)
            collected = []

            def keep():
                result = yield from frames
                collected.append(result)

            write_clip(out / f"{number:03d}.mp4", keep())
            x, y, side, tilt = collected[0]
            table.writerow([f"{number:03d}", int(labels[index]), int(rows[index]),
                            round(x, 1), round(y, 1), round(side, 1), round(tilt, 2)])
    return out / "labels.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("/tmp/poise_face_clips"))
    parser.add_argument("--clips", type=int, default=120)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--max-tilt", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    print(build_clips(args.out, args.clips, args.seconds, args.max_tilt, args.seed))


if __name__ == "__main__":
    main()
