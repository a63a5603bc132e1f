"""Our face model against the `fer` package, side by side in one run, same faces, same clip.

    bash bench/setup_fer_baseline.sh            # once: a separate venv with fer
    .venv/bin/python -m bench.bench_fer_compare [--limit 3589] [--video PATH] [--fps 5]

Accuracy on FER2013 PublicTest faces (our validation split; fer's model never saw them either,
as far as its authors say) and whole-clip analysis time at the same sampling rate.
"""
import argparse
import json
import os
import statistics
import subprocess
import time
from pathlib import Path

import numpy as np

from emotion.face import get_face_analyzer
from training.evaluate_face import predict_all, scores
from tests.conftest import DATASETS, FIXTURES, REPO_ROOT

FER_PYTHON = REPO_ROOT / os.environ.get("FER_VENV", ".venv-fer") / "bin" / "python"


def ours(npz: Path, video: Path, fps: float, limit: int) -> dict:
    analyzer = get_face_analyzer()
    with np.load(npz) as data:
        rows = np.flatnonzero(data["usage"] == "PublicTest")[:limit]
        images, labels = data["images"][rows], data["labels"][rows].astype(int)
    result = {"n": len(rows), "accuracy": scores(labels, predict_all(analyzer.model, images))["accuracy"]}
    analyzer.analyze_video(video, fps)  # warm up
    times = []
    for _ in range(3):
        start = time.perf_counter()
        summary = analyzer.analyze_video(video, fps).summary
        times.append(time.perf_counter() - start)
    result["video_seconds"], result["video_length"] = statistics.median(times), summary.duration_seconds
    return result


def theirs(npz: Path, video: Path, fps: float, limit: int) -> dict:
    if not FER_PYTHON.exists():
        raise SystemExit(f"{FER_PYTHON} is missing: run bash bench/setup_fer_baseline.sh first")
    completed = subprocess.run(
        [str(FER_PYTHON), str(REPO_ROOT / "bench" / "fer_baseline_worker.py"), str(npz), str(video), str(fps), str(limit)],
        capture_output=True, text=True, check=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=3589)
    parser.add_argument("--video", type=Path, default=FIXTURES / "av" / "timeline_1.webm")
    parser.add_argument("--fps", type=float, default=5.0)
    args = parser.parse_args()
    npz = DATASETS / "face" / "fer2013_train_publictest.npz"

    results = {"poise": ours(npz, args.video, args.fps, args.limit), "fer": theirs(npz, args.video, args.fps, args.limit)}
    print(f"{'model':<8}{'faces':>7}{'accuracy':>10}{'clip s':>9}{'analysis s':>12}{'fraction':>10}")
    for name, r in results.items():
        print(f"{name:<8}{r['n']:>7}{r['accuracy']:>10.4f}{r['video_length']:>9.1f}"
              f"{r['video_seconds']:>12.2f}{r['video_seconds'] / r['video_length']:>10.3f}")
    speedup = results["fer"]["video_seconds"] / results["poise"]["video_seconds"]
    print(f"poise is {speedup:.1f}x faster on the clip and "
          f"{100 * (results['poise']['accuracy'] - results['fer']['accuracy']):+.1f} points more accurate")


if __name__ == "__main__":
    main()
