"""Re-estimate a face network's BatchNorm statistics on the Training faces as test time shows them.

Training shows a network augmented faces (shifted, turned, zoomed, mirrored, erased), and each
BatchNorm layer keeps a moving mean and variance of what it saw, averaged with momentum 0.99 over
the last few hundred steps of a network that was still changing. Faces at test time are not
augmented, so those statistics are a little off for them: a layer normalises them with a mean and
variance they do not have. One pass over the Training faces, un-augmented, in training mode (each
layer normalises by its batch, so no layer's estimate depends on another's) with a cumulative
average gives every layer the statistics of the faces it will read (as torch.optim.swa_utils.
update_bn does after weight averaging). No weight is changed and PublicTest is only measured,
never used to estimate.

    .venv/bin/python -m training.face_batchnorm IN.keras OUT.keras [--batch-size 256]

prints one JSON line: PublicTest accuracy over the mirrored views before and after.
"""
import argparse
import json
from pathlib import Path

import numpy as np

from emotion.face_network import prepare_faces
from training.train_face import load_split


def layers_of(network, kind) -> list:
    """Every layer of ``kind`` in ``network``, nested models included."""
    found = []
    for layer in network.layers:
        if isinstance(layer, kind):
            found.append(layer)
        elif hasattr(layer, "layers"):
            found += layers_of(layer, kind)
    return found


def reestimate_batchnorm(network, faces: np.ndarray, batch_size: int = 256) -> int:
    """Set every BatchNorm layer's moving mean and variance to the mean of its batch statistics
    over ``faces`` (uint8, (N, 48, 48)), each batch weighted by its size; returns the layers set.
    Dropout is switched off meanwhile, so that the layers after it see what inference shows them."""
    import keras

    norms = layers_of(network, keras.layers.BatchNormalization)
    dropouts = layers_of(network, keras.layers.Dropout)
    saved = ([layer.momentum for layer in norms], [layer.rate for layer in dropouts])
    try:
        for layer in dropouts:
            layer.rate = 0.0
        seen = 0
        for start in range(0, len(faces), batch_size):
            batch = prepare_faces(faces[start:start + batch_size])
            for layer in norms:   # moving = moving * m + batch * (1 - m): a running mean over all faces
                layer.momentum = seen / (seen + len(batch))
            network(batch, training=True)
            seen += len(batch)
    finally:
        for layer, momentum in zip(norms, saved[0]):
            layer.momentum = momentum
        for layer, rate in zip(dropouts, saved[1]):
            layer.rate = rate
    return len(norms)


def mirrored_accuracy(model_file: Path, faces: np.ndarray, labels: np.ndarray) -> float:
    """PublicTest accuracy of a saved network over the face and its mirror image, read as
    training.face_ensemble reads networks."""
    from training.face_ensemble import member_probabilities

    return round(float(np.mean(member_probabilities(model_file, "flip", faces).argmax(axis=1) == labels)), 4)


def recalibrate(source: Path, target: Path, batch_size: int = 256) -> dict:
    import keras

    if not Path(source).is_file():
        raise SystemExit(f"no network at {source}")
    network = keras.models.load_model(source, compile=False)
    layers = reestimate_batchnorm(network, load_split("Training")[0], batch_size)
    network.save(target)
    faces, labels = load_split("PublicTest")
    return {"network": str(source), "saved": str(target), "batchnorm_layers": layers,
            "publictest_flip_before": mirrored_accuracy(source, faces, labels),
            "publictest_flip_after": mirrored_accuracy(target, faces, labels)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args()
    print(json.dumps(recalibrate(args.source, args.target, args.batch_size)))


if __name__ == "__main__":
    main()
