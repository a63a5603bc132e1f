"""The face ensemble (issue 19: at least 70 % on PublicTest): measure networks side by side, ship a
network as an ensemble member, and measure what the full video analysis serves.

    .venv/bin/python -m training.face_ensemble MODEL.keras [MODEL.keras ...] [--views flip flip_warps] [--limit N]
    .venv/bin/python -m training.face_ensemble --ship RUN    # training/runs/face/RUN/best.keras -> models/face/member_N.keras
    .venv/bin/python -m training.face_ensemble --ship RUN --replace member_2.keras   # ... in that member's place
    .venv/bin/python -m training.face_ensemble --measure     # re-measure the served reading only

The first form prints a markdown table (each network alone, and the mean of them) and ships
nothing. ``--ship`` copies the run's best epoch beside the served network as the next
``member_N.keras`` (weights only), exports its int8 TFLite copy (training.export_face_lite
--int8: ~3x faster than float, same accuracy within 0.1 point; the served network's too when it
has none), measures the ensemble with it, and only then lists it in ``members.json`` (with its
run's record): the list is what the product reads (emotion.face_network.ensemble_members).
``metrics.json`` gets "served" (the networks read as videos read faces, each over 4 views
through the copies videos read: emotion.face_network.EnsembleReader; the figure the product
shows) and "ensemble" (each network alone and their mean, with Keras, over the mirrored views
and over the 4 views), and confusion_matrix.png is redrawn; the served reading's temperature
(emotion.face_calibration) is fitted anew on the same probabilities and written to
``calibration.json`` for these networks and views. After re-exporting a copy, run
``--measure``. ``--replace NAME`` ships the run in place of a listed member (e.g. a network
distilled from it): the ensemble is measured without that member, and the member is unlisted and
its files deleted only then (git keeps them).
training.face_report measures the served reading the same way whenever it ships a new served
network.

Members are weighted equally: weights tuned on PublicTest would be chosen on the faces they are
measured on.
"""
import argparse
import json
import re
from pathlib import Path

import numpy as np

from emotion.face_calibration import CALIBRATION_FILE, reading_of, tempered, weights_of
from emotion.face_lite import lite_network_for
from emotion.face_network import (FACE_CLASSES, MEMBERS_LIST, TTA_VIEWS, WARPS, EnsembleFaceModel,
                                  FaceEmotionModel, ensemble_members, warped)
from training.calibration import calibration, temperature_for
from training.evaluate_face import scores
from training.face_confusion import confusion, draw_confusion
from training.train_face import MODEL_DIR, RUNS, load_split


def member_probabilities(model_file: Path, views: str, faces: np.ndarray) -> np.ndarray:
    return read_in_batches(FaceEmotionModel(model_file, views=views), faces)


def read_in_batches(model: FaceEmotionModel, faces: np.ndarray) -> np.ndarray:
    return np.concatenate([model.predict(faces[start:start + 512]) for start in range(0, len(faces), 512)])


def mirrored_readings(model_file: Path, views: list[np.ndarray]) -> list[np.ndarray]:
    """A network's (Keras) probabilities over each of ``views`` (arrays of faces) with its mirror
    image, from one load."""
    model = FaceEmotionModel(model_file, views="flip")
    return [read_in_batches(model, faces) for faces in views]


def flip_and_warp_readings(model_file: Path, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A network's (Keras) probabilities over the mirrored views, and over those and its WARPS'
    ("flip_warps"), from one load and one pass over each view."""
    flip, *warps = mirrored_readings(model_file, [faces, *(warped(faces, *warp) for warp in WARPS)])
    return flip, np.mean([flip, *warps], axis=0)


def compare(networks: list[Path], views_list: list[str], limit: int) -> None:
    faces, labels = load_split("PublicTest")
    if limit:
        faces, labels = faces[:limit], labels[:limit]
    print(f"FER2013 PublicTest, n = {len(labels)}; networks weighted equally")
    print("| network | " + " | ".join(f"{views} accuracy | {views} macro-F1" for views in views_list) + " |")
    print("|---" * (1 + 2 * len(views_list)) + "|")
    readings = {views: [member_probabilities(path, views, faces) for path in networks] for views in views_list}
    rows = [(str(path), [readings[views][i] for views in views_list]) for i, path in enumerate(networks)]
    rows.append((f"mean of the {len(networks)}", [np.mean(readings[views], axis=0) for views in views_list]))
    for name, probabilities in rows:
        cells = [scores(labels, p.argmax(1)) for p in probabilities]
        print(f"| {name} | " + " | ".join(f"{c['accuracy']:.4f} | {c['macro_f1']:.4f}" for c in cells) + " |")


def member_records(model_dir: Path = MODEL_DIR) -> dict:
    """members.json: each listed member's run, settings and history (metrics.json is rewritten on shipping)."""
    listing = model_dir / MEMBERS_LIST
    return json.loads(listing.read_text()) if listing.exists() else {}


def next_member_file(model_dir: Path = MODEL_DIR) -> Path:
    """member_2.keras for the first member beside model.keras (the served network is the first), then _3, ..."""
    taken = [int(match.group(1)) for path in model_dir.glob("member_*.keras")
             if (match := re.fullmatch(r"member_(\d+)\.keras", path.name))]
    return model_dir / f"member_{max(taken, default=1) + 1}.keras"


def run_record(run: str) -> dict:
    state = json.loads((RUNS / run / "state.json").read_text())
    return {"run": run, "settings": state.get("settings"), "best_epoch": state.get("best_epoch"),
            "epochs_trained": state["epoch"], "planned_epochs": state.get("planned_epochs"),
            "training_hours": round(state["seconds"] / 3600, 2), "validated_accuracy": round(state["best"], 4),
            "history": [{"epoch": h["epoch"], "val_acc": round(h["val_acc"], 4)} for h in state["history"]]}


def export_int8(model_file: Path) -> dict:
    from training.export_face_lite import export

    return export(model_file, load_split("PublicTest")[0][:512], "the first 512 FER2013 PublicTest faces", int8=True)


def ship_member(run: str, model_file: Path = MODEL_DIR / "model.keras", replace: str | None = None) -> dict:
    """Copy a run's best epoch (weights only) beside the served network with its TFLite copy,
    measure the ensemble with it (in the ``replace``d member's place, without that member), then
    list it: until that step the product does not read it. A replaced member's files are
    deleted last (git keeps them)."""
    import keras

    records = member_records(model_file.parent)
    if replace is not None and replace not in records:
        raise SystemExit(f"{replace} is not a listed member ({', '.join(records) or 'none listed'})")
    member_file = next_member_file(model_file.parent)
    keras.models.load_model(RUNS / run / "best.keras", compile=False).save(member_file)
    export_int8(member_file)
    if lite_network_for(model_file, quantised=True) is None:   # the served network's extra views
        export_int8(model_file)
    record = {**run_record(run), **({"replaced": replace} if replace else {})}
    records = listed_with(records, member_file.name, record, replace)
    metrics = served_metrics(model_file, (model_file, *(model_file.parent / name for name in records)), records)
    (model_file.parent / MEMBERS_LIST).write_text(json.dumps(records, indent=1) + "\n")
    write_served(model_file, metrics)
    if replace is not None:
        for old in model_file.parent.glob(f"{Path(replace).stem}.*"):   # its .keras and TFLite copies
            old.unlink()
    return metrics


def listed_with(records: dict, name: str, record: dict, replace: str | None) -> dict:
    """members.json's records with ``name`` added last, or in the place of ``replace``."""
    if replace is None:
        return {**records, name: record}
    return {(name if listed == replace else listed): (record if listed == replace else kept)
            for listed, kept in records.items()}


def measure_served(model_file: Path = MODEL_DIR / "model.keras") -> dict:
    """Measure what videos are read with (the served network and its listed members) and write it."""
    metrics = served_metrics(model_file, (model_file, *ensemble_members(model_file)), member_records(model_file.parent))
    write_served(model_file, metrics)
    return metrics


def served_metrics(model_file: Path, files: tuple[Path, ...], records: dict) -> dict:
    """metrics.json beside ``model_file`` with "served" (``files`` read as videos read faces,
    emotion.face_network.EnsembleFaceModel: the served network's float32 copy, the int8 copies
    and the extra views; on PublicTest, with its confusion matrix) and "ensemble" (each network
    alone and the mean of them, read with Keras over the mirrored views and over the video
    analysis's 4 views) measured anew."""
    metrics = json.loads((model_file.parent / "metrics.json").read_text())
    images, labels = load_split("PublicTest")
    reader = EnsembleFaceModel(model_file, files=files, temperature=1.0)   # fitted anew below
    probabilities = reader.predict(images)
    predicted = probabilities.argmax(axis=1)   # the temperature never changes which emotion is read
    readings = [flip_and_warp_readings(path, images) for path in files]
    by_views = {"flip": [flip for flip, _ in readings], "flip_warps": [warps for _, warps in readings]}
    runs = [records.get(path.name, {}).get("run", path.stem) for path in files[1:]]
    metrics["served"] = {"views": "flip_warps", "networks": [path.name for path in files],
                         "name": " + ".join([metrics.get("run", "face"), *runs]),
                         **scores(labels, predicted), "confusion": confusion(labels, predicted).tolist(),
                         "calibration": fitted_calibration(probabilities, labels)}
    metrics["live_calibration"] = live_calibration(by_views["flip"][0], labels)
    served_alone = by_views["flip_warps"][0].argmax(axis=1)   # the served network's row of face_report's table
    metrics["flip_warps"] = {**scores(labels, served_alone), "confusion": confusion(labels, served_alone).tolist()}
    ensemble = reader.reader
    read_with = [f"{ensemble.served.read_with} (the face), {ensemble.served_views.read_with} (other views)",
                 *(member.read_with for member in ensemble.members)]
    alone = {path.name: {**records.get(path.name, {"run": metrics.get("run")}), "read_with": read_with[i],
                         **{f"{views}_accuracy": round(scores(labels, p[i].argmax(1))["accuracy"], 4)
                            for views, p in by_views.items()}}
             for i, path in enumerate(files)}
    metrics["ensemble"] = {"networks": alone, **{f"mean_{views}": scores(labels, np.mean(p, axis=0).argmax(1))
                                                 for views, p in by_views.items()}}
    return metrics


def fitted_calibration(probabilities: np.ndarray, labels: np.ndarray, seed: int = 0) -> dict:
    """The temperature videos read faces with (emotion.face_calibration), fitted by log loss on all
    of ``labels``, and how well calibrated the reading is before and after. The honest "after" is
    ``held_out_halves``: a temperature fitted on one seeded half of the faces, measured on the
    other, both ways."""
    halves = np.array_split(np.random.default_rng(seed).permutation(len(labels)), 2)
    held_out = []
    for fit, measure in (halves, halves[::-1]):
        temperature = temperature_for(probabilities[fit], labels[fit])
        held_out.append({"temperature": round(temperature, 4),
                         "before": calibration(labels[measure], probabilities[measure]),
                         "after": calibration(labels[measure], tempered(probabilities[measure], temperature))})
    temperature = temperature_for(probabilities, labels)
    return {"temperature": round(temperature, 4), "fitted_on": "FER2013 PublicTest (log loss)", "bins": 10,
            "before": calibration(labels, probabilities), "after": calibration(labels, tempered(probabilities, temperature)),
            "held_out_halves": held_out}


def live_calibration(probabilities: np.ndarray, labels: np.ndarray) -> dict:
    """How well calibrated the live overlay's reading is (the served network alone over the face
    and its mirror image), and what its best temperature would make of it: no temperature is
    applied to it (models/face/MODEL_CARD.md, "Calibration")."""
    temperature = temperature_for(probabilities, labels)
    return {"views": "flip", **calibration(labels, probabilities), "best_temperature": round(temperature, 4),
            "with_best_temperature": calibration(labels, tempered(probabilities, temperature))}


def write_served(model_file: Path, metrics: dict) -> None:
    """metrics.json, the served reading's calibration.json (what emotion.face_calibration applies)
    and confusion_matrix.png."""
    (model_file.parent / "metrics.json").write_text(json.dumps(metrics, indent=1))
    served = metrics["served"]
    fitted = {key: served["calibration"][key] for key in ("temperature", "fitted_on", "before", "after")}
    files = [model_file.parent / name for name in served["networks"]]
    (model_file.parent / CALIBRATION_FILE).write_text(
        json.dumps({**reading_of(files, WARPS), "sha256": weights_of(files), **fitted}, indent=1) + "\n")
    count = len(served["networks"])
    title = (f"PublicTest (n={int(np.sum(served['confusion']))}), {count} network{'s' if count > 1 else ''}, "
             f"accuracy {served['accuracy']:.3f}, macro-F1 {served['macro_f1']:.3f}")
    draw_confusion(np.array(served["confusion"]), model_file.parent / "confusion_matrix.png", title)


def served_markdown(metrics: dict) -> str:
    """The card's ensemble tables, generated so they always match metrics.json."""
    served, ensemble = metrics["served"], metrics["ensemble"]
    lines = ["| network | copy videos read its probabilities with | flip accuracy (Keras) | 4-view accuracy (Keras) |",
             "|---|---|---|---|"]
    lines += [f"| {name} ({record.get('run')}) | {record.get('read_with', 'keras')} | {record['flip_accuracy']:.4f} | "
              f"{record['flip_warps_accuracy']:.4f} |" for name, record in ensemble["networks"].items()]
    lines += [f"| mean of the {len(served['networks'])} (Keras) | | {ensemble['mean_flip']['accuracy']:.4f} | "
              f"{ensemble['mean_flip_warps']['accuracy']:.4f} |",
              f"| **mean of the {len(served['networks'])} as videos read them (served)** | | | **{served['accuracy']:.4f}** |",
              "", "| class | recall | F1 |", "|---|---|---|"]
    lines += [f"| {name} | {v['recall']:.3f} | {v['f1']:.3f} |" for name, v in served["per_class"].items()]
    lines += ["", "Confusion matrix of the served reading (rows: true class, columns: predicted), counts:", "",
              "| | " + " | ".join(FACE_CLASSES) + " |", "|---" * (len(FACE_CLASSES) + 1) + "|"]
    lines += [f"| {name} | " + " | ".join(str(c) for c in row) + " |" for name, row in zip(FACE_CLASSES, served["confusion"])]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("networks", type=Path, nargs="*", help=".keras files (bare networks) to compare")
    parser.add_argument("--views", nargs="+", choices=TTA_VIEWS, default=["flip", "flip_warps"])
    parser.add_argument("--limit", type=int, default=0, help="the first N PublicTest faces only (0: all)")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--ship", metavar="RUN", help="ship this run's best epoch as the next ensemble member")
    action.add_argument("--measure", action="store_true", help="re-measure the served reading")
    parser.add_argument("--replace", metavar="MEMBER", help="with --ship: in place of this listed member (e.g. member_2.keras)")
    args = parser.parse_args()
    if args.replace and not args.ship:
        parser.error("--replace goes with --ship")
    if (args.ship or args.measure) and args.networks:
        parser.error("--ship and --measure take no model files")
    if args.ship and not (RUNS / args.ship / "best.keras").is_file():
        parser.error(f"no such run: {RUNS / args.ship / 'best.keras'}")
    if args.ship or args.measure:
        metrics = ship_member(args.ship, replace=args.replace) if args.ship else measure_served()
        print(served_markdown(metrics))
        print(json.dumps({"served_accuracy": metrics["served"]["accuracy"], "networks": metrics["served"]["networks"]}))
        return
    missing = [str(path) for path in args.networks if not path.is_file()]
    if missing or not args.networks:
        parser.error(f"no such model file: {', '.join(missing)}" if missing else "name the .keras files to compare")
    compare(args.networks, args.views, args.limit)


if __name__ == "__main__":
    main()
