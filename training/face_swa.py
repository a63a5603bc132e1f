"""Stochastic weight averaging (Izmailov et al. 2018) of a trained face network.

A network at the end of its cosine schedule sits at one point of a wide, flat valley of the
loss; the average of the points a constant, moderate learning rate visits from there lies nearer
the valley's centre, which generalises better than any single point. From a trained network:
``--epochs`` more epochs of the recipe (augmentation, class weights, the same targets) at a
constant learning rate, the network's weights averaged at the end of each; then the average's
BatchNorm statistics are set on the Training faces (training.face_batchnorm: averaged weights
have no statistics of their own) and PublicTest is measured, never used to choose.

    .venv/bin/python -m training.face_swa --run swa_student48 \\
        --start training/checkpoints/face/student48_s67/best.keras --epochs 8 --lr 3e-4 \\
        --teacher training/checkpoints/face/teacher_3nets_10views.npz --runs-dir training/checkpoints/face
    # cyclical: each epoch's rate falls from 1e-3 to 2e-5, the snapshot taken at its end
    .venv/bin/python -m training.face_swa --run swa_cyc_student48 --lr-high 1e-3 --lr 2e-5 ...

Resumable: each epoch writes the training model (``last.keras``, optimizer state included), the
running average (``average.keras``) and ``state.json`` in the run's folder; the same command
resumes after the last finished epoch (``--stop-after MIN`` stops early). The finished average,
re-estimated, is ``best.keras`` (what training.face_ensemble --ship reads); state.json's
``result`` holds its figures.
"""
import argparse
import json
import logging
import time
from pathlib import Path

import numpy as np

from emotion.face_network import prepare_faces
from training.face_batchnorm import mirrored_accuracy, reestimate_batchnorm
from training.train_face import (LABEL_SMOOTHING, RUNS, class_weights, flip_averaged_accuracy, load_split,
                                 save_atomically, training_model, training_targets)

log = logging.getLogger("face_swa")

# Settings a resumed run must keep.
RUN_SETTINGS = ("start", "epochs", "lr", "lr_high", "batch_size", "seed", "teacher", "teacher_weight")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", required=True)
    parser.add_argument("--start", type=Path, help="the trained network to average from (a new run needs it)")
    parser.add_argument("--epochs", type=int, default=8, help="epochs averaged (one snapshot at the end of each)")
    parser.add_argument("--lr", type=float, default=3e-4, help="the constant Adam learning rate (with --lr-high: "
                        "the rate each epoch ends on, where its snapshot is taken)")
    parser.add_argument("--lr-high", type=float, default=0.0,
                        help="cyclical averaging: each epoch's rate falls linearly from this to --lr (0: constant)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=71)
    parser.add_argument("--teacher", type=Path, help="soft labels (training.face_teacher), as the start was trained")
    parser.add_argument("--teacher-weight", type=float, default=0.7)
    parser.add_argument("--runs-dir", type=Path, default=RUNS)
    parser.add_argument("--stop-after", type=float, default=0, help="stop after this many minutes (0: never)")
    return parser.parse_args(argv)


def run_settings(args) -> dict:
    return {key: str(getattr(args, key)) if isinstance(getattr(args, key), Path) else getattr(args, key)
            for key in RUN_SETTINGS}


def load_state(args, state_file: Path) -> dict:
    """The run's state; on a resume, its settings must be the ones given (or left out)."""
    if not state_file.exists():
        if not args.start or not args.start.is_file():
            raise SystemExit("a new run needs --start, a trained network (.keras)")
        return {"epoch": 0, "averaged": 0, "history": [], "seconds": 0.0, "planned_epochs": args.epochs,
                "settings": run_settings(args)}
    state = json.loads(state_file.read_text())
    defaults = run_settings(parse_args(["--run", args.run]))
    state["settings"] = {**defaults, **state["settings"]}   # a run older than a setting had its default
    for key, given in run_settings(args).items():
        if given != state["settings"][key] and given != defaults[key]:
            raise SystemExit(f"--{key.replace('_', '-')} {given} differs from run {args.run}'s {state['settings'][key]}")
    return state


def averaged(average: list, weights: list, count: int) -> list:
    """The running mean of ``count`` snapshots (``average``) with one more (``weights``)."""
    return [mean + (new - mean) / (count + 1) for mean, new in zip(average, weights)]


def build_or_resume(state: dict, run_dir: Path):
    """(training model, running average network) for the run's next epoch."""
    import keras

    settings = state["settings"]
    if state["epoch"]:
        model = keras.models.load_model(run_dir / "last.keras")
        average = keras.models.load_model(run_dir / "average.keras", compile=False)
        log.info("resuming after epoch %d", state["epoch"])
        return model, average
    start = keras.models.load_model(settings["start"], compile=False)
    average = keras.models.clone_model(start)
    average.set_weights(start.get_weights())
    smoothing = 0.0 if settings["teacher"] else LABEL_SMOOTHING
    model = training_model(start, settings["seed"], "adam", settings["lr"], smoothing)
    return model, average


def training_data(settings: dict) -> dict:
    faces, labels = load_split("Training")
    targets = training_targets(argparse.Namespace(teacher=settings["teacher"] and Path(settings["teacher"]),
                                                  teacher_weight=settings["teacher_weight"]), labels)
    weights = class_weights(labels)
    val_faces, val_labels = load_split("PublicTest")
    return {"x": prepare_faces(faces), "y": targets, "sample_weight": np.array([weights[int(c)] for c in labels], np.float32),
            "faces": faces, "x_val": prepare_faces(val_faces), "y_val": val_labels}


def cyclical_rate(step: int, steps: int, high: float, low: float) -> float:
    """The rate of an epoch's ``step``-th batch: linear from ``high`` at the first to ``low`` at the last."""
    return high + (low - high) * step / max(1, steps - 1)


def cyclical_rate_callback(high: float, low: float, steps: int):
    """A Keras callback setting each batch's rate by :func:`cyclical_rate` (SWA's cyclical schedule:
    snapshots taken where the rate is low, after a high rate has moved the network on)."""
    import keras

    class Cycle(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            self.model.optimizer.learning_rate.assign(cyclical_rate(batch, steps, high, low))

    return Cycle()


def train_epoch(model, average, state: dict, data: dict) -> None:
    """One epoch at the constant rate, then the network's weights joined to the average."""
    started = time.time()
    settings = state["settings"]
    model.optimizer.learning_rate.assign(settings["lr"])
    steps = -(-len(data["x"]) // settings["batch_size"])
    cycle = [cyclical_rate_callback(settings["lr_high"], settings["lr"], steps)] if settings["lr_high"] else []
    fit = model.fit(data["x"], data["y"], sample_weight=data["sample_weight"], batch_size=settings["batch_size"],
                    epochs=1, shuffle=True, verbose=0, callbacks=cycle)
    network = model.layers[-1]
    average.set_weights(averaged(average.get_weights(), network.get_weights(), state["averaged"]))
    state["averaged"] += 1
    state["epoch"] += 1
    state["history"].append({"epoch": state["epoch"], "loss": float(fit.history["loss"][-1]),   # the network's, not the average's
                             "val_acc": flip_averaged_accuracy(network, data["x_val"], data["y_val"]),
                             "seconds": round(time.time() - started, 1)})
    state["seconds"] += state["history"][-1]["seconds"]


def finish(average, state: dict, data: dict, run_dir: Path) -> None:
    """best.keras: the average with its BatchNorm statistics set on the Training faces, measured."""
    save_atomically(average.save, run_dir / "average.keras")
    reestimate_batchnorm(average, data["faces"])
    save_atomically(average.save, run_dir / "best.keras")
    state["result"] = {"snapshots": state["averaged"], "publictest_flip": mirrored_accuracy(
        run_dir / "best.keras", load_split("PublicTest")[0], data["y_val"])}
    # what training.face_ensemble --ship records of a run: its best is the average, after the last epoch
    state["best"], state["best_epoch"] = state["result"]["publictest_flip"], state["epoch"]
    (run_dir / "best.json").write_text(json.dumps({"val_acc": state["best"], "epoch": state["epoch"]}))


def main() -> None:
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    import keras

    run_dir = args.runs_dir / args.run
    run_dir.mkdir(parents=True, exist_ok=True)
    state_file = run_dir / "state.json"
    state = load_state(args, state_file)
    settings = state["settings"]
    if state["epoch"] >= settings["epochs"] and "result" in state:
        raise SystemExit(f"{args.run} has finished: {state['result']}")
    keras.utils.set_random_seed(settings["seed"] + state["epoch"])  # a resume must not replay epoch 1's shuffles
    model, average = build_or_resume(state, run_dir)
    data = training_data(settings)
    began = time.time()
    while state["epoch"] < settings["epochs"]:
        train_epoch(model, average, state, data)
        save_atomically(model.save, run_dir / "last.keras")
        save_atomically(average.save, run_dir / "average.keras")
        save_atomically(lambda path: path.write_text(json.dumps(state, indent=1)), state_file)
        log.info("epoch %d/%d: %s", state["epoch"], settings["epochs"], state["history"][-1])
        if args.stop_after and time.time() - began > args.stop_after * 60 and state["epoch"] < settings["epochs"]:
            log.info("stopping after %.0f minutes; run again to resume", args.stop_after)
            return
    finish(average, state, data, run_dir)
    save_atomically(lambda path: path.write_text(json.dumps(state, indent=1)), state_file)
    log.info("finished: %s", state["result"])


if __name__ == "__main__":
    main()
