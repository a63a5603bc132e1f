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

SHIPPED = "lda_whisper_shrink0.1"
SHIPPED_CLIPS = "lda_whisper_alone_shrink0.3"   # the head that reads clips whole (and one-window recordings)
ACOUSTIC = "lda_wide_pitch_shrink0.6_speed4"   # the model shipped before issue 20
DRAWS = 3   # random baseline draws per speaker


def load_features(table, factors=WIDER_SPEED_FACTORS, whisper: bool = False) -> dict:
    folder = speech_data.speech_dir()
    features = {"wide": speech_data.cached("wide", table, lambda: speech_data.make_wide_features(folder, table))["clean"],
                "pitch": speech_data.cached("pitch", table, lambda: speech_data.make_pitch_features(folder, table))["clean"]}
    if whisper:
        features |= speech_data.whisper_views(folder, table)
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
    copies) that many times, moving the class means towards men's voices. A config's
    "test_features" reads the held-out clips through those features instead."""
    test_names = config.get("test_features", config["features"])
    y, actors = table["label"].to_numpy(), table["actor"].to_numpy()
    predicted = np.zeros(len(table), int)
    for train, test in actor_folds(table):
        men = train[actors[train] % 2 == 1]
        model = linear_fit(features, y, np.concatenate([train] + [men] * (men_weight - 1)), config, actors)
        predicted[test] = model.predict(linear_inputs(features, test_names, test))
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


BASES = {"shipped": SHIPPED, "shipped_clips": SHIPPED_CLIPS, "acoustic": ACOUSTIC, "no_copies": "lda_wide_pitch_shrink0.6"}
# The speech recogniser's encoder, pooled (emotion/voice_embedding.py), under a shrinkage LDA;
# "whisper@alone": each clip encoded by itself; "whisper" (@1, @2): each clip within a recording
# of all its actor's clips in a random order (speech_data.whisper_views), as answers are read.
WHISPER_CONFIGS = {f"whisper_lda{s}": {"model": "lda", "shrinkage": s, "features": ["whisper@alone"]}
                   for s in (0.1, 0.2, 0.3, 0.4, 0.6)}
# Trained on clips alone, read within recordings: the encoder's output moves with the frames'
# place in its 30 s window, so a model of clips alone does not read answers.
WHISPER_CONFIGS |= {"whisper_lda0.3_in_answers": {"model": "lda", "shrinkage": 0.3, "features": ["whisper@alone"],
                                                  "test_features": ["whisper"]}}
# Trained and read within recordings: one order, then three; "_alone": read alone.
WHISPER_CONFIGS |= {f"whisper_context_lda{s}": {"model": "lda", "shrinkage": s, "features": ["whisper"]}
                    for s in (0.2, 0.3, 0.4)}
WHISPER_CONFIGS |= {f"whisper_contexts3_lda{s}": {"model": "lda", "shrinkage": s, "features": ["whisper"],
                                                  "views": ["1", "2"]} for s in (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)}
WHISPER_CONFIGS |= {"whisper_contexts3_lda0.1_alone": WHISPER_CONFIGS["whisper_contexts3_lda0.1"]
                    | {"test_features": ["whisper@alone"]}}
# Trained on clips alone and within one recording ("both") or three ("all4": the shipped recipe's
# shape), read within recordings, and alone ("_alone").
WHISPER_CONFIGS |= {f"whisper_both_lda{s}": {"model": "lda", "shrinkage": s, "features": ["whisper"], "views": ["alone"]}
                    for s in (0.2, 0.3, 0.4)}
WHISPER_CONFIGS |= {f"whisper_all4_lda{s}{suffix}": {"model": "lda", "shrinkage": s, "features": ["whisper"],
                                                     "views": ["1", "2", "alone"], "test_features": [test]}
                    for s in (0.05, 0.1, 0.2, 0.3) for suffix, test in (("", "whisper"), ("_alone", "whisper@alone"))}
# The same with each clip alone counted twice (as many rows alone as within recordings, nearly).
WHISPER_CONFIGS |= {f"whisper_all5_lda{s}{suffix}": {"model": "lda", "shrinkage": s, "features": ["whisper"],
                                                     "views": ["1", "2", "alone", "alone"], "test_features": [test]}
                    for s in (0.1, 0.15, 0.2) for suffix, test in (("", "whisper"), ("_alone", "whisper@alone"))}
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


# The shipped recipe's shrinkage chosen inside each outer fold, on inner actor folds of its
# training actors only (by accuracy within recordings), then scored on the outer fold: the
# figure without selection luck, read within recordings and alone.
ANSWER_CANDIDATES = [f"whisper_all4_lda{s}" for s in (0.05, 0.1, 0.2, 0.3)]
CLIP_CANDIDATES = [f"whisper_lda{s}" for s in (0.2, 0.3, 0.4)]      # the clips head's, alone only
NESTED = {"shipped_nested": (ANSWER_CANDIDATES, ["whisper"]),
          "shipped_nested_alone": (ANSWER_CANDIDATES, ["whisper@alone"]),
          "shipped_clips_nested": (CLIP_CANDIDATES, ["whisper@alone"])}


def nested_out_of_fold(features: dict, table, candidates: list[str], test_features: list[str]) -> tuple[np.ndarray, list[str]]:
    from sklearn.model_selection import GroupKFold

    y, actors = table["label"].to_numpy(), table["actor"].to_numpy()
    predicted, chosen = np.zeros(len(table), int), []
    for train, test in actor_folds(table):
        inner = list(GroupKFold(n_splits=4).split(train, groups=actors[train]))
        def inner_accuracy(name: str) -> float:
            config = untempered(name)
            right = [(linear_fit(features, y, train[fit], config).predict(linear_inputs(features, config["features"], train[held]))
                      == y[train[held]]).mean() for fit, held in inner]
            return float(np.mean(right))
        best = max(candidates, key=inner_accuracy)
        chosen.append(best)
        predicted[test] = linear_fit(features, y, train, untempered(best)).predict(linear_inputs(features, test_features, test))
    return predicted, chosen


def run(name: str, features: dict, table) -> dict:
    if name in NESTED:
        predicted, chosen = nested_out_of_fold(features, table, *NESTED[name])
        return fairness_scores(table, predicted) | {"chosen_per_fold": chosen}
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
    parser.add_argument("--variants", nargs="+", default=[*VARIANTS, *NESTED], choices=[*VARIANTS, *NESTED])
    parser.add_argument("--out", type=Path, default=MODEL_DIR / "fairness.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    table = speech_data.load_labels(speech_data.speech_dir())
    needs_copies = any(name.startswith("acoustic") for name in args.variants)
    features = load_features(table, WIDER_SPEED_FACTORS if needs_copies else (),
                             whisper=any(name.startswith(("whisper", "shipped")) for name in args.variants))
    report = json.loads(args.out.read_text()) if args.out.is_file() else {}
    for name in args.variants:
        report[name] = run(name, features, table)
        summary = report[name]
        log.info("%s: accuracy %.3f, men %.3f, women %.3f, gap %+.1f points", name, summary["accuracy"],
                 summary["by_gender"]["male"]["accuracy"], summary["by_gender"]["female"]["accuracy"], summary["gap_points"])
        args.out.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
