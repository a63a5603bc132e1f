#!/usr/bin/env bash
# A separate virtual environment with the `fer` package (Justin Shenk's FER: OpenCV Haar cascade
# + the mini-Xception model shipped inside the package), only for bench/bench_fer_compare.py.
# Kept apart from .venv because fer wants opencv-contrib-python. Its MTCNN option needs
# facenet-pytorch and PyTorch; the benchmark uses fer's default Haar detector, so fer is
# installed without them (a plain `pip install fer` pulls several GB of CUDA wheels).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${FER_VENV:-.venv-fer}
[ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip
"$VENV/bin/pip" install -q --no-deps fer
# fer's own dependencies, less facenet-pytorch; 4.x OpenCV ships the Haar cascades, and
# setuptools<81 still provides the pkg_resources that fer imports.
"$VENV/bin/pip" install -q tensorflow "opencv-contrib-python<5" pandas requests tqdm "moviepy<2" \
  ffmpeg-python Pillow matplotlib "setuptools<81"
