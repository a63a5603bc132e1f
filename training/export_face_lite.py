"""Export a face network to TensorFlow Lite for the video analysis (emotion/face_lite.py).

    .venv/bin/python -m training.export_face_lite [--model models/face/model.keras] [--faces 512] [--int8]

Writes model.tflite beside the .keras file (outputs: the penultimate features and the 7
probabilities, one view) and model.tflite.json: both files' SHA-256 and how far the copy is
from Keras over real PublicTest faces, each face and its mirror image; with ``--int8``,
model.int8.tflite and model.int8.tflite.json.

Two kinds of copy:
- float32 (the default; the served network's features feed fusion and the wheel): refused
  when it differs from Keras by more than MAX_DIFFERENCE anywhere.
- ``--int8`` (what gives videos the probabilities of ensemble members and of the served
  network's extra views; emotion.face_network.EnsembleReader): weights and
  activations quantised to 8 bits, calibrated on CALIBRATION_FACES Training faces (float input
  and output; every operation integer, or the export fails). About 3x faster than float on 2
  cores at the same accuracy; its probabilities move by ~0.006 on average (up to ~0.1), which
  changes the class of faces that are near ties
  (3 % of PublicTest faces, 4 % of the fixture videos' faces). Refused when its probabilities move by more
  than MAX_INT8_MEAN_DIFFERENCE on average or fewer than MIN_INT8_AGREEMENT of the faces keep
  Keras's class: a wrong export reads near chance (figures in models/face/MODEL_CARD.md,
  "Members read through int8 copies").

training.face_report runs it whenever it ships a new model.keras, training.face_ensemble when it
ships a member (and the served network's int8 copy when it is missing or stale); until it is run
again a changed .keras file is read with Keras.
"""
import argparse
import json
import tempfile
from pathlib import Path

import numpy as np

from emotion.face_network import MODEL_FILE, FaceBackbone, load_face_network, prepare_faces
from emotion.face_lite import LiteFaceNetwork, lite_files, sha256_of

MAX_DIFFERENCE = 1e-4   # float32 re-ordering gives ~1e-6; anything near this is a wrong export
MAX_INT8_MEAN_DIFFERENCE = 0.02   # mean |Keras - int8| over the probabilities; measured ~0.007
MIN_INT8_AGREEMENT = 0.90   # measured 0.97 on PublicTest, 0.93-0.96 on video faces (more near ties)
CALIBRATION_FACES = 1000   # Training faces, a fixed random draw: never the faces the copy is compared on
CALIBRATION_SEED = 0


def calibration_faces(count: int = CALIBRATION_FACES) -> np.ndarray:
    from training.train_face import load_split

    training_faces, _ = load_split("Training")
    count = min(count, len(training_faces))
    return training_faces[np.random.default_rng(CALIBRATION_SEED).choice(len(training_faces), count, replace=False)]


def convert(model_file: Path, calibration: np.ndarray | None = None) -> bytes:
    """The network up to and including its softmax, as a TFLite flatbuffer: float32, or with
    ``calibration`` faces (uint8, 48x48) quantised to int8 with float input and output."""
    from emotion.runtime import tensorflow

    tf = tensorflow()
    network = load_face_network(model_file)
    softmax = network.layers[-1]
    converter = tf.lite.TFLiteConverter.from_keras_model(type(network)(network.inputs, [softmax.input, softmax.output]))
    if calibration is not None:
        prepared = prepare_faces(calibration)
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]  # no silent float fallback
        converter.representative_dataset = lambda: ([prepared[i:i + 1]] for i in range(len(prepared)))
    return converter.convert()


def compared(model_file: Path, lite_file: Path, faces48: np.ndarray) -> dict:
    """How far the copy is from Keras on these faces, served (flip) views: the largest difference
    over features and probabilities, the mean difference of the probabilities, and the share of
    faces given the same class."""
    keras_features, keras_probabilities = FaceBackbone(model_file).features(faces48)
    lite_features, lite_probabilities = FaceBackbone(lite=LiteFaceNetwork(lite_file)).features(faces48)
    probability_difference = np.abs(keras_probabilities - lite_probabilities).max()
    difference = max(np.abs(keras_features - lite_features).max(), probability_difference)
    agreement = np.mean(keras_probabilities.argmax(axis=1) == lite_probabilities.argmax(axis=1))
    return {"largest_difference": float(f"{difference:.3g}"),
            "largest_probability_difference": float(f"{probability_difference:.3g}"),
            "mean_probability_difference": float(f"{np.abs(keras_probabilities - lite_probabilities).mean():.3g}"),
            "class_agreement": round(float(agreement), 4)}


def refusal(measured: dict, quantised: bool) -> str | None:
    if quantised and not measured["class_agreement"] >= MIN_INT8_AGREEMENT:
        return f"the int8 copy gives Keras's class to {measured['class_agreement']:.1%} of the faces (< {MIN_INT8_AGREEMENT:.0%})"
    if quantised and not measured["mean_probability_difference"] <= MAX_INT8_MEAN_DIFFERENCE:
        return (f"the int8 copy's probabilities differ from Keras's by {measured['mean_probability_difference']:.3f} "
                f"on average (> {MAX_INT8_MEAN_DIFFERENCE})")
    if not quantised and not measured["largest_difference"] <= MAX_DIFFERENCE:
        return f"the TFLite copy differs from Keras by {measured['largest_difference']:.2e} (> {MAX_DIFFERENCE})"
    return None


def export(model_file: Path, faces48: np.ndarray, described_faces: str, int8: bool = False) -> dict:
    lite_file, record_file = lite_files(model_file, quantised=int8)
    calibration = calibration_faces() if int8 else None
    with tempfile.TemporaryDirectory() as scratch:
        candidate = Path(scratch) / lite_file.name
        candidate.write_bytes(convert(model_file, calibration))
        measured = compared(model_file, candidate, faces48)
        if reason := refusal(measured, int8):
            raise SystemExit(f"{reason}; nothing written")
        record = {"source": Path(model_file).name, "source_sha256": sha256_of(model_file),
                  "file": lite_file.name, "sha256": sha256_of(candidate),
                  "compared_on": described_faces, **measured}
        if int8:
            record["quantised"] = (f"int8 weights and activations, float input and output; calibrated on "
                                   f"{len(calibration)} FER2013 Training faces (seed {CALIBRATION_SEED})")
        candidate.replace(lite_file)
    record_file.write_text(json.dumps(record, indent=1) + "\n")
    return record


def main(argv=None) -> None:
    from training.train_face import load_split

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=MODEL_FILE)
    parser.add_argument("--faces", type=int, default=512, help="PublicTest faces to compare Keras and TFLite on")
    parser.add_argument("--int8", action="store_true", help="the int8 copy (probabilities only: see the docstring)")
    args = parser.parse_args(argv)
    faces, _ = load_split("PublicTest")
    print(json.dumps(export(args.model, faces[:args.faces], f"the first {args.faces} FER2013 PublicTest faces", args.int8),
                     indent=1))


if __name__ == "__main__":
    main()
