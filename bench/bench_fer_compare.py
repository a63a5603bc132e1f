"""Our face model against the `fer` package, side by side in one run, same faces, same clip.

    bash bench/setup_fer_baseline.sh            # once: a separate venv with fer
    .venv/bin/python -m bench.bench_fer_compare [--limit 3589] [--video PATH ...] [--fps 5]

Accuracy on FER2013 PublicTest faces (our validation split) and whole-clip analysis time at the
same sampling rate. fer's network comes from oarriaga/face_classification, whose training script
fits on the first 80 % of fer2013.csv's rows, unshuffled (exactly the 28,709 Training rows), and
keeps the checkpoint of lowest loss on the rest (PublicTest and PrivateTest): like ours, it never
trained on PublicTest but was chosen on it (models/face/MODEL_CARD.md, "Against the fer package").
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
from emotion.face_network import EnsembleFaceModel
from training.evaluate_face import predict_all, scores
from tests.conftest import DATASETS, FIXTURES, REPO_ROOT

FER_PYTHON = REPO_ROOT / os.environ.get("FER_VENV", ".venv-fer") / "bin" / "python"


def ours(npz: Path, videos: list[Path], fps: float, limit: int) -> dict:
    analyzer = get_face_analyzer()
    with np.load(npz) as data:
        rows = np.flatnonzero(data["usage"] == "PublicTest")[:limit]
        images, labels = data["images"][rows], data["labels"][rows].astype(int)
    # "accuracy": faces read as videos are (the served network and its ensemble members);
    # "network_accuracy": the served network alone, as the live overlay and single images are.
    result = {"n": len(rows), "accuracy": scores(labels, predict_all(EnsembleFaceModel(), images))["accuracy"],
              "network_accuracy": scores(labels, predict_all(analyzer.model, images))["accuracy"]}
    result["videos"] = {}
    for video in videos:
        analyzer.analyze_video(video, fps)  # warm up
        times = []
        for _ in range(3):
            start = time.perf_counter()
            summary = analyzer.analyze_video(video, fps).summary
            times.append(time.perf_counter() - start)
        result["videos"][str(video)] = {"seconds": statistics.median(times), "length": summary.duration_seconds}
    return result


def theirs(npz: Path, videos: list[Path], fps: float, limit: int) -> dict:
    if not FER_PYTHON.exists():
        raise SystemExit(f"{FER_PYTHON} is missing: run bash bench/setup_fer_baseline.sh first")
    completed = subprocess.run(
        [str(FER_PYTHON), str(REPO_ROOT / "bench" / "fer_baseline_worker.py"), str(npz), str(fps), str(limit), *map(str, videos)],
        capture_output=True, text=True, check=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=3589)
    parser.add_argument("--video", type=Path, nargs="+",
                        default=[FIXTURES / "av" / "timeline_1.webm", FIXTURES / "video" / "woman2.mp4"])
    parser.add_argument("--fps", type=float, default=5.0)
    args = parser.parse_args()
    npz = DATASETS / "face" / "fer2013_train_publictest.npz"

    results = {"poise": ours(npz, args.video, args.fps, args.limit), "fer": theirs(npz, args.video, args.fps, args.limit)}
    ours_, fer = results["poise"], results["fer"]
    print(f"PublicTest faces: {ours_['n']}; accuracy poise {ours_['accuracy']:.4f} as videos are read "
          f"(served network alone, as live: {ours_['network_accuracy']:.4f}), fer {fer['accuracy']:.4f} "
          f"({100 * (ours_['accuracy'] - fer['accuracy']):+.1f} points)")
    print(f"{'clip':<20}{'length s':>9}{'poise s':>9}{'fer s':>9}{'poise frac':>11}{'fer frac':>9}{'speed-up':>9}")
    for video in map(str, args.video):
        mine, theirs_ = ours_["videos"][video], fer["videos"][video]
        print(f"{Path(video).name:<20}{mine['length']:>9.1f}{mine['seconds']:>9.2f}{theirs_['seconds']:>9.2f}"
              f"{mine['seconds'] / mine['length']:>11.3f}{theirs_['seconds'] / mine['length']:>9.3f}"
              f"{theirs_['seconds'] / mine['seconds']:>8.1f}x")


if __name__ == "__main__":
    main()
