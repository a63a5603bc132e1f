"""Score the shipped speech-emotion model on a labelled folder, and check the speaking rate.

    python -m training.evaluate_speech FOLDER      # one JSON line (also: python -m training.evaluate speech FOLDER)
    python -m training.evaluate_speech --rate-check [--actors 11-20]

FOLDER holds audio files and a labels.csv in the RAVDESS ``speech/`` layout (``path`` relative
to the folder, ``emotion`` with RAVDESS names; calm counts as neutral). Each file is scored
whole, as in training.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from emotion.speech_types import SPEECH_CLASSES
from training.class_scores import classification_scores
from training.evaluate_command import run_evaluation

# Sentences with a hand-counted number of syllables, synthesised by espeak-ng at set rates.
RATE_SENTENCES = {
    "Kids are talking by the door.": 7,
    "Dogs are sitting by the door.": 7,
    "The weather is nice today.": 7,
    "I worked on a team of seven people.": 10,
    "We finished the project two weeks early.": 10,
    "My greatest strength is attention to detail.": 11,
    "Thank you for the opportunity to speak with you today.": 15,
    "I enjoy solving difficult problems with other people.": 15,
}
ESPEAK_WORDS_PER_MINUTE = (120, 160, 200, 240)


def evaluate_speech(folder: Path) -> dict:
    """Accuracy, macro-F1 and per-class figures of the shipped model on ``folder``."""
    from emotion.speech import classify_clips
    from training.speech_data import load_clips, load_labels
    from training.speech_models import load_trained_speech_model

    table = load_labels(folder)
    if table.empty:
        raise ValueError(f"{folder}/labels.csv lists no files")
    clips = load_clips(folder, table)
    model, _ = load_trained_speech_model()
    predicted = classify_clips(model, clips).argmax(axis=1)
    truth = table["label"].to_numpy()
    result = {"task": "speech", "n": int(len(table)), **classification_scores(truth, predicted, SPEECH_CLASSES)}
    if "gender" in table.columns:
        result["by_gender"] = scores_by_gender(truth, predicted, table["gender"].astype(str).str.lower().to_numpy())
    return result


def scores_by_gender(truth: np.ndarray, predicted: np.ndarray, genders: np.ndarray) -> dict:
    """Accuracy and macro-F1 for each gender the labels name (issue 20: the gap between men's
    and women's voices), with the per-class figures of each."""
    by_gender = {}
    for gender in sorted(set(genders)):
        mask = genders == gender
        scores = classification_scores(truth[mask], predicted[mask], SPEECH_CLASSES)
        by_gender[gender] = {"n": int(mask.sum()), **scores}
    return by_gender


def espeak_clip(text: str, words_per_minute: int) -> np.ndarray:
    from emotion.audio import load_audio

    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise FileNotFoundError("espeak-ng is not installed (apt-get install espeak-ng)")
    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "speech.wav"
        subprocess.run([espeak, "-v", "en-us", "-s", str(words_per_minute), "-w", str(wav), text],
                       check=True, capture_output=True)
        return load_audio(wav)


def rate_check(actors: range) -> dict:
    """Syllable-count and speaking-rate error on espeak-ng speech and RAVDESS (7 syllables)."""
    from emotion.audio import STEP_SECONDS
    from emotion.delivery import contours, syllable_nuclei
    from training.speech_data import load_clips, load_labels, speech_dir

    def errors(pairs):  # (estimated, true, speaking seconds)
        est, true, seconds = (np.array(column, dtype=float) for column in zip(*pairs))
        return {"n": len(est), "mean_true": round(float(true.mean()), 2), "mean_estimated": round(float(est.mean()), 2),
                "count_mae": round(float(np.mean(np.abs(est - true))), 3),
                "count_mean_error": round(float(np.mean(est - true)), 3),
                "rate_mape_percent": round(float(100 * np.mean(np.abs(est - true) / true)), 1),
                "rate_mae_syllables_per_second": round(float(np.mean(np.abs(est - true) / seconds)), 3)}

    def measure(clip, true):
        c = contours(clip)
        return len(syllable_nuclei(c)), true, max(c.sounding.sum() * STEP_SECONDS, 0.1)

    result = {}
    for wpm in ESPEAK_WORDS_PER_MINUTE:
        result[f"espeak_{wpm}wpm"] = errors([measure(espeak_clip(text, wpm), n) for text, n in RATE_SENTENCES.items()])
    passage = " ".join(RATE_SENTENCES)
    result["espeak_passage_160wpm"] = errors([measure(espeak_clip(passage, 160), sum(RATE_SENTENCES.values()))])
    table = load_labels(speech_dir())
    table = table[table["actor"].isin(actors)].reset_index(drop=True)
    result[f"ravdess_actors_{actors.start:02d}-{actors.stop - 1:02d}"] = errors(
        [measure(clip, 7) for clip in load_clips(speech_dir(), table)])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.evaluate_speech", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, nargs="?", help="audio files and labels.csv")
    parser.add_argument("--rate-check", action="store_true", help="check the speaking-rate estimate instead")
    parser.add_argument("--actors", default="11-20", help="RAVDESS actors for the rate check (first-last)")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if args.rate_check:
        first, last = (int(part) for part in args.actors.split("-"))
        print(json.dumps(rate_check(range(first, last + 1))))
        return 0
    if args.folder is None:
        parser.error("give a folder, or --rate-check")
    return run_evaluation("speech", evaluate_speech, args.folder, wants_folder=True)


if __name__ == "__main__":
    sys.exit(main())
