"""How much would knowing the speaker help? A study for the speech model, not shipped.

    .venv/bin/python -m training.speech_adaptation_study [--shipped | --model NAME]

Same actor-grouped 5-fold CV as training.train_speech (actors 01-20). Compares the shipped
speaker-independent setting with per-speaker normalisation: each actor's feature vectors are
standardised by statistics of some of that actor's own clips (no labels of the held-out actors
are used, but their unlabelled clips are), as a candidate's earlier answers could provide.
The extra descriptors' cache (training/runs/speech/extra-*.npz) is named after the file list and
the feature code, this file included, so editing extra_descriptors recomputes it. Also tries
194 extra spectral descriptors (log-mel band statistics, MFCC 0-19, spectral contrast). Prints one table row per setting; figures are in models/speech/MODEL_CARD.md.
"""
import logging
from pathlib import Path

import numpy as np

from emotion.speech_features import FRAME_LENGTH, HOP_LENGTH, N_FFT, PRE_EMPHASIS, SAMPLE_RATE
from training import speech_data
from training.train_speech import SEED, TRAIN_ACTORS, actor_folds, make_classic_features, make_pitch_features

log = logging.getLogger(__name__)
DRAWS = 5


def extra_descriptors(clip: np.ndarray, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Log-mel band means/stds/ranges (level-free), MFCC 0-19 means/stds, delta stds, contrast."""
    import librosa

    emphasised = np.append(clip[0], clip[1:] - PRE_EMPHASIS * clip[:-1])
    power = np.abs(librosa.stft(emphasised, n_fft=N_FFT, hop_length=HOP_LENGTH, win_length=FRAME_LENGTH,
                                window="hamming")) ** 2
    log_mel = librosa.power_to_db(librosa.feature.melspectrogram(S=power, sr=sample_rate, n_mels=40) + 1e-10)
    mfcc = librosa.feature.mfcc(S=log_mel, n_mfcc=20)
    contrast = librosa.feature.spectral_contrast(S=np.sqrt(power), sr=sample_rate, n_fft=N_FFT)
    relative = log_mel - log_mel.max()
    return np.concatenate([
        relative.mean(1), relative.std(1), np.percentile(relative, 90, axis=1) - np.percentile(relative, 10, axis=1),
        mfcc.mean(1), mfcc.std(1), librosa.feature.delta(mfcc).std(1), contrast.mean(1), contrast.std(1),
    ]).astype(np.float32)


def make_extra_features(folder, table) -> dict:
    from emotion.speech_features import trim_silence

    return {"clean": np.stack([extra_descriptors(trim_silence(clip)) for clip in speech_data.load_clips(folder, table)])}


def normalised_by_speaker(X: np.ndarray, actors: np.ndarray, baseline_rows, scale: bool = True) -> np.ndarray:
    """Each actor's rows centred on the mean of the rows ``baseline_rows(rows)`` picks, and
    divided by their standard deviation when ``scale`` (unreliable from a few clips)."""
    out = np.empty_like(X)
    for actor in np.unique(actors):
        rows = np.flatnonzero(actors == actor)
        base = X[baseline_rows(rows)]
        out[rows] = X[rows] - base.mean(0)
        if scale:
            out[rows] /= base.std(0) + 1e-6
    return out


def actor_cv(X: np.ndarray, y: np.ndarray, folds, C: float = 3.0, fit=None) -> tuple[float, float]:
    """Pooled out-of-fold accuracy and macro-F1 of an RBF SVM, or of ``fit(X, y, train_rows)``."""
    from sklearn.metrics import f1_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    predicted = np.zeros(len(y), int)
    for train, test in folds:
        if fit is None:
            model = make_pipeline(StandardScaler(), SVC(C=C, gamma="scale", class_weight="balanced", random_state=SEED))
            model.fit(X[train], y[train])
        else:
            model = fit(X, y, train)
        predicted[test] = model.predict(X[test])
    return float(np.mean(predicted == y)), float(f1_score(y, predicted, average="macro"))


def linear_model_study(folder, table, name: str | None = None) -> None:
    """The same question for a linear model of training.train_speech (``name``; the shipped one,
    as model.json names it, by default) on wide + pitch features, trained on the clips as recorded
    (without speed-perturbed copies, if the model has them: each copy is another voice and would
    need a baseline of its own).

    A temperature divides all of a model's scores alike, so it never changes which class is
    read: it is left out here, which spares its inner cross-validation for each of the 65 fits.
    """
    import json

    from training.train_speech import LINEAR_CONFIGS, MODEL_DIR, linear_fit, untempered
    from training.speech_data import make_wide_features

    manifest = json.loads((MODEL_DIR / "model.json").read_text())  # what serving loads
    name = name or manifest["name"]
    if name not in LINEAR_CONFIGS:
        raise SystemExit(f"studies a linear model of training.train_speech; {name} is not one")
    config = untempered(LINEAR_CONFIGS[name])
    label = name + (" (shipped)" if name == manifest["name"] else "")
    if config.pop("speed_copies", None):
        label += ", trained without its speed-perturbed copies"
    log.info("studying %s", label)
    wide = speech_data.cached("wide", table, lambda: make_wide_features(folder, table))["clean"]
    pitch = speech_data.cached("pitch", table, lambda: make_pitch_features(folder, table))["clean"]
    X = np.hstack([wide, pitch])
    y, actors, folds = table["label"].to_numpy(), table["actor"].to_numpy(), actor_folds(table)

    def fit(features, labels, train):
        return linear_fit({"wide": features[:, :wide.shape[1]], "pitch": features[:, wide.shape[1]:]},
                          labels, train, config)

    settings = {
        "speaker-independent": [X],
        "centred on all 60 clips of the speaker": [normalised_by_speaker(X, actors, lambda r: r, False)],
        "centred on the speaker's 12 neutral/calm clips": [normalised_by_speaker(X, actors, lambda r: r[y[r] == 0], False)],
    }
    for k in (10, 20):
        rng = np.random.default_rng(SEED)
        settings[f"centred on {k} random clips of the speaker, {DRAWS} draws"] = [
            normalised_by_speaker(X, actors, lambda r: rng.choice(r, k, replace=False), False) for _ in range(DRAWS)]
    print(f"| setting ({label}, actor-grouped 5-fold CV, n=1200) | accuracy | macro-F1 |"
          "\n|---|---|---|")
    for name, versions in settings.items():
        accuracy, macro_f1 = np.mean([actor_cv(version, y, folds, fit=fit) for version in versions], axis=0)
        print(f"| {name} | {accuracy:.3f} | {macro_f1:.3f} |", flush=True)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shipped", action="store_true",
                        help="the shipped linear model on wide + pitch features (the SVM study otherwise)")
    parser.add_argument("--model", help="another linear model of training.train_speech, by name (implies --shipped's study)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    folder = speech_data.speech_dir()
    table = speech_data.load_labels(folder)
    table = table[table["actor"].isin(TRAIN_ACTORS)].reset_index(drop=True)
    if args.shipped or args.model:
        return linear_model_study(folder, table, args.model)
    classic = speech_data.cached("classic", table, lambda: make_classic_features(folder, table, SEED))["clean"]
    pitch = speech_data.cached("pitch", table, lambda: make_pitch_features(folder, table))["clean"]
    # the extra descriptors are written in this file, so its code is part of their cache's name
    extra = speech_data.cached("extra", table, lambda: make_extra_features(folder, table),
                               more_code=(Path(__file__),))["clean"]
    y, actors, folds = table["label"].to_numpy(), table["actor"].to_numpy(), actor_folds(table)
    shipped, extended = np.hstack([classic, pitch]), np.hstack([classic, pitch, extra])
    settings = {
        "speaker-independent, classic + pitch features (432)": [shipped],
        "speaker-independent, + extra descriptors (626)": [extended],
        "standardised by all 60 clips of the speaker (432)": [normalised_by_speaker(shipped, actors, lambda r: r)],
        "standardised by all 60 clips of the speaker (626)": [normalised_by_speaker(extended, actors, lambda r: r)],
        "centred on all 60 clips of the speaker (626)": [normalised_by_speaker(extended, actors, lambda r: r, False)],
        # Picking the neutral clips uses labels: it asks "what if the baseline were calm speech?"
        "standardised by the speaker's 12 neutral/calm clips (626)":
            [normalised_by_speaker(extended, actors, lambda r: r[y[r] == 0])],
        "centred on the speaker's 12 neutral/calm clips (626)":
            [normalised_by_speaker(extended, actors, lambda r: r[y[r] == 0], False)],
    }
    for k in (5, 10, 20):  # mean of DRAWS random draws of k clips per speaker
        for scale in (True, False):
            rng = np.random.default_rng(SEED)
            settings[f"{'standardised by' if scale else 'centred on'} {k} random clips of the speaker (626), "
                     f"{DRAWS} draws"] = [normalised_by_speaker(extended, actors, lambda r: rng.choice(r, k, replace=False),
                                                                scale) for _ in range(DRAWS)]
    print("| setting (SVM RBF C=3, actor-grouped 5-fold CV, n=1200) | accuracy | macro-F1 |\n|---|---|---|")
    for name, versions in settings.items():
        accuracy, macro_f1 = np.mean([actor_cv(X, y, folds) for X in versions], axis=0)
        print(f"| {name} | {accuracy:.3f} | {macro_f1:.3f} |", flush=True)


if __name__ == "__main__":
    main()
