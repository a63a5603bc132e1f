"""FER2013 faces packed as lossless WebP mosaics, to carry the set to a GPU machine.

The raw .npz (70 MB) is larger than what a device call may carry beside the repo; a lossless
WebP mosaic of the same pixels is ~30 % smaller and decodes back bit for bit.

    .venv/bin/python -m training.fer_pack SOURCE.npz DEST_DIR
"""
import sys
from pathlib import Path

import numpy as np

FACES_PER_ROW = 128  # 6,144 px wide; WebP allows at most 16,383 px a side
FACE = 48


def pack(source: Path, dest: Path) -> None:
    import cv2

    dest.mkdir(parents=True, exist_ok=True)
    with np.load(source) as data:
        images, labels, usage = data["images"], data["labels"], data["usage"]
    rows = -(-len(images) // FACES_PER_ROW)
    padded = np.zeros((rows * FACES_PER_ROW, FACE, FACE), np.uint8)
    padded[:len(images)] = images
    mosaic = padded.reshape(rows, FACES_PER_ROW, FACE, FACE).transpose(0, 2, 1, 3).reshape(rows * FACE, -1)
    if not cv2.imwrite(str(dest / "faces.webp"), mosaic, [cv2.IMWRITE_WEBP_QUALITY, 101]):
        raise RuntimeError("WebP encoding failed")
    np.savez(dest / "labels.npz", labels=labels, usage=usage, count=len(images))
    if not np.array_equal(load(dest)[0], images):
        raise RuntimeError("packed faces do not decode to the originals")


def load(folder: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(images, labels, usage) from a packed folder."""
    import cv2

    mosaic = cv2.imread(str(folder / "faces.webp"), cv2.IMREAD_GRAYSCALE)
    with np.load(folder / "labels.npz") as meta:
        labels, usage, count = meta["labels"], meta["usage"], int(meta["count"])
    rows = mosaic.shape[0] // FACE
    faces = mosaic.reshape(rows, FACE, FACES_PER_ROW, FACE).transpose(0, 2, 1, 3).reshape(-1, FACE, FACE)
    return faces[:count], labels, usage


if __name__ == "__main__":
    pack(Path(sys.argv[1]), Path(sys.argv[2]))
