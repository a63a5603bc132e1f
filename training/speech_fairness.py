"""Men's and women's voices (issue 20): the speech recipe's accuracy per gender on actor-grouped
folds of RAVDESS actors 01-20 (odd actors men, even women), and what each tried step changes.

    .venv/bin/python -m training.speech_fairness [--variants NAME ...] [--out models/speech/fairness.json]

Same 5 folds as training.train_speech (whole actors held out); out-of-fold readings, pooled.
For each variant: accuracy and macro-F1 overall and per gender, per-class recall per gender, and
the gap (women minus men, points). Features come from the caches training.train_speech uses
(training/runs/speech; the speed copies take ~3 min each the first time).
"""
import argparse
import json
import logging
from pathlib import Path

import numpy as np

from emotion.speech_types import SPEECH_CLASSES
from training import speech_data
from training.evaluate_speech import scores_by_gender
from training.train_speech import LINEAR_CONFIGS, MODEL_DIR, WIDER_SPEED_FACTORS, actor_folds, linear_fit, linear_inputs

log = logging.getLogger("speech_fairness")

SHIPPED = "lda_wide_pitch_shrink0.6_speed4"
DRAWS = 3   # random baseline draws per speaker


def load_features(table, factors=WIDER_SPEED_FACTORS, whisper: bool = False) -> dict:
    folder = speech_data.speech_dir()
    features = {"wide": speech_data.cached("wide", table, lambda: speech_data.make_wide_features(folder, table))["clean"],
                "pitch": speech_data.cached("pitch", table, lambda: speech_data.make_pitch_features(folder, table))["clean"]}
    if whisper:
        features["whisper"] = speech_data.whisper_features(folder, table)["clean"]
    for factor in factors:
        copies = speech_data.speed_copies(folder, table, factor)
        features[f"wide@{factor}"], features[f"pitch@{factor}"] = copies["wide"], copies["pitch"]
    return features


def centred_by_speaker(features: dict, actors: np.ndarray, baseline_clips: int | None, seed: int) -> dict:
    """Every feature set with each actor's rows centred on the mean of that actor's clean clips
    (all of them, or ``baseline_clips`` drawn at random): a voice baseline, as a candidate's
    earlier answers would give. Speed copies are centred on the same clips' copies."""
    rng = np.random.default_rng(seed)
    picked = {}
    for actor in np.unique(actors):
        rows = np.flatnonzero(actors == actor)
        picked[actor] = rows if baseline_clips is None else rng.choice(rows, baseline_clips, replace=False)
    centred = {}
    for name, values in features.items():
        out = values.astype(np.float64).copy()
        for actor, rows in picked.items():
            mine = actors == actor
            out[mine] -= values[rows].mean(axis=0)
        centred[name] = out
    return centred


def out_of_fold(features: dict, table, config: dict, men_weight: int = 1) -> np.ndarray:
    """Out-of-fold readings; ``men_weight`` > 1 counts each training clip of a man (and its
    copies) that many times, moving the class means towards men's voices."""
    y, actors = table["label"].to_numpy(), table["actor"].to_numpy()
    predicted = np.zeros(len(table), int)
    for train, test in actor_folds(table):
        men = train[actors[train] % 2 == 1]
        model = linear_fit(features, y, np.concatenate([train] + [men] * (men_weight - 1)), config, actors)
        predicted[test] = model.predict(linear_inputs(features, config["features"], test))
    return predicted


def fairness_scores(table, predicted: np.ndarray) -> dict:
    from training.class_scores import classification_scores

    truth = table["label"].to_numpy()
    genders = np.where(table["actor"].to_numpy() % 2 == 1, "male", "female")
    overall = classification_scores(truth, predicted, SPEECH_CLASSES)
    by_gender = scores_by_gender(truth, predicted, genders)
    for gender, rows in ((g, genders == g) for g in ("male", "female")):
        per_class = classification_scores(truth[rows], predicted[rows], SPEECH_CLASSES)["per_class"]
        by_gender[gender]["recall"] = {name: figures["recall"] for name, figures in per_class.items()}
    return {"n": int(len(truth)), "accuracy": overall["accuracy"], "macro_f1": overall["macro_f1"],
            "by_gender": by_gender,
            "gap_points": round(100 * (by_gender["female"]["accuracy"] - by_gender["male"]["accuracy"]), 1)}


def untempered(name: str) -> dict:
    """A config without its temperature (it never changes a reading, and costs inner folds)."""
    config = WHISPER_CONFIGS[name] if name in WHISPER_CONFIGS else LINEAR_CONFIGS[name]
    return {key: value for key, value in config.items() if key != "temperature"}


BASES = {"shipped": SHIPPED, "no_copies": "lda_wide_pitch_shrink0.6"}
# The speech recogniser's encoder, pooled (emotion/voice_embedding.py), under a shrinkage LDA.
WHISPER_CONFIGS = {f"whisper_lda{shrinkage}": {"model": "lda", "shrinkage": shrinkage, "features": ["whisper"]}
                   for shrinkage in (0.1, 0.2, 0.3, 0.4, 0.6)}
BASELINES = {"": None, "_centred_all": "all", "_centred_20": 20, "_centred_10": 10}


def variant(base: str, baseline, men_weight: int = 1):
    """(features, config) pairs to score: the base recipe, on features centred per speaker
    when ``baseline`` says on which clips ("all", or a number drawn DRAWS times)."""
    def make(features: dict, table) -> list:
        config, actors = untempered(BASES[base]) | {"men_weight": men_weight}, table["actor"].to_numpy()
        if baseline is None:
            return [(features, config)]
        if baseline == "all":
            return [(centred_by_speaker(features, actors, None, 0), config)]
        return [(centred_by_speaker(features, actors, baseline, draw), config) for draw in range(DRAWS)]
    return make


BASES |= {name: name for name in WHISPER_CONFIGS}
VARIANTS = {base + suffix + weighted: variant(base, baseline, weight) for base in BASES
            for suffix, baseline in BASELINES.items() for weighted, weight in (("", 1), ("_men2", 2))}


def run(name: str, features: dict, table) -> dict:
    draws = VARIANTS[name](features, table)
    results = [fairness_scores(table, out_of_fold(f, table, config, config.get("men_weight", 1))) for f, config in draws]
    if len(results) == 1:
        return results[0]
    mean = lambda pick: round(float(np.mean([pick(r) for r in results])), 4)
    return {"draws": len(results), "accuracy": mean(lambda r: r["accuracy"]), "macro_f1": mean(lambda r: r["macro_f1"]),
            "by_gender": {g: {"accuracy": mean(lambda r: r["by_gender"][g]["accuracy"]),
                              "macro_f1": mean(lambda r: r["by_gender"][g]["macro_f1"])} for g in ("male", "female")},
            "gap_points": round(float(np.mean([r["gap_points"] for r in results])), 1), "each_draw": results}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--out", type=Path, default=MODEL_DIR / "fairness.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    table = speech_data.load_labels(speech_data.speech_dir())
    needs_copies = any(name.startswith("shipped") for name in args.variants)
    features = load_features(table, WIDER_SPEED_FACTORS if needs_copies else (),
                             whisper=any(name.startswith("whisper") for name in args.variants))
    report = json.loads(args.out.read_text()) if args.out.is_file() else {}
    for name in args.variants:
        report[name] = run(name, features, table)
        summary = report[name]
        log.info("%s: accuracy %.3f, men %.3f, women %.3f, gap %+.1f points", name, summary["accuracy"],
                 summary["by_gender"]["male"]["accuracy"], summary["by_gender"]["female"]["accuracy"], summary["gap_points"])
        args.out.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
