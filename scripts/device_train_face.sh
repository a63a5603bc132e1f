#!/usr/bin/env bash
# Train face-model variants side by side on a lent GPU machine (PyTorch only there), with
# Keras on its torch backend. Needs, carried from this repo: .whl (keras, namex, optree wheels)
# and .gpu/fer (python -m training.fer_pack ../shared/datasets/face/fer2013_train_publictest.npz .gpu/fer).
# The device image already has numpy, h5py, ml-dtypes, rich, absl-py and opencv-python-headless.
# Writes each run's best.keras and state.json to $OUT/RUN_gpu/: copy that folder into
# training/runs/face/ here and ship it with `python -m training.face_report --run RUN_gpu`.
set -euo pipefail
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
export PYTHONPATH=/tmp/site:$PWD KERAS_BACKEND=torch POISE_FER_FILE=.gpu/fer PYTHONUNBUFFERED=1 OMP_NUM_THREADS=3
BUDGET=${BUDGET:-7}
RUNS=("$@")
[ ${#RUNS[@]} -gt 0 ] || RUNS=(
  "vgg48_cw --arch vgg --width 48"
  "vgg48_nocw --arch vgg --width 48 --no-class-weights"
  "vgg48_adam_cw --arch vgg --width 48 --optimizer adam"
  "vgg32_cw --arch vgg --width 32")
for spec in "${RUNS[@]}"; do
  read -r name options <<<"$spec"
  # shellcheck disable=SC2086
  timeout $((BUDGET * 60 + 120)) python3 -m training.train_face --run "${name}_gpu" $options --epochs 150 \
    --time-budget "$BUDGET" --runs-dir /tmp/runs 2>&1 | grep --line-buffered -v "^$" | sed "s/^/[$name] /" &
done
wait
for run in /tmp/runs/*; do
  mkdir -p "$OUT/$(basename "$run")"
  cp "$run/best.keras" "$run/state.json" "$OUT/$(basename "$run")/"
done
