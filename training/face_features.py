"""Penultimate-layer features of the served face CNN for FER2013, cached in one npz so heads
on top of the frozen network (the Plutchik wheel's, and others) train in seconds.

    .venv/bin/python -m training.face_features [--cache /tmp/poise_fer_features.npz]

Features are the input of the network's softmax layer (global-average-pooled, 256 values),
averaged over the face and its mirror image as the product serves it; the 7 served
probabilities come along. The cache lives outside the repository (FER2013 is never copied in).
"""
import argparse
import logging
import time
from pathlib import Path

import numpy as np

log = logging.getLogger("face_features")

CACHE = Path("/tmp/poise_fer_features.npz")
SPLITS = {"train": "Training", "val": "PublicTest"}
KEYS = ("features", "labels", "probabilities")


def compute_features(source: Path | None = None) -> dict[str, np.ndarray]:
    """{"train_features", "train_labels", "train_probabilities", "val_..."}: features (N, 256)
    float32, labels (N,) int64 in FACE_CLASSES order, probabilities (N, 7) float32."""
    from emotion.face_network import FaceBackbone
    from training.train_face import load_split

    backbone = FaceBackbone()
    arrays = {}
    for name, usage in SPLITS.items():
        started = time.time()
        faces, labels = load_split(usage, source)
        features, probabilities = backbone.features(faces)
        arrays.update({f"{name}_features": features, f"{name}_labels": labels,
                       f"{name}_probabilities": probabilities})
        log.info("%s: %d faces in %.0f s", usage, len(faces), time.time() - started)
    return arrays


def load_or_compute_features(npz_path: str | Path = CACHE, source: Path | None = None) -> dict[str, np.ndarray]:
    """The cached arrays of :func:`compute_features`, computing and saving them when the cache
    is missing or lacks a key. ``source``: the FER2013 npz (default: training.train_face's)."""
    npz_path = Path(npz_path)
    wanted = [f"{split}_{key}" for split in SPLITS for key in KEYS]
    if npz_path.is_file():
        with np.load(npz_path) as cached:
            if all(key in cached for key in wanted):
                return {key: cached[key] for key in wanted}
    arrays = compute_features(source)
    partial = npz_path.with_name(npz_path.name + ".partial.npz")
    np.savez(partial, **arrays)
    partial.replace(npz_path)  # whole or not at all: another process may be reading it
    return arrays


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    arrays = load_or_compute_features(args.cache)
    log.info("%s: %s", args.cache, {key: value.shape for key, value in arrays.items()})


if __name__ == "__main__":
    main()
