"""Runs inside .venv-fer (see setup_fer_baseline.sh): the `fer` package on the same faces and
clip as bench_fer_compare.py, through its public API. Prints one JSON line.

    .venv-fer/bin/python bench/fer_baseline_worker.py NPZ FPS LIMIT VIDEO [VIDEO ...]
"""
import json
import statistics
import sys
import time

import cv2
import numpy as np
from fer.fer import FER

CLASSES = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")


def accuracy_on_faces(detector, npz_path: str, limit: int) -> dict:
    data = np.load(npz_path)
    rows = np.flatnonzero(data["usage"] == "PublicTest")[:limit]
    correct = 0
    for row in rows:
        face = cv2.cvtColor(data["images"][row], cv2.COLOR_GRAY2BGR)
        found = detector.detect_emotions(face, face_rectangles=[(0, 0, 48, 48)])
        emotions = found[0]["emotions"]
        correct += max(emotions, key=emotions.get) == CLASSES[data["labels"][row]]
    return {"n": int(len(rows)), "accuracy": correct / len(rows)}


def video_seconds(detector, video_path: str, fps: float) -> tuple[float, float]:
    capture = cv2.VideoCapture(video_path)
    start = time.perf_counter()
    next_time, last = 0.0, 0.0
    while capture.grab():
        seconds = capture.get(cv2.CAP_PROP_POS_MSEC) / 1000
        last = seconds
        if seconds + 1e-6 < next_time:
            continue
        _, frame = capture.retrieve()
        detector.detect_emotions(frame)
        while next_time <= seconds + 1e-6:
            next_time += 1 / fps
    return time.perf_counter() - start, last + 1 / 25


def main() -> None:
    npz_path, fps, limit, videos = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    detector = FER(mtcnn=False)  # its default: OpenCV Haar cascade + mini-Xception
    # FER2013 rows are already face crops: no widening margin (its default 10 px would shrink
    # the 48x48 face inside padding), so fer's network sees exactly the pixels ours does.
    exact_crops = FER(mtcnn=False, offsets=(0, 0))
    face = cv2.cvtColor(np.zeros((48, 48), np.uint8), cv2.COLOR_GRAY2BGR)
    exact_crops.detect_emotions(face, face_rectangles=[(0, 0, 48, 48)])  # warm up
    result = accuracy_on_faces(exact_crops, npz_path, limit)
    result["videos"] = {}
    for video in videos:
        runs = [video_seconds(detector, video, fps) for _ in range(3)]
        result["videos"][video] = {"seconds": statistics.median(r[0] for r in runs), "length": runs[0][1]}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
