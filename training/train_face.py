"""Train the facial-expression CNN on FER2013 (Training rows), validating on PublicTest.

    .venv/bin/python -m training.train_face --run xception_new --epochs 18      # the shipped recipe
    .venv/bin/python -m training.train_face --run vgg32_cw --arch vgg --width 32 --optimizer sgd --epochs 60

Resumable: every epoch writes a checkpoint (model and optimizer state) under
training/runs/face/NAME/; running `--run NAME` again continues from the last finished epoch
with the run's own settings (state.json). The learning-rate schedule is a function of the
epoch, so a resumed run follows the same schedule. `--time-budget MIN` shortens the planned
epochs (never below 5) so that they end within MIN minutes of this invocation, judged from
the last epochs' durations; the plan is kept in the run's state. Ship the best epoch with
`python -m training.face_report --run NAME`. `--init-from models/face/model.keras --run NEW`
starts another learning-rate cycle from the shipped weights (no optimizer state is kept in git).
`--teacher SOFT.npz` (training.face_teacher) trains towards other networks' soft labels mixed
with the true ones (distillation; `--teacher-weight`, default 0.7).

Backend-agnostic Keras (numpy in, augmentation as layers): the same script trains with
TensorFlow on a CPU and with KERAS_BACKEND=torch on a GPU machine that has PyTorch only;
the saved .keras files load under either backend.

Networks:
- vgg: VGG-style stages of two 3x3 conv-BN-ReLU layers and a max-pool (widths w, 2w, 4w, 8w),
  global average pooling, one dense layer (after Khaireddin & Chen 2021, narrowed so a
  flip-averaged face costs ~15 ms on 2 CPU cores).
- xception (the default, and what ships): the design's Xception-style network
  (depthwise-separable residual blocks, as in mini-Xception by Arriaga et al. 2017); per CPU-hour
  it measured more accurate than the VGG-style one here (see models/face/MODEL_CARD.md).
"""
import argparse
import json
import logging
import math
import os
import time
from pathlib import Path

import numpy as np

from emotion.face_network import FACE_CLASSES, FACE_SIZE, prepare_faces

log = logging.getLogger("train_face")

REPO = Path(__file__).resolve().parent.parent
DATASETS = Path(os.environ.get("POISE_DATASETS", REPO.parent / "shared" / "datasets"))
FER_FILE = DATASETS / "face" / "fer2013_train_publictest.npz"
RUNS = REPO / "training" / "runs" / "face"
MODEL_DIR = REPO / "models" / "face"

WARMUP_EPOCHS = 2
PEAK_LEARNING_RATE = {"sgd": 0.04, "adam": 2e-3}
LABEL_SMOOTHING = 0.1


def build_vgg(width: int, input_shape=(FACE_SIZE, FACE_SIZE, 1), num_classes=len(FACE_CLASSES)):
    import keras
    from keras import layers

    inputs = keras.Input(shape=input_shape)
    x = inputs
    for filters in (width, 2 * width, 4 * width, 8 * width):
        for _ in range(2):
            x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
            x = layers.BatchNormalization()(x)
            x = layers.Activation("relu")(x)
        x = layers.MaxPooling2D(2)(x)
        x = layers.Dropout(0.2)(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(32 * width // 6, activation="relu")(x)
    x = layers.Dropout(0.4)(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name=f"vgg{width}_fer")


def build_xception(width: int = 32, input_shape=(FACE_SIZE, FACE_SIZE, 1), num_classes=len(FACE_CLASSES)):
    """Two plain convs, then separable residual blocks (w, 2w, 4w, 8w), global pooling."""
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
    x = conv_bn(inputs, width)
    x = conv_bn(x, width)
    for filters in (width, 2 * width, 4 * width, 8 * width):
        x = separable_block(x, filters)
    x = layers.SeparableConv2D(8 * width, 3, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.4)(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="xception_fer")


ARCHITECTURES = {"vgg": build_vgg, "xception": build_xception}


def augmenter(seed: int):
    """Zoom 0.2, rotation 10 degrees, shifts 0.1, horizontal flips (the design's augmentation)."""
    import keras
    from keras import layers

    return keras.Sequential([
        layers.RandomFlip("horizontal", seed=seed),
        layers.RandomRotation(10 / 360, fill_mode="nearest", seed=seed + 1),
        layers.RandomZoom(0.2, fill_mode="nearest", seed=seed + 2),
        layers.RandomTranslation(0.1, 0.1, fill_mode="nearest", seed=seed + 3),
    ], name="augment")


def training_model(network, seed: int, optimizer: str, peak: float, label_smoothing: float = LABEL_SMOOTHING):
    """The network behind the augmentation layers (active only while training), compiled."""
    import keras

    model = keras.Sequential([keras.Input((FACE_SIZE, FACE_SIZE, 1)), augmenter(seed), network], name="train_fer")
    if optimizer == "sgd":
        opt = keras.optimizers.SGD(peak, momentum=0.9, nesterov=True, weight_decay=5e-4)
    else:
        opt = keras.optimizers.Adam(peak)
    model.compile(optimizer=opt, loss=keras.losses.CategoricalCrossentropy(label_smoothing=label_smoothing),
                  metrics=["accuracy"])
    return model


def load_split(usage: str, source: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    source = Path(source or os.environ.get("POISE_FER_FILE", FER_FILE))
    if source.is_dir():  # a training.fer_pack folder (carried to a GPU machine)
        from training.fer_pack import load

        images, labels, usages = load(source)
    else:
        with np.load(source) as data:
            images, labels, usages = data["images"], data["labels"], data["usage"]
    rows = usages == usage
    return images[rows], labels[rows].astype(np.int64)


def class_weights(labels: np.ndarray) -> dict[int, float]:
    """Inverse-frequency weights, square-rooted so rare disgust is helped without swamping."""
    counts = np.bincount(labels, minlength=len(FACE_CLASSES)).astype(float)
    weights = np.sqrt(counts.sum() / (len(counts) * counts))
    return {i: float(w / weights.mean()) for i, w in enumerate(weights)}


def learning_rate(epoch: int, total_epochs: int, peak: float) -> float:
    """Linear warm-up, then cosine decay to 1 % of the peak at the last epoch."""
    if epoch < WARMUP_EPOCHS:
        return peak * (epoch + 1) / WARMUP_EPOCHS
    progress = (epoch - WARMUP_EPOCHS) / max(1, total_epochs - 1 - WARMUP_EPOCHS)
    return peak * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


def flip_averaged_accuracy(network, faces: np.ndarray, labels: np.ndarray) -> float:
    """Validation as served: the mean of each face's and its mirror image's probabilities."""
    probabilities = network.predict(faces, batch_size=512, verbose=0)
    probabilities = probabilities + network.predict(faces[:, :, ::-1], batch_size=512, verbose=0)
    return float((probabilities.argmax(1) == labels).mean())


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", default="xception_cw")
    parser.add_argument("--arch", choices=sorted(ARCHITECTURES), default="xception")
    parser.add_argument("--width", type=int, default=32, help="filters of the first stage")
    parser.add_argument("--optimizer", choices=sorted(PEAK_LEARNING_RATE), default="adam")
    parser.add_argument("--epochs", type=int, default=60, help="planned epochs (the schedule's length)")
    parser.add_argument("--peak-lr", type=float, default=0.0,
                        help="the schedule's peak learning rate (0: the optimizer's default, "
                             f"{PEAK_LEARNING_RATE}); lower it for a cycle that starts from trained weights")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--no-class-weights", action="store_true")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--time-budget", type=float, default=0,
                        help="minutes: plan as many epochs (at most --epochs) as fit, from the first epoch's time")
    parser.add_argument("--stop-after", type=float, default=0, help="stop after this many minutes (0: never); resume later")
    parser.add_argument("--runs-dir", type=Path, default=RUNS)
    parser.add_argument("--init-from", type=Path,
                        help="start a new run from these network weights (e.g. models/face/model.keras) instead "
                             "of random ones: another learning-rate cycle for a model trained in an earlier session")
    parser.add_argument("--teacher", type=Path,
                        help="distil: train towards these soft labels (training.face_teacher) mixed with the "
                             "true labels, instead of the smoothed true labels alone")
    parser.add_argument("--teacher-weight", type=float, default=0.7,
                        help="with --teacher, the soft labels' share of each target (the true label's: the rest)")
    return parser.parse_args(argv)


DEFAULTS = vars(parse_args([]))


# Settings a resumed run must keep: they shape the optimiser, the loss and the schedule.
RUN_SETTINGS = ("arch", "width", "optimizer", "epochs", "peak_lr", "batch_size", "no_class_weights", "seed",
                "init_from", "teacher", "teacher_weight")


def peak_learning_rate(args) -> float:
    return args.peak_lr or PEAK_LEARNING_RATE[args.optimizer]


def new_state(args) -> dict:
    import keras

    settings = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items() if k in RUN_SETTINGS}
    return {"epoch": 0, "history": [], "best": 0.0, "seconds": 0.0, "planned_epochs": args.epochs,
            "settings": {**settings, "backend": keras.backend.backend()}}


def resumed_settings(args, state: dict):
    """The run's own settings on a resume; a differing command-line value is an error."""
    if "planned_epochs" not in state or "settings" not in state:
        raise SystemExit(f"{args.run} was written by an older train_face; start a new --run "
                         "(or --init-from its best.keras)")
    for key in RUN_SETTINGS:
        given = str(getattr(args, key)) if isinstance(getattr(args, key), Path) else getattr(args, key)
        stored = state["settings"].get(key, DEFAULTS.get(key))   # a run older than the setting had its default
        if given != stored and given != DEFAULTS.get(key):
            raise SystemExit(f"--{key.replace('_', '-')} {given} differs from run {args.run}'s "
                             f"{stored}; resume without it or start a new --run")
    return argparse.Namespace(**{**vars(args), **{k: v for k, v in state["settings"].items() if k in RUN_SETTINGS}})


def save_atomically(save, path: Path) -> None:
    """Write through a temporary file so a kill mid-save never leaves a truncated file."""
    temporary = path.with_name(f".{path.stem}.tmp{path.suffix}")
    save(temporary)
    os.replace(temporary, path)


def replan(state: dict, args, started: float) -> None:
    """With --time-budget: fit the remaining epochs into what is left of it (never grows the plan)."""
    if not args.time_budget:
        return
    recent = [h["seconds"] for h in state["history"][-3:]]
    left = args.time_budget * 60 - (time.time() - started)
    fitting = state["epoch"] + max(0, int(left / (1.05 * float(np.mean(recent)))))
    planned = max(WARMUP_EPOCHS + 3, min(state["planned_epochs"], fitting))
    if planned != state["planned_epochs"]:
        log.info("planning %d epochs for a %.1f-minute budget", planned, args.time_budget)
        state["planned_epochs"] = planned


def build_or_resume(args, state: dict, checkpoint: Path):
    import keras

    if checkpoint.exists():
        model = keras.models.load_model(checkpoint)
        if model.name != "train_fer":
            raise SystemExit(f"{checkpoint} is not a train_face checkpoint of this version; start a new --run")
        log.info("resuming after epoch %d (best val acc %.4f)", state["epoch"], state["best"])
        return model
    if args.init_from:
        network = keras.models.load_model(args.init_from, compile=False)
        state["settings"]["network"] = network.name
        log.info("starting from the weights in %s (%s)", args.init_from, network.name)
    else:
        network = ARCHITECTURES[args.arch](args.width)
    # soft labels already spread each target over the classes the teacher confuses
    smoothing = 0.0 if args.teacher else LABEL_SMOOTHING
    return training_model(network, args.seed, args.optimizer, peak_learning_rate(args), smoothing)


def train_one_epoch(model, state: dict, data: dict, args) -> dict:
    network = model.layers[-1]  # the wrapper's last layer is the bare network (what ships)
    epoch = state["epoch"]
    rate = learning_rate(epoch, state["planned_epochs"], peak_learning_rate(args))
    model.optimizer.learning_rate.assign(rate)
    started = time.time()
    fit = model.fit(data["x"], data["y"], sample_weight=data["sample_weight"], batch_size=args.batch_size,
                    epochs=1, shuffle=True, verbose=0)
    val_acc = flip_averaged_accuracy(network, data["x_val"], data["y_val"])
    return {"epoch": epoch + 1, "loss": float(fit.history["loss"][-1]), "train_acc": float(fit.history["accuracy"][-1]),
            "val_acc": val_acc, "lr": rate, "seconds": round(time.time() - started, 1)}


def save_best(network, result: dict, run_dir: Path) -> None:
    """best.keras, its score claimed first in best.json: a kill between the two files then keeps
    an older best.keras rather than letting a later, worse epoch overwrite a better one (the
    epoch is replayed from last.keras on resume, and state.json still holds the older best)."""
    claim = {"val_acc": result["val_acc"], "epoch": result["epoch"]}
    save_atomically(lambda path: path.write_text(json.dumps(claim)), run_dir / "best.json")
    save_atomically(network.save, run_dir / "best.keras")


def adopt_saved_best(state: dict, run_dir: Path) -> dict:
    """The state with the best score of best.json when that is higher (see :func:`save_best`)."""
    claim_file = run_dir / "best.json"
    if claim_file.exists():
        claim = json.loads(claim_file.read_text())
        if claim["val_acc"] > state["best"]:
            state = {**state, "best": claim["val_acc"], "best_epoch": claim["epoch"]}
    return state


def load_teacher(path: Path, labels: np.ndarray) -> np.ndarray:
    """The soft labels training.face_teacher wrote to ``path``; SystemExit when they were made for
    other faces."""
    if not Path(path).is_file():
        raise SystemExit(f"no soft labels at {path}: write them with python -m training.face_teacher")
    with np.load(path) as data:
        probabilities, made_for = data["probabilities"], data["labels"]
    if not np.array_equal(made_for, labels):
        raise SystemExit(f"{path} holds soft labels for other faces than these {len(labels)} Training faces")
    return probabilities


def training_targets(args, labels: np.ndarray) -> np.ndarray:
    """One-hot true labels; with a teacher, mixed with its soft labels."""
    true = np.eye(len(FACE_CLASSES), dtype=np.float32)[labels]
    if not args.teacher:
        return true
    if not 0.0 < args.teacher_weight <= 1.0:
        raise SystemExit("--teacher-weight must be in (0, 1]")
    log.info("distilling: %.2f of each target from %s", args.teacher_weight, args.teacher)
    return (args.teacher_weight * load_teacher(args.teacher, labels) + (1 - args.teacher_weight) * true).astype(np.float32)


def training_data(args) -> dict:
    x_train, y_train = load_split("Training")
    x_val, y_val = load_split("PublicTest")
    weights = None if args.no_class_weights else class_weights(y_train)
    log.info("train %d, val %d, class weights %s", len(y_train), len(y_val), weights)
    return {"x": prepare_faces(x_train), "y": training_targets(args, y_train),
            "sample_weight": np.array([weights[int(label)] for label in y_train], np.float32) if weights else None,
            "x_val": prepare_faces(x_val), "y_val": y_val}


def main() -> None:
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    import keras

    run_dir = args.runs_dir / args.run
    run_dir.mkdir(parents=True, exist_ok=True)
    state_file, checkpoint = run_dir / "state.json", run_dir / "last.keras"
    if state_file.exists():
        state = adopt_saved_best(json.loads(state_file.read_text()), run_dir)
        args = resumed_settings(args, state)
    else:
        state = new_state(args)
    # Seeded by epoch too: a resumed run must not replay epoch 1's shuffles and augmentations
    # (the augmentation layers' random state is not saved in the checkpoint).
    keras.utils.set_random_seed(args.seed + state["epoch"])
    model = build_or_resume(args, state, checkpoint)
    data = training_data(args)
    started = time.time()
    while state["epoch"] < state["planned_epochs"]:
        result = train_one_epoch(model, state, data, args)
        state["history"].append(result)
        state["seconds"] += result["seconds"]
        if result["val_acc"] > state["best"]:
            state["best"], state["best_epoch"] = result["val_acc"], result["epoch"]
            save_best(model.layers[-1], result, run_dir)
        save_atomically(model.save, checkpoint)
        state["epoch"] = result["epoch"]
        replan(state, args, started)
        save_atomically(lambda path: path.write_text(json.dumps(state, indent=1)), state_file)
        log.info("epoch %d/%d loss %.3f train %.3f val %.4f (best %.4f) lr %.4f %.0fs", result["epoch"],
                 state["planned_epochs"], result["loss"], result["train_acc"], result["val_acc"], state["best"],
                 result["lr"], result["seconds"])
        if args.stop_after and time.time() - started > args.stop_after * 60:
            log.info("stopping after %.0f minutes; run again to resume", args.stop_after)
            return


if __name__ == "__main__":
    main()
