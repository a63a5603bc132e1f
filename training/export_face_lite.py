"""Export the served face network to TensorFlow Lite for the video analysis (emotion/face_lite.py).

    .venv/bin/python -m training.export_face_lite [--model models/face/model.keras] [--faces 512]

Writes model.tflite beside the .keras file (outputs: the penultimate features and the 7
probabilities, one view) and model.tflite.json: both files' SHA-256 and the largest difference
from Keras over real PublicTest faces, each face and its mirror image. Refuses to write a copy
that differs from Keras by more than MAX_DIFFERENCE. training.face_report runs it whenever it
ships a new model.keras; until it is run again a changed model.keras is read with Keras.
"""
import argparse
import json
import tempfile
from pathlib import Path

import numpy as np

from emotion.face_network import MODEL_FILE, FaceBackbone, load_face_network
from emotion.face_lite import LiteFaceNetwork, lite_files, sha256_of

MAX_DIFFERENCE = 1e-4   # float32 re-ordering gives ~1e-6; anything near this is a wrong export


def convert(model_file: Path) -> bytes:
    """The network up to and including its softmax, as a TFLite flatbuffer (float32, no quantising)."""
    from emotion.runtime import tensorflow

    tf = tensorflow()
    network = load_face_network(model_file)
    softmax = network.layers[-1]
    inner = type(network)(network.inputs, [softmax.input, softmax.output])
    return tf.lite.TFLiteConverter.from_keras_model(inner).convert()


def largest_difference(model_file: Path, lite_file: Path, faces48: np.ndarray) -> float:
    """Max |Keras - TFLite| over features and probabilities, served (flip) views, on these faces."""
    keras_features, keras_probabilities = FaceBackbone(model_file).features(faces48)
    lite_features, lite_probabilities = FaceBackbone(lite=LiteFaceNetwork(lite_file)).features(faces48)
    return float(max(np.abs(keras_features - lite_features).max(),
                     np.abs(keras_probabilities - lite_probabilities).max()))


def export(model_file: Path, faces48: np.ndarray, described_faces: str) -> dict:
    lite_file, record_file = lite_files(model_file)
    with tempfile.TemporaryDirectory() as scratch:
        candidate = Path(scratch) / lite_file.name
        candidate.write_bytes(convert(model_file))
        difference = largest_difference(model_file, candidate, faces48)
        if not difference <= MAX_DIFFERENCE:
            raise SystemExit(f"the TFLite copy differs from Keras by {difference:.2e} (> {MAX_DIFFERENCE}); nothing written")
        record = {"source": Path(model_file).name, "source_sha256": sha256_of(model_file),
                  "file": lite_file.name, "sha256": sha256_of(candidate),
                  "compared_on": described_faces, "largest_difference": float(f"{difference:.3g}")}
        candidate.replace(lite_file)
    record_file.write_text(json.dumps(record, indent=1) + "\n")
    return record


def main(argv=None) -> None:
    from training.train_face import load_split

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=MODEL_FILE)
    parser.add_argument("--faces", type=int, default=512, help="PublicTest faces to compare Keras and TFLite on")
    args = parser.parse_args(argv)
    faces, _ = load_split("PublicTest")
    print(json.dumps(export(args.model, faces[:args.faces], f"the first {args.faces} FER2013 PublicTest faces"), indent=1))


if __name__ == "__main__":
    main()
