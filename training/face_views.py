"""Which views of each face the full video analysis reads (emotion.face_network.WARPS): every
subset of the candidate warps, for each network alone and for the ensemble, on PublicTest; and
whether choosing a subset on these faces would be luck (chosen on one half of PublicTest,
measured on the other, over seeded splits).

    .venv/bin/python -m training.face_views [MODEL.keras ...] [--splits 10] [--warps N]

``--warps N``: the split check chooses among subsets of N warps only (what the time allows:
each view costs every network a pass), against all of them and none.

Default networks: the served one and its listed members. Read with Keras, each view with its
mirror image (the product reads the extra views through int8 copies: training.face_ensemble
--measure gives that figure). Prints markdown tables; writes nothing.
"""
import argparse
import itertools
from pathlib import Path

import numpy as np

from emotion.face_network import MODEL_FILE, ensemble_members, warped
from training.face_ensemble import mirrored_readings
from training.train_face import load_split

CANDIDATES = {"turned 6° anticlockwise": (6.0, 1.0), "turned 6° clockwise": (-6.0, 1.0),
              "enlarged 10 %": (0.0, 1.1), "reduced 8 %": (0.0, 0.92)}


def view_readings(model_file: Path, faces: np.ndarray) -> dict[str, np.ndarray]:
    """{"face": the face and its mirror image, candidate name: that warp and its mirror image}."""
    views = [faces, *(warped(faces, *warp) for warp in CANDIDATES.values())]
    return dict(zip(("face", *CANDIDATES), mirrored_readings(model_file, views)))


def subset_probabilities(readings: list[dict], subset: tuple[str, ...]) -> list[np.ndarray]:
    """Each network's mean over the face and the ``subset`` of warps."""
    return [np.mean([network[name] for name in ("face", *subset)], axis=0) for network in readings]


def accuracy(probabilities: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(probabilities.argmax(axis=1) == labels))


def split_check(readings: list[dict], labels: np.ndarray, subsets: list[tuple], splits: int) -> list[dict]:
    """Per seeded half-split, both ways: the subset (of ``subsets``) best on one half, and on the
    other half its accuracy, all four warps' and the face alone's."""
    ensemble = {subset: np.mean(subset_probabilities(readings, subset), axis=0)
                for subset in (*subsets, tuple(CANDIDATES), ())}
    rows = []
    for seed in range(splits):
        order = np.random.default_rng(seed).permutation(len(labels))
        for chosen_on, measured_on in ((order[::2], order[1::2]), (order[1::2], order[::2])):
            best = max(subsets, key=lambda s: (accuracy(ensemble[s][chosen_on], labels[chosen_on]), -len(s)))
            rows.append({"seed": seed, "chosen": best,
                         **{name: accuracy(ensemble[s][measured_on], labels[measured_on])
                            for name, s in (("chosen_other_half", best), ("all_other_half", tuple(CANDIDATES)),
                                            ("none_other_half", ()))}})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("networks", type=Path, nargs="*")
    parser.add_argument("--splits", type=int, default=10)
    parser.add_argument("--warps", type=int, choices=range(len(CANDIDATES) + 1), help="choose among subsets of this size")
    args = parser.parse_args()
    networks = args.networks or [MODEL_FILE, *ensemble_members()]
    faces, labels = load_split("PublicTest")
    readings = [view_readings(path, faces) for path in networks]
    subsets = [s for size in range(len(CANDIDATES) + 1) for s in itertools.combinations(CANDIDATES, size)]
    print(f"FER2013 PublicTest, n = {len(labels)}; Keras; every view with its mirror image; networks weighted equally")
    print("| warps besides the face | views | " + " | ".join(path.name for path in networks) + " | mean of the networks |")
    print("|---" * (3 + len(networks)) + "|")
    for subset in subsets:
        each = subset_probabilities(readings, subset)
        cells = [f"{accuracy(p, labels):.4f}" for p in each] + [f"{accuracy(np.mean(each, axis=0), labels):.4f}"]
        print(f"| {', '.join(subset) or 'none'} | {2 * (1 + len(subset))} | " + " | ".join(cells) + " |")
    choices = [s for s in subsets if args.warps is None or len(s) == args.warps]
    rows = split_check(readings, labels, choices, args.splits)
    print(f"\nChosen on one half, measured on the other ({len(rows)} halves, {args.splits} seeded splits), mean accuracy:")
    for key in ("chosen_other_half", "all_other_half", "none_other_half"):
        print(f"- {key.replace('_', ' ')}: {np.mean([row[key] for row in rows]):.4f}")
    chosen = [", ".join(row["chosen"]) or "none" for row in rows]
    print("- chosen: " + "; ".join(f"{name} ({chosen.count(name)}x)" for name in sorted(set(chosen), key=chosen.count, reverse=True)))


if __name__ == "__main__":
    main()
