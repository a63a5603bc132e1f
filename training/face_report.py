"""Ship the best face checkpoint: copy it to models/face/ and measure it on PublicTest.

    .venv/bin/python -m training.face_report --run NAME [--force]   # refuses a run below the shipped model
    .venv/bin/python -m training.face_report --compare RUN [RUN ...]   # ships nothing

Writes models/face/model.keras (weights only, no optimizer state), metrics.json (accuracy,
macro-F1, per-class figures and confusion matrix for each test-time augmentation in
emotion.face_network.TTA_VIEWS; "served": what videos are read with, this network and any ensemble
members beside it (member_*.keras), each over 4 views, measured by
training.face_ensemble.measure_served; training settings and history), confusion_matrix.png (the
served reading), and the two TFLite copies the video analysis reads faces with
(training.export_face_lite: float32 for the face itself, int8 for its other views).
"""
import argparse
import json


from emotion.face_network import FACE_CLASSES, SERVED_VIEWS, SHIFT_PIXELS, TTA_VIEWS, FaceEmotionModel
from training.evaluate_face import predict_all, scores
from training.face_confusion import confusion
from training.face_ensemble import measure_served, served_markdown
from training.export_face_lite import export as export_lite
from training.train_face import MODEL_DIR, REPO, RUNS, load_split


def compare(runs: list[str]) -> None:
    """Side by side, ship nothing: each run's best epoch on PublicTest (flip views, as validated
    during training), with per-class recall, e.g. to show what class weights do."""
    images, labels = load_split("PublicTest")
    print("| run | best epoch | accuracy | macro-F1 | " + " | ".join(f"{c} recall" for c in FACE_CLASSES) + " |")
    print("|---" * (4 + len(FACE_CLASSES)) + "|")
    for run in runs:
        state = json.loads((RUNS / run / "state.json").read_text())
        predicted = predict_all(FaceEmotionModel(RUNS / run / "best.keras", views="flip"), images)
        result = scores(labels, predicted)
        print(f"| {run} | {state.get('best_epoch')} of {state['epoch']} | {result['accuracy']:.4f} | {result['macro_f1']:.4f} | "
              + " | ".join(f"{result['per_class'][c]['recall']:.3f}" for c in FACE_CLASSES) + " |")


def earlier_cycles(state: dict, run: str) -> list[dict]:
    """The cycles behind a run started ``--init-from`` the shipped weights: the shipped model's own
    earlier cycles plus itself, so the card can give the whole training time."""
    init_from = (state.get("settings") or {}).get("init_from")
    shipped_file = MODEL_DIR / "metrics.json"
    if not init_from or not shipped_file.exists():
        return []
    if (REPO / init_from).resolve() != (MODEL_DIR / "model.keras").resolve():  # REPO / absolute = absolute
        return []
    shipped = json.loads(shipped_file.read_text())
    if shipped.get("run") == run:  # shipping the same run again
        return shipped.get("earlier_cycles", [])
    return [*shipped.get("earlier_cycles", []),
            {"run": shipped["run"], "epochs_trained": shipped["epochs_trained"],
             "training_hours": shipped["training_hours"], "served_accuracy": shipped[SERVED_VIEWS]["accuracy"]}]


def worse_than_shipped(state: dict, run: str) -> str | None:
    """Why shipping this run would make the product worse, or None: the shipped network alone
    (the live overlay's views; an ensemble's other members and views aside) read better. Training
    validates with the mirrored-face average; that is the served view whenever SERVED_VIEWS is "flip"."""
    shipped_file = MODEL_DIR / "metrics.json"
    if SERVED_VIEWS != "flip" or not shipped_file.exists():
        return None
    shipped = json.loads(shipped_file.read_text())
    accuracy = shipped.get(SERVED_VIEWS, {}).get("accuracy")
    if accuracy is not None and shipped.get("run") != run and state.get("best", 0.0) < accuracy:
        return (f"{run}'s best epoch validated at {state.get('best', 0.0):.4f}, below the shipped "
                f"{shipped.get('run')} ({accuracy:.4f})")
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--run", help="ship this run's best epoch")
    which.add_argument("--compare", nargs="+", metavar="RUN", help="print these runs side by side; ship nothing")
    parser.add_argument("--force", action="store_true", help="ship even if it validated below the shipped model")
    args = parser.parse_args()
    if args.compare:
        return compare(args.compare)

    import keras

    run_dir = RUNS / args.run
    state = json.loads((run_dir / "state.json").read_text())
    refusal = worse_than_shipped(state, args.run)
    if refusal and not args.force:
        raise SystemExit(refusal + "; nothing shipped (--force ships it anyway)")
    lineage = earlier_cycles(state, args.run)  # read before the shipped files are replaced
    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    model_file = MODEL_DIR / "model.keras"
    keras.models.load_model(run_dir / "best.keras", compile=False).save(model_file)

    images, labels = load_split("PublicTest")
    results = {}
    for views in TTA_VIEWS:
        predicted = predict_all(FaceEmotionModel(model_file, views=views), images)
        results[views] = {**scores(labels, predicted), "confusion": confusion(labels, predicted).tolist()}
    metrics = {
        "validation": "FER2013 PublicTest", "n": int(len(labels)), "run": args.run,
        "settings": state.get("settings"), "best_epoch": state.get("best_epoch"), "epochs_trained": state["epoch"],
        "training_hours": round(state["seconds"] / 3600, 2), "earlier_cycles": lineage,
        **results, "history": state["history"],
    }
    (MODEL_DIR / "metrics.json").write_text(json.dumps(metrics, indent=1))
    export_lite(model_file, images[:512], "the first 512 FER2013 PublicTest faces")  # the copy videos are read with
    export_lite(model_file, images[:512], "the first 512 FER2013 PublicTest faces", int8=True)  # their extra views
    metrics = measure_served(model_file)  # "served": as videos read faces, with the ensemble's members if any
    print(figures_markdown(metrics))  # the tables for MODEL_CARD.md
    print(served_markdown(metrics))
    print(json.dumps({k: {"accuracy": metrics[k]["accuracy"], "macro_f1": metrics[k]["macro_f1"]}
                      for k in (*TTA_VIEWS, "served")}))

VIEW_NAMES = {"single": "none", "flip": "mean with the mirrored face",
              "flip_shifts": f"mean of 10 views: the face, 4 diagonal {SHIFT_PIXELS}-px shifts, and their mirror images",
              "flip_warps": "mean of 4 views: the face and the face reduced by 8 %, "
                            "each with its mirror image (how videos are read)"}


def figures_markdown(metrics: dict) -> str:
    """The card's tables for the served network alone, generated so they always match metrics.json."""
    shipped = {"views": SERVED_VIEWS, **metrics[SERVED_VIEWS]}
    lines = [
        f"Validation: {metrics['validation']} (n = {metrics['n']}); best epoch {metrics['best_epoch']} "
        f"of {metrics['epochs_trained']} trained; {metrics['training_hours']} h of training "
        f"(Keras on {(metrics.get('settings') or {}).get('backend', 'tensorflow')}).",
        *(["Started from the weights of earlier cycles: " + "; ".join(
            f"{c['run']} ({c['epochs_trained']} epochs, {c['training_hours']} h, served accuracy {c['served_accuracy']:.4f})"
            for c in metrics["earlier_cycles"]) + f". All cycles: {sum(c['epochs_trained'] for c in metrics['earlier_cycles']) + metrics['epochs_trained']} "
            f"epochs, {sum(c['training_hours'] for c in metrics['earlier_cycles']) + metrics['training_hours']:.2f} h."]
          if metrics.get("earlier_cycles") else []),
        "",
        "| test-time augmentation | accuracy | macro-F1 |", "|---|---|---|",
        *(f"| {VIEW_NAMES[views]}{' (served)' if views == shipped['views'] else ''} | "
          f"{metrics[views]['accuracy']:.4f} | {metrics[views]['macro_f1']:.4f} |" for views in TTA_VIEWS),
        "", "| class | recall | F1 |", "|---|---|---|",
    ]
    lines += [f"| {name} | {v['recall']:.3f} | {v['f1']:.3f} |" for name, v in shipped["per_class"].items()]
    lines += ["", "Confusion matrix (rows: true class, columns: predicted), counts:", "",
              "| | " + " | ".join(FACE_CLASSES) + " |", "|---" * (len(FACE_CLASSES) + 1) + "|"]
    lines += [f"| {name} | " + " | ".join(str(c) for c in row) + " |"
              for name, row in zip(FACE_CLASSES, shipped["confusion"])]
    lines += ["", "Validation accuracy by epoch: " + ", ".join(
        f"{h['epoch']}: {h['val_acc']:.3f}" for h in metrics["history"]), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
