"""Soft labels for distillation: the mean probabilities of several face networks over the views
the full video analysis reads (the face and emotion.face_network.WARPS, each with its mirror
image), or over all ten views of the view study (``--views all``: the face and the four warps of
training.face_views.CANDIDATES, each mirrored), for every FER2013 Training face; what
``training.train_face --teacher`` trains towards.

    .venv/bin/python -m training.face_teacher MODEL.keras [MODEL.keras ...] --out training/runs/face/teacher.npz [--views all]

Why: three networks over these views read PublicTest better (69.4 %) than any one of them
(67.1-68.5 % over the same views), 69.8 % over all ten views, and the video analysis cannot afford more networks (models/face/MODEL_CARD.md,
"Views"); a network trained towards their mean reading may learn some of what they agree on, at
the cost of one network (a 5-epoch fine-tune of member_2 towards them made it worse: models/face/
MODEL_CARD.md, "Views"). Reads with Keras, one network after another; the file records which
networks and views made it, and the Training faces' labels, which a run checks them against
(a file made for another set of faces is refused; one made by other networks is not detected).
Runs under training/runs/ are not in git: keep the file beside a checkpoint that is to be resumed
in another session (training/checkpoints/face/).
"""
import argparse
import json
import logging
from pathlib import Path

import numpy as np

from emotion.face_network import WARPS, warped
from training.face_ensemble import mirrored_readings
from training.face_views import CANDIDATES
from training.train_face import load_split

VIEW_SETS = {"served": WARPS, "all": tuple(CANDIDATES.values())}   # warps besides the face itself

log = logging.getLogger("face_teacher")


def teacher_probabilities(networks: list[Path], faces: np.ndarray, warps=WARPS) -> np.ndarray:
    """(N, 7): each network's mean over the face and ``warps``, each with its mirror image, then
    the mean of the networks."""
    views = [faces, *(warped(faces, *warp) for warp in warps)]
    each = []
    for path in networks:
        each.append(np.mean(mirrored_readings(path, views), axis=0))
        log.info("read %d faces in %d views with %s", len(faces), 2 * len(views), path)
    return np.mean(each, axis=0).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("networks", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--views", choices=sorted(VIEW_SETS), default="served",
                        help="served: the face and WARPS (4 views); all: the view study's 10")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    faces, labels = load_split("Training")
    warps = VIEW_SETS[args.views]
    probabilities = teacher_probabilities(args.networks, faces, warps)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    record = {"networks": [str(path) for path in args.networks], "views": "the face and its warps, each mirrored",
              "warps": [list(warp) for warp in warps]}
    np.savez_compressed(args.out, probabilities=probabilities, labels=labels, record=json.dumps(record))
    agreement = float(np.mean(probabilities.argmax(axis=1) == labels))
    print(json.dumps({"faces": len(labels), "teacher_training_accuracy": round(agreement, 4), **record}))


if __name__ == "__main__":
    main()
