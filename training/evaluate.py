"""Score a shipped model on held-out data and print one JSON line.

    python -m training.evaluate personality PATH_TO_CSV_OR_CSV_GZ
    python -m training.evaluate face PATH_TO_NPZ
    python -m training.evaluate speech PATH_TO_FOLDER   (audio files + labels.csv)
    python -m training.evaluate transcript PATH_TO_FOLDER   (audio files + manifest.csv)
    python -m training.evaluate fusion PATH_TO_FOLDER   (video clips + labels.csv, as fixtures/av/)

prints ``{"task": "personality", "n": ..., "accuracy": {"cEXT": ..., ...}, "mean_accuracy": ...}``
with accuracies as fractions. A missing or malformed file is reported on stderr with exit status 2.
Add a task by writing ``evaluate_<task>(path) -> dict`` and listing it in :data:`TASKS`.
"""
import argparse
import os
import sys
from pathlib import Path
from typing import Callable

import numpy as np

from emotion.base import TRAIT_CODES
from training.evaluate_command import run_evaluation


def evaluate_personality(path: Path) -> dict:
    """Accuracy per Big Five trait of the committed personality model on an essays CSV."""
    from emotion.personality import PersonalityAnalyzer
    from training.data import load_essays

    texts, labels = load_essays(path)
    if not texts:
        raise ValueError(f"{path} holds no essays")
    probs = PersonalityAnalyzer().predict_proba(texts)
    hits = (probs >= 0.5).astype(int) == labels
    accuracy = {trait: round(float(hits[:, j].mean()), 4) for j, trait in enumerate(TRAIT_CODES)}
    return {"task": "personality", "n": len(texts), "accuracy": accuracy,
            "mean_accuracy": round(float(np.mean(list(accuracy.values()))), 4)}


def evaluate_face(path: Path) -> dict:
    from training.evaluate_face import evaluate_face as run

    return run(path)


def evaluate_speech(path: Path) -> dict:
    from training.evaluate_speech import evaluate_speech as run

    return run(path)


def evaluate_transcript(path: Path) -> dict:
    from training.transcript_eval import evaluate_transcript as run

    return run(path)


def evaluate_fusion(path: Path) -> dict:
    from training.evaluate_fusion import evaluate_fusion as run

    return run(path)


TASKS: dict[str, Callable[[Path], dict]] = {
    "personality": evaluate_personality,
    "face": evaluate_face,
    "speech": evaluate_speech,
    "transcript": evaluate_transcript,
    "fusion": evaluate_fusion,
}
FOLDER_TASKS = {"speech", "transcript", "fusion"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.evaluate",
                                     description="Score a shipped model on held-out data.")
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("path", type=Path, help="labelled data: essays CSV(.GZ), faces NPZ, or a speech, transcript or fusion folder")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return run_evaluation(args.task, TASKS[args.task], args.path, wants_folder=args.task in FOLDER_TASKS)


if __name__ == "__main__":
    sys.exit(main())
