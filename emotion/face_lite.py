"""Face networks as TensorFlow Lite: the same weights as ``models/face/model.keras`` (or an
ensemble member's ``member_N.keras``), exported by ``python -m training.export_face_lite`` to
``model.tflite`` beside it, with a ``model.tflite.json`` that records both files' SHA-256; and
with ``--int8`` to ``model.int8.tflite`` (and ``.json``), weights and activations in 8 bits,
~3x faster at the same accuracy (the record says ``"quantised"``). The served network's float32
copy gives videos its features (fusion and the wheel were fitted on float32 outputs); int8 copies
give probabilities only: the ensemble's extra views and members (emotion.face_network).

Why a second copy of the network: reading a video's faces on 2 cores, the TFLite interpreter
(XNNPACK, one thread) takes about half the time Keras does, and it does not spin TensorFlow's
thread pool against the video decoder and the face detector running beside it (figures in
models/face/MODEL_CARD.md, "Speed"). A float32 copy's outputs match Keras's to ~1e-6. Training,
Grad-CAM and single images keep the Keras network.

A copy that does not match the .keras file next to it (retrained and not exported again) or
that was altered is never used: :func:`lite_network_for` returns None and callers use Keras.
"""
import hashlib
import json
import logging
import os
import threading
import warnings
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FEATURES, PROBABILITIES = "features", "probabilities"


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def lite_files(model_file: Path, quantised: bool = False) -> tuple[Path, Path]:
    """(the .tflite copy of ``model_file``, its record of hashes): X.tflite, or X.int8.tflite."""
    lite_file = Path(model_file).with_suffix(".int8.tflite" if quantised else ".tflite")
    return lite_file, lite_file.with_name(lite_file.name + ".json")


class LiteFaceNetwork:
    """``run(prepared)``: (N, 48, 48, 1) float32 faces as :func:`emotion.face_network.prepare_faces`
    makes them -> ((N, width) penultimate features, (N, 7) probabilities), one view each.

    One interpreter, used under a lock (an interpreter is not safe across threads); its input
    is resized only when the batch size changes."""

    def __init__(self, lite_file: Path, threads: int | None = None):
        from emotion.runtime import tensorflow

        threads = threads or int(os.environ.get("POISE_FACE_LITE_THREADS", "1"))
        with warnings.catch_warnings():  # tf.lite.Interpreter warns of its move to ai-edge-litert
            warnings.simplefilter("ignore", UserWarning)
            self._interpreter = tensorflow().lite.Interpreter(model_path=str(lite_file), num_threads=threads)
        self._input = self._interpreter.get_input_details()[0]["index"]
        outputs = self._interpreter.get_output_details()
        # The features are the wide output, the 7 probabilities the narrow one.
        by_width = sorted(outputs, key=lambda detail: detail["shape"][-1], reverse=True)
        self._outputs = {FEATURES: by_width[0]["index"], PROBABILITIES: by_width[1]["index"]}
        self.width = int(by_width[0]["shape"][-1])
        # An int8 export (training.export_face_lite --int8) holds 8-bit tensors; a float32 one none.
        self.quantised = any(detail["dtype"] == np.int8 for detail in self._interpreter.get_tensor_details())
        self._batch = None
        self._lock = threading.Lock()

    def run(self, prepared: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        prepared = np.ascontiguousarray(prepared, dtype=np.float32)
        with self._lock:
            if self._batch != len(prepared):
                self._interpreter.resize_tensor_input(self._input, list(prepared.shape))
                self._interpreter.allocate_tensors()
                self._batch = len(prepared)
            self._interpreter.set_tensor(self._input, prepared)
            self._interpreter.invoke()
            return (self._interpreter.get_tensor(self._outputs[FEATURES]).copy(),
                    self._interpreter.get_tensor(self._outputs[PROBABILITIES]).copy())


def lite_network_for(model_file: Path, quantised: bool = False) -> LiteFaceNetwork | None:
    """The float32 (or with ``quantised``, the int8) TFLite copy of ``model_file`` when one was
    exported from exactly that file and is intact; otherwise None (logged unless there is none),
    and the caller reads faces another way."""
    lite_file, record_file = lite_files(model_file, quantised)
    if not (lite_file.is_file() and record_file.is_file() and Path(model_file).is_file()):
        return None
    try:
        record = json.loads(record_file.read_text())
    except (OSError, ValueError) as error:
        log.warning("ignoring %s: its record %s is unreadable (%s)", lite_file, record_file, error)
        return None
    if record.get("source_sha256") != sha256_of(model_file):
        log.warning("ignoring %s: exported from another %s; run python -m training.export_face_lite",
                    lite_file, Path(model_file).name)
        return None
    if record.get("sha256") != sha256_of(lite_file):
        log.warning("ignoring %s: it is not the file that was exported (SHA-256 differs)", lite_file)
        return None
    if ("quantised" in record) != quantised:  # a copy renamed into the other's place
        log.warning("ignoring %s: its record says it is %s", lite_file, "quantised" if "quantised" in record else "float32")
        return None
    return LiteFaceNetwork(lite_file)
