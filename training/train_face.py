"""Train the facial-expression CNN on FER2013 (Training rows), validating on PublicTest.

    .venv/bin/python -m training.train_face --epochs 50 [--no-class-weights] [--run NAME]

Resumable: every epoch writes a checkpoint under training/runs/face/NAME/; running the same
command again continues from the last finished epoch (the learning-rate schedule is a function
of the epoch, so a resumed run follows the same schedule). When it ends, the best epoch's
weights and metrics are written to models/face/.

Network: an Xception-style CNN (depthwise-separable convolutions with residual shortcuts, as
in mini-Xception by Arriaga et al. 2017), widened, because on a 2-core CPU it gives the best
accuracy per CPU-hour of the designs measured in shared/ENVIRONMENT.md.
"""
import argparse
import json
import logging
import math
import os
import time
from pathlib import Path

import numpy as np

from emotion.face import FACE_CLASSES, FACE_SIZE, prepare_faces

log = logging.getLogger("train_face")

REPO = Path(__file__).resolve().parent.parent
DATASETS = Path(os.environ.get("POISE_DATASETS", REPO.parent / "shared" / "datasets"))
FER_FILE = DATASETS / "face" / "fer2013_train_publictest.npz"
RUNS = REPO / "training" / "runs" / "face"
MODEL_DIR = REPO / "models" / "face"

BATCH_SIZE = 64
PEAK_LEARNING_RATE = 2e-3
WARMUP_EPOCHS = 3
BLOCK_WIDTHS = (32, 64, 128, 256)


def build_model(input_shape=(FACE_SIZE, FACE_SIZE, 1), num_classes=len(FACE_CLASSES)):
    """Xception-style: two plain convs, then separable residual blocks, global pooling."""
    import keras
    from keras import layers

    def conv_bn(x, filters, strides=1):
        x = layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        return layers.Activation("relu")(x)

    def separable_block(x, filters):
        shortcut = layers.Conv2D(filters, 1, strides=2, padding="same", use_bias=False)(x)
        shortcut = layers.BatchNormalization()(shortcut)
        for _ in range(2):
            x = layers.SeparableConv2D(filters, 3, padding="same", use_bias=False)(x)
            x = layers.BatchNormalization()(x)
            x = layers.Activation("relu")(x)
        x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
        return layers.Add()([x, shortcut])

    inputs = keras.Input(shape=input_shape)
    x = conv_bn(inputs, 32)
    x = conv_bn(x, 32)
    for width in BLOCK_WIDTHS:
        x = separable_block(x, width)
    x = layers.SeparableConv2D(256, 3, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.4)(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="xception_fer")


def augmenter():
    """Zoom 0.2, rotation 10 degrees, shifts 0.1, horizontal flips (the design's augmentation)."""
    import keras
    from keras import layers

    return keras.Sequential([
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(10 / 360, fill_mode="nearest"),
        layers.RandomZoom(0.2, fill_mode="nearest"),
        layers.RandomTranslation(0.1, 0.1, fill_mode="nearest"),
    ], name="augment")


def load_split(usage: str) -> tuple[np.ndarray, np.ndarray]:
    data = np.load(FER_FILE)
    rows = data["usage"] == usage
    return data["images"][rows], data["labels"][rows].astype(np.int64)


def class_weights(labels: np.ndarray) -> dict[int, float]:
    """Inverse-frequency weights, square-rooted so rare disgust is helped without swamping."""
    counts = np.bincount(labels, minlength=len(FACE_CLASSES)).astype(float)
    weights = np.sqrt(counts.sum() / (len(counts) * counts))
    return {i: float(w / weights.mean()) for i, w in enumerate(weights)}


def learning_rate(epoch: int, total_epochs: int) -> float:
    """Linear warm-up, then cosine decay to 2 % of the peak."""
    if epoch < WARMUP_EPOCHS:
        return PEAK_LEARNING_RATE * (epoch + 1) / WARMUP_EPOCHS
    progress = (epoch - WARMUP_EPOCHS) / max(1, total_epochs - WARMUP_EPOCHS)
    return PEAK_LEARNING_RATE * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * progress)))


def training_dataset(images: np.ndarray, labels: np.ndarray, weights: dict[int, float] | None, seed: int):
    import tensorflow as tf

    augment = augmenter()
    x = prepare_faces(images)
    y = labels
    sample_weight = np.array([weights[int(label)] for label in labels], np.float32) if weights else np.ones(len(labels), np.float32)
    dataset = tf.data.Dataset.from_tensor_slices((x, y, sample_weight)).shuffle(len(y), seed=seed)
    dataset = dataset.batch(BATCH_SIZE).map(
        lambda a, b, w: (augment(a, training=True), b, w), num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--run", default="xception_cw")
    parser.add_argument("--no-class-weights", action="store_true")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--stop-after", type=float, default=0, help="stop after this many minutes (0: never)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    import keras

    keras.utils.set_random_seed(args.seed)
    run_dir = RUNS / args.run
    run_dir.mkdir(parents=True, exist_ok=True)
    x_train, y_train = load_split("Training")
    x_val, y_val = load_split("PublicTest")
    weights = None if args.no_class_weights else class_weights(y_train)
    log.info("train %d, val %d, class weights %s", len(y_train), len(y_val), weights)

    state_file, checkpoint = run_dir / "state.json", run_dir / "last.keras"
    state = json.loads(state_file.read_text()) if state_file.exists() else {"epoch": 0, "history": [], "best": 0.0, "seconds": 0.0}
    if checkpoint.exists():
        model = keras.models.load_model(checkpoint)
        log.info("resuming after epoch %d (best val acc %.4f)", state["epoch"], state["best"])
    else:
        model = build_model()
        model.compile(optimizer=keras.optimizers.Adam(PEAK_LEARNING_RATE),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    dataset = training_dataset(x_train, y_train, weights, args.seed)
    x_val_prepared = prepare_faces(x_val)
    started = time.time()
    for epoch in range(state["epoch"], args.epochs):
        model.optimizer.learning_rate.assign(learning_rate(epoch, args.epochs))
        epoch_start = time.time()
        fit = model.fit(dataset.shuffle(8, seed=args.seed + epoch), epochs=1, verbose=0)
        probabilities = model.predict(x_val_prepared, batch_size=256, verbose=0)
        val_acc = float((probabilities.argmax(1) == y_val).mean())
        seconds = time.time() - epoch_start
        state["seconds"] += seconds
        state["history"].append({"epoch": epoch + 1, "loss": float(fit.history["loss"][-1]),
                                 "train_acc": float(fit.history["accuracy"][-1]), "val_acc": val_acc,
                                 "lr": learning_rate(epoch, args.epochs), "seconds": seconds})
        if val_acc > state["best"]:
            state["best"], state["best_epoch"] = val_acc, epoch + 1
            model.save(run_dir / "best.keras")
        model.save(checkpoint)
        state["epoch"] = epoch + 1
        state_file.write_text(json.dumps(state, indent=1))
        log.info("epoch %d/%d loss %.3f train %.3f val %.4f (best %.4f) %.0fs", epoch + 1, args.epochs,
                 fit.history["loss"][-1], fit.history["accuracy"][-1], val_acc, state["best"], seconds)
        if args.stop_after and time.time() - started > args.stop_after * 60:
            log.info("stopping after %.0f minutes; run again to resume", args.stop_after)
            return


if __name__ == "__main__":
    main()
