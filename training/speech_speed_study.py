"""Which speed-perturbed copies of the training clips help a model read new voices? A study.

    nice -n 10 .venv/bin/python -m training.speech_speed_study

Same actor-grouped 5-fold CV as training.train_speech (actors 01-20), the shrinkage LDA on the
wide functionals and pitch statistics. Each row trains on the clips as recorded plus copies of
the same training clips played at the listed speeds (pitch, formants and tempo together, as
between voices); the held-out actors are always read as recorded. Untempered: a temperature
never changes a reading. The copies' features are cached per speed
(training/runs/speech/speed*.npz, ~3 min each to build on 2 cores). Prints a markdown table;
the figures are in models/speech/MODEL_CARD.md.
"""
import logging

import numpy as np

from emotion.speech_types import SPEECH_CLASSES
from training import speech_data
from training.class_scores import classification_scores
from training.speech_data import make_pitch_features, make_wide_features
from training.train_speech import TRAIN_ACTORS, actor_folds, add_speed_copies, linear_fit, linear_inputs

# (shrinkage, the speeds of the training copies) per row; () is the model without copies
SPEED_SETS = [(), (0.9, 1.1), (0.9, 0.95, 1.05, 1.1), (0.85, 1.15), (0.8, 1.2), (0.8, 0.9, 1.1, 1.2),
              (0.85, 0.9, 1.1, 1.15)]
SIX = (0.8, 0.85, 0.9, 1.1, 1.15, 1.2)
ROWS = ([(0.8, speeds) for speeds in SPEED_SETS] + [(0.6, speeds) for speeds in SPEED_SETS]
        + [(0.6, SIX), (0.6, (0.8, 0.85, 0.9, 0.95, 1.05, 1.1, 1.15, 1.2))]
        + [(0.5, (0.9, 1.1)), (0.5, (0.9, 0.95, 1.05, 1.1)), (0.5, (0.8, 0.9, 1.1, 1.2)), (0.5, SIX)]
        + [(0.4, (0.9, 1.1)), (0.4, (0.8, 0.9, 1.1, 1.2))])


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    folder = speech_data.speech_dir()
    table = speech_data.load_labels(folder)
    table = table[table["actor"].isin(TRAIN_ACTORS)].reset_index(drop=True)
    features = {"wide": speech_data.cached("wide", table, lambda: make_wide_features(folder, table))["clean"],
                "pitch": speech_data.cached("pitch", table, lambda: make_pitch_features(folder, table))["clean"]}
    add_speed_copies(features, folder, table, {factor for _, speeds in ROWS for factor in speeds})
    y, folds = table["label"].to_numpy(), actor_folds(table)

    print("| training copies at speeds (LDA, actor-grouped 5-fold CV, n=1200) | shrinkage | accuracy | macro-F1 "
          "| fold accuracies |\n|---|---|---|---|---|")
    for shrinkage, speeds in ROWS:
        config = {"model": "lda", "shrinkage": shrinkage, "features": ["wide", "pitch"], "speed_copies": list(speeds)}
        predicted = np.zeros(len(y), int)
        for train, test in folds:
            model = linear_fit(features, y, train, config)
            predicted[test] = model.predict(linear_inputs(features, config["features"], test))
        scores = classification_scores(y, predicted, SPEECH_CLASSES)
        fold_accuracy = ", ".join(f"{np.mean(predicted[test] == y[test]):.3f}" for _, test in folds)
        print(f"| {', '.join(map(str, speeds)) or 'none (as recorded only)'} | {shrinkage} "
              f"| {scores['accuracy']:.3f} | {scores['macro_f1']:.3f} | {fold_accuracy} |", flush=True)


if __name__ == "__main__":
    main()
