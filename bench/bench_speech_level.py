"""Does a quieter (or louder) microphone change the vocal-emotion reading? Measured, not assumed.

    nice -n 10 .venv/bin/python -m bench.bench_speech_level [--gain 0.25]

Same actor-grouped 5-fold CV as training.train_speech (actors 01-20): each model is trained on the
clips as recorded, and each held-out fold is scored twice, as recorded and scaled by --gain before
its features are computed. Prints, per model, the accuracy both ways and the share of clips whose
predicted class did not change. Compares the first shipped model (RBF SVM on the classic
statistics, which carry the absolute level) with the level-free linear models that followed it.
About 8 minutes on 2 cores (the Whisper model alone: 2): computing the scaled clips' features,
then the fits (the LDAs
without their temperatures, which never change a reading; the speed-perturbed one also trains on
its copies, as in training: ~6 minutes more when their features are not cached yet).
"""
import argparse
import logging

import numpy as np

from emotion.speech_features import pitch_features, trim_silence
from training.speech_classic_features import classic_features
from emotion.speech_functionals import wide_features
from training import speech_data
from training.train_speech import (CLASSIC_CONFIGS, LINEAR_CONFIGS, SEED, TRAIN_ACTORS, actor_folds, add_speed_copies,
                                   classic_fit, linear_fit, linear_inputs, untempered)
from training.speech_data import make_classic_features, make_pitch_features, make_wide_features


def classic(name: str):
    return lambda features, y, train, actors: classic_fit(features, y, train, CLASSIC_CONFIGS[name])


def linear(name: str):
    # without its temperature: dividing every score by one number never changes a reading, and
    # leaving it out spares the four inner fits that set it
    config = untempered(LINEAR_CONFIGS[name])
    return lambda features, y, train, actors: linear_fit(features, y, train, config)


# name: (fit(features, labels, training rows, every row's actor), the feature sets of its inputs, in order)
MODELS = {
    "svm_rbf_C10_pitch (shipped to 2026-11-21)": (classic("svm_rbf_C10_pitch"), ["clean", "pitch"]),
    "logreg_wide_pitch_C0.01 (to 2026-11-22)": (linear("logreg_wide_pitch_C0.01"), ["wide", "pitch"]),
    "lda_wide_pitch_shrink0.8 (to 2026-11-22)": (linear("lda_wide_pitch_shrink0.8"), ["wide", "pitch"]),
    "lda_wide_pitch_shrink0.6_speed": (linear("lda_wide_pitch_shrink0.6_speed"), ["wide", "pitch"]),
    "lda_wide_pitch_shrink0.6_speed4 (to 2026-11-30)": (linear("lda_wide_pitch_shrink0.6_speed4"), ["wide", "pitch"]),
    # trained on its clips alone and within recordings; scored within recordings, as answers are read
    "lda_whisper_shrink0.1 (shipped)": (linear("lda_whisper_shrink0.1"), ["whisper"]),
}


def scaled_features(folder, table, gain: float, models: list[str]) -> dict:
    """The features of every clip scaled by ``gain``; only those the chosen models read."""
    inputs = {name for model in models for name in MODELS[model][1]}
    scaled = [clip * gain for clip in speech_data.load_clips(folder, table)] if inputs - {"whisper"} else []
    features = {}
    if "clean" in inputs:
        features["clean"] = np.stack([classic_features(trim_silence(clip)) for clip in scaled])
    if "pitch" in inputs:
        features["pitch"] = np.stack([pitch_features(clip) for clip in scaled])
    if "wide" in inputs:
        features["wide"] = np.stack([wide_features(clip) for clip in scaled])
    if "whisper" in inputs:
        features["whisper"] = speech_data.make_whisper_context_features(folder, table, gain=gain)["clean"]
    return features


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gain", type=float, default=0.25, help="factor applied to the samples (0.25 = -12 dB)")
    parser.add_argument("--models", nargs="+", choices=list(MODELS), default=list(MODELS))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    folder = speech_data.speech_dir()
    table = speech_data.load_labels(folder)
    table = table[table["actor"].isin(TRAIN_ACTORS)].reset_index(drop=True)
    recorded = speech_data.cached("classic", table, lambda: make_classic_features(folder, table, SEED))
    recorded["pitch"] = speech_data.cached("pitch", table, lambda: make_pitch_features(folder, table))["clean"]
    recorded["wide"] = speech_data.cached("wide", table, lambda: make_wide_features(folder, table))["clean"]
    add_speed_copies(recorded, folder, table)  # training inputs of the speed-perturbed model only
    if any("whisper" in MODELS[name][1] for name in args.models):
        recorded |= speech_data.whisper_views(folder, table)
    scaled = scaled_features(folder, table, args.gain, args.models)
    y, actors = table["label"].to_numpy(), table["actor"].to_numpy()

    print(f"gain x{args.gain} ({20 * np.log10(args.gain):+.1f} dB), actor-grouped 5-fold CV, n = {len(y)}")
    for name in args.models:
        fit, inputs = MODELS[name]
        as_recorded, at_gain = np.zeros(len(y), int), np.zeros(len(y), int)
        for train, test in actor_folds(table):
            model = fit(recorded, y, train, actors)
            as_recorded[test] = model.predict(linear_inputs(recorded, inputs, test))
            at_gain[test] = model.predict(linear_inputs(scaled, inputs, test))
        print(f"{name:<42} accuracy {np.mean(as_recorded == y):.3f} as recorded, {np.mean(at_gain == y):.3f} "
              f"at the gain; predictions unchanged {np.mean(as_recorded == at_gain):.1%}")


if __name__ == "__main__":
    main()
