"""Check the valence and arousal that emotion.affect derives, as far as categorical labels allow.

    python -m training.validate_affect [--skip-voice] [--skip-face]     # prints one JSON object

No data set here has continuous valence/arousal labels, so this measures direction and ranking:
does the derived valence rank happy faces/voices above sad and angry ones (AUC), and the derived
arousal angry, fearful and surprised ones above sad and neutral ones, for each channel, from the
served models' probabilities. Also: the same with neutral placed at the lexicon's rating of the
word, with each reading taken from the top class only, and (faces) how the smoothing window
trades noise against blurring on simulated answers.

Faces: FER2013 PublicTest (3,589), read as videos read them (emotion.face_network.EnsembleFaceModel:
the served network and its ensemble members, each over 4 views);
probabilities cached under /tmp. PublicTest chose the face model's checkpoint, so its figures
are slightly optimistic. Voices: RAVDESS actors 01-20 (1,200 clips), each clip read as the shipped recipe reads it
(training.train_speech.shipped_recipe: for the Whisper-encoder model, within its actor's
recording, as answers are read). The shipped speech model was trained on all 1,200, so its
figures are in-sample; the out-of-fold figures refit the shipped recipe with whole actors held out.
"""
import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

from emotion.affect import (EMOTION_COORDINATES, FACE_WORDS, NRC_VAD_2018, VOICE_WORDS, AffectPoint, reading,
                            smoothed)
from emotion.base import FACE_CLASSES
from emotion.speech_types import SPEECH_CLASSES

FACE_PROBABILITIES = Path("/tmp/poise_affect_face_probabilities.npz")
PLEASANT, UNPLEASANT = ("joy",), ("sadness", "anger")
ACTIVATED, CALM = ("anger", "fear", "surprise"), ("sadness", "neutral")
SMOOTHING_WINDOWS = (0.0, 0.6, 1.0, 2.0, 3.0)


def coordinate_table(words: dict, neutral: str = "origin") -> dict:
    """Class name -> (valence, arousal); ``neutral="word"`` puts neutral at the lexicon's rating."""
    table = dict(EMOTION_COORDINATES)
    if neutral == "word":
        valence, arousal = NRC_VAD_2018["neutral"]
        table["neutral"] = (2 * valence - 1, 2 * arousal - 1)
    return {name: table[word] for name, word in words.items()}


def readings(probabilities: np.ndarray, classes: tuple, coordinates: dict, top_only: bool = False) -> np.ndarray:
    """(N, 2) valence and arousal of each row of class probabilities."""
    if top_only:
        probabilities = np.eye(len(classes))[probabilities.argmax(axis=1)]
    return np.array([reading(dict(zip(classes, row)), coordinates) for row in probabilities])


def separation(values: np.ndarray, words: np.ndarray, high: tuple, low: tuple) -> dict:
    """AUC of ``values`` ranking the ``high`` emotions above the ``low`` ones."""
    from sklearn.metrics import roc_auc_score

    keep = np.isin(words, high + low)
    return {"auc": round(float(roc_auc_score(np.isin(words[keep], high), values[keep])), 3),
            "n_high": int(np.isin(words, high).sum()), "n_low": int(np.isin(words, low).sum())}


def affect_scores(probabilities: np.ndarray, labels: np.ndarray, classes: tuple, words: dict) -> dict:
    """Per-emotion mean valence and arousal, and the two AUCs, under each variant."""
    label_words = np.array([words[classes[label]] for label in labels])
    result = {}
    for variant, coordinates, top_only in (("soft", coordinate_table(words), False),
                                           ("top_class_only", coordinate_table(words), True),
                                           ("neutral_at_word_rating", coordinate_table(words, "word"), False)):
        va = readings(probabilities, classes, coordinates, top_only)
        entry = {"valence_pleasant_vs_unpleasant": separation(va[:, 0], label_words, PLEASANT, UNPLEASANT),
                 "arousal_activated_vs_calm": separation(va[:, 1], label_words, ACTIVATED, CALM)}
        if variant == "soft":
            entry["by_true_emotion"] = {
                word: {"n": int((label_words == word).sum()),
                       "mean_valence": round(float(va[label_words == word, 0].mean()), 3),
                       "mean_arousal": round(float(va[label_words == word, 1].mean()), 3),
                       "coordinates": list(coordinates[next(n for n, w in words.items() if w == word)])}
                for word in dict.fromkeys(words.values())}
        result[variant] = entry
    return result


# --- faces -----------------------------------------------------------------------------------

def face_probabilities(npz: Path) -> tuple[np.ndarray, np.ndarray]:
    """PublicTest's faces read as videos read them (the served network and its ensemble members),
    and the labels; cached under /tmp."""
    from emotion.face_network import EnsembleFaceModel
    from training.build_face_clips import public_test
    from training.fusion_data import fingerprint

    model = EnsembleFaceModel()
    # the networks, the TFLite copies, the views they are read with, and the temperature (calibration)
    stamp = f"{fingerprint(*model.files, int8=True)}_t{model.reader.temperature:.4f}"
    if FACE_PROBABILITIES.exists():
        with np.load(FACE_PROBABILITIES) as stored:
            if str(stored["stamp"]) == stamp:
                return stored["probabilities"], stored["labels"]
    faces, labels, _ = public_test(npz)
    probabilities = np.concatenate([model.predict(faces[i:i + 256]) for i in range(0, len(faces), 256)])
    np.savez(FACE_PROBABILITIES, probabilities=probabilities, labels=labels, stamp=stamp)
    return probabilities, labels


def simulated_answers(probabilities: np.ndarray, labels: np.ndarray, n_answers: int = 200, seed: int = 0):
    """Answers of 30 s at 5 frames a second, each a run of segments of one emotion lasting
    1-5 s; every frame is a PublicTest face of its segment's emotion, drawn at random (so
    neighbouring frames are more independent than in a real video, which favours smoothing).
    Yields (readings of each frame as a list of (time, probabilities row), true class per frame)."""
    rng = np.random.default_rng(seed)
    by_class = [np.flatnonzero(labels == k) for k in range(len(FACE_CLASSES))]
    for _ in range(n_answers):
        frames, truth, time = [], [], 0.0
        while time < 30.0:
            emotion, length = int(rng.integers(len(FACE_CLASSES))), rng.uniform(1.0, 5.0)
            for _ in range(int(round(length * 5))):
                frames.append((round(time, 2), probabilities[rng.choice(by_class[emotion])]))
                truth.append(emotion)
                time += 0.2
        yield frames, np.array(truth)


def smoothing_study(probabilities: np.ndarray, labels: np.ndarray) -> dict:
    """Mean distance of each frame's smoothed reading from its true emotion's coordinates, and
    the frame-level valence AUC, for each window width."""
    from sklearn.metrics import roc_auc_score

    coordinates = coordinate_table(FACE_WORDS)
    target = np.array([coordinates[name] for name in FACE_CLASSES])
    answers = list(simulated_answers(probabilities, labels))
    result = {}
    for window in SMOOTHING_WINDOWS:
        errors, valences, truths = [], [], []
        for frames, truth in answers:
            raw = [AffectPoint(t, *reading(dict(zip(FACE_CLASSES, row)), coordinates)) for t, row in frames]
            va = np.array([(p.valence, p.arousal) for p in smoothed(raw, window)])
            errors.append(np.linalg.norm(va - target[truth], axis=1))
            valences.append(va[:, 0])
            truths.append(truth)
        truth = np.concatenate(truths)
        words = np.array([FACE_WORDS[FACE_CLASSES[k]] for k in truth])
        keep = np.isin(words, PLEASANT + UNPLEASANT)
        result[f"{window:.1f}s"] = {
            "mean_distance_to_true_coordinates": round(float(np.concatenate(errors).mean()), 3),
            "valence_auc_frames": round(float(roc_auc_score(np.isin(words[keep], PLEASANT),
                                                            np.concatenate(valences)[keep])), 3)}
    return result


def validate_faces(npz: Path) -> dict:
    probabilities, labels = face_probabilities(npz)
    return {"data": "FER2013 PublicTest", "n": int(len(labels)),
            "accuracy": round(float((probabilities.argmax(axis=1) == labels).mean()), 4),
            **affect_scores(probabilities, labels, FACE_CLASSES, FACE_WORDS),
            "smoothing_on_simulated_answers": smoothing_study(probabilities, labels)}


# --- voices ----------------------------------------------------------------------------------

def voice_probabilities() -> dict:
    """RAVDESS: the shipped model's probabilities (in-sample) and out-of-fold ones of its recipe
    refit with whole actors held out, with labels. Features are cached in training/runs/speech."""
    from training import speech_data
    from training.speech_models import load_trained_speech_model
    from training.train_speech import actor_folds, linear_fit, linear_inputs, shipped_recipe

    folder = speech_data.speech_dir()
    table = speech_data.load_labels(folder)
    config, features = shipped_recipe(folder, table)
    everything = np.arange(len(table))
    shipped, manifest = load_trained_speech_model()
    in_sample = shipped.predict_proba(linear_inputs(features, config["features"], everything))
    y, actors = table["label"].to_numpy(), table["actor"].to_numpy()
    out_of_fold = np.zeros_like(in_sample)
    for train, test in actor_folds(table):
        model = linear_fit(features, y, train, config, actors)
        out_of_fold[test] = model.predict_proba(linear_inputs(features, config["features"], test))
    return {"labels": y, "shipped_in_sample": in_sample, "out_of_fold": out_of_fold}


def validate_voices() -> dict:
    found = voice_probabilities()
    result = {"data": "RAVDESS speech, actors 01-20 (calm counted as neutral)", "n": int(len(found["labels"]))}
    for name in ("shipped_in_sample", "out_of_fold"):
        probabilities = found[name]
        result[name] = {"accuracy": round(float((probabilities.argmax(axis=1) == found["labels"]).mean()), 4),
                        **affect_scores(probabilities, found["labels"], SPEECH_CLASSES, VOICE_WORDS)}
    return result


def main(argv: list[str] | None = None) -> int:
    from training.build_face_clips import NPZ

    parser = argparse.ArgumentParser(prog="python -m training.validate_affect", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--npz", type=Path, default=NPZ, help="FER2013 npz with a PublicTest usage")
    parser.add_argument("--skip-face", action="store_true")
    parser.add_argument("--skip-voice", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    report = {}
    if not args.skip_face:
        report["face"] = validate_faces(args.npz)
    if not args.skip_voice:
        report["voice"] = validate_voices()
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
