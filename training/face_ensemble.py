"""How far an ensemble of face networks reads PublicTest: each member alone and the mean of the
members' probabilities, for each test-time view set (issue 19: at least 70 %).

    .venv/bin/python -m training.face_ensemble MODEL.keras [MODEL.keras ...] [--views flip flip_shifts] [--limit N]

Members are weighted equally: weights tuned on PublicTest would be chosen on the faces they are
measured on. Prints a markdown table (one row per member and one for the ensemble). Ships nothing.
"""
import argparse
from pathlib import Path

import numpy as np

from emotion.face import TTA_VIEWS, FaceEmotionModel
from training.evaluate_face import scores
from training.train_face import load_split


def member_probabilities(model_file: Path, views: str, faces: np.ndarray) -> np.ndarray:
    model = FaceEmotionModel(model_file, views=views)
    return np.concatenate([model.predict(faces[start:start + 512]) for start in range(0, len(faces), 512)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("members", type=Path, nargs="+", help=".keras files (bare networks)")
    parser.add_argument("--views", nargs="+", choices=TTA_VIEWS, default=["flip", "flip_shifts"])
    parser.add_argument("--limit", type=int, default=0, help="the first N PublicTest faces only (0: all)")
    args = parser.parse_args()
    missing = [str(path) for path in args.members if not path.is_file()]
    if missing:
        parser.error(f"no such model file: {', '.join(missing)}")
    faces, labels = load_split("PublicTest")
    if args.limit:
        faces, labels = faces[:args.limit], labels[:args.limit]
    print(f"FER2013 PublicTest, n = {len(labels)}; members weighted equally")
    print("| network | " + " | ".join(f"{views} accuracy | {views} macro-F1" for views in args.views) + " |")
    print("|---" * (1 + 2 * len(args.views)) + "|")
    readings = {views: [member_probabilities(path, views, faces) for path in args.members] for views in args.views}
    rows = [(str(path), [readings[views][i] for views in args.views]) for i, path in enumerate(args.members)]
    rows.append((f"mean of the {len(args.members)}", [np.mean(readings[views], axis=0) for views in args.views]))
    for name, probabilities in rows:
        cells = [scores(labels, p.argmax(1)) for p in probabilities]
        print(f"| {name} | " + " | ".join(f"{c['accuracy']:.4f} | {c['macro_f1']:.4f}" for c in cells) + " |")


if __name__ == "__main__":
    main()
