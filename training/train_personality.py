"""Big Five from essays: 10-fold comparison of every model, then train and export the best.

    python -m training.train_personality                       # every model, 10 folds, then ship
    python -m training.train_personality --models tfidf_nb lr_wordchar --no-ship
    python -m training.train_personality --models cnn_lstm --folds 0 1 2 --no-ship
    python -m training.train_personality --ship ens_svm_lr --ship-only
    python -m training.train_personality --metrics-only        # rewrite metrics.json from the CV

Each (model, fold) result is cached under training/runs/personality/cv/, so an interrupted run
resumes and a model can be rerun alone (``--force`` recomputes). Every vocabulary, TF-IDF and
Word2Vec is fitted inside the training fold only; hyper-parameters are chosen by inner CV on
that training fold.
"""
import argparse
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from emotion import personality, runtime
from emotion import text as text_features
from emotion.base import TRAIT_CODES
from training.data import REPO_ROOT, load_essays
from training.personality_models import (SEQ_LEN, W2V_DIM, build_linear, build_mlp, train_word2vec,
                                         word_vectors_from_gensim)

log = logging.getLogger("training.train_personality")

SEED = 1337
N_FOLDS = 10
RUNS_DIR = REPO_ROOT / "training" / "runs" / "personality"
MODEL_DIR = REPO_ROOT / "models" / "personality"


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

@dataclass
class Corpus:
    texts: list[str]
    labels: np.ndarray                 # (n, 5) 0/1 in TRAIT_CODES order
    content: list[list[str]]           # emotion.text.content_tokens of each essay

    @classmethod
    def load(cls, path=None) -> "Corpus":
        texts, labels = load_essays(path)
        return cls(texts, labels, [text_features.content_tokens(t) for t in texts])

    def joined(self, index: np.ndarray) -> list[str]:
        return [" ".join(self.content[i]) for i in index]

    def raw(self, index: np.ndarray) -> list[str]:
        return [self.texts[i] for i in index]


# ---------------------------------------------------------------------------------------------
# Models: each fits on the training fold only and returns P(y) for the test fold, shape (n, 5)
# ---------------------------------------------------------------------------------------------

def _inner_choice(estimator, grid: dict, X, y, seed: int):
    """Pick hyper-parameters by 3-fold CV on the (outer) training fold only."""
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    search = GridSearchCV(estimator, grid, scoring="accuracy", refit=True,
                          cv=StratifiedKFold(3, shuffle=True, random_state=seed))
    search.fit(X, y)
    return search.best_estimator_, search.best_params_


def _per_trait(make, grid, X_train, Y_train, X_test, seed):
    """One probabilistic classifier per trait, each with its own inner-CV hyper-parameters."""
    probs, chosen = [], {}
    for j, trait in enumerate(TRAIT_CODES):
        model, chosen[trait] = _inner_choice(make(), grid, X_train, Y_train[:, j], seed)
        probs.append(model.predict_proba(X_test)[:, 1])
    return np.column_stack(probs), chosen


class Majority:
    @staticmethod
    def fit_predict(data: Corpus, train, test, seed):
        rate = data.labels[train].mean(axis=0)
        return np.tile(np.where(rate >= 0.5, 1.0, 0.0), (len(test), 1)), {}


class TfidfNaiveBayes:
    """The design's baseline: TF-IDF of stemmed content words (1-2-grams), multinomial NB."""

    @staticmethod
    def fit_predict(data: Corpus, train, test, seed):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.naive_bayes import MultinomialNB

        vectorizer = TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 2), min_df=2,
                                     sublinear_tf=True)
        X_train = vectorizer.fit_transform(data.joined(train))
        X_test = vectorizer.transform(data.joined(test))
        return _per_trait(MultinomialNB, {"alpha": [0.1, 0.3, 1.0, 3.0]},
                          X_train, data.labels[train], X_test, seed)


class LinearKeras:
    """Per-trait logistic regression or linear SVM (C by inner CV) over TF-IDF parts and,
    optionally, pooled Word2Vec vectors fitted on the training fold; exported as a one-layer
    Keras model (an SVM's margin goes through a sigmoid, so 0.5 stays its threshold)."""

    GRIDS = {"lr": {"C": [0.3, 1.0, 3.0, 10.0]}, "svm": {"C": [0.01, 0.03, 0.1, 0.3, 1.0]}}
    POOLED_SCALE = 1 / np.sqrt(2 * W2V_DIM)   # the pooled block gets about a TF-IDF row's norm

    def __init__(self, parts: tuple[str, ...], word_vectors: bool = False, loss: str = "lr"):
        self.parts, self.word_vectors, self.loss = parts, word_vectors, loss

    def _estimator(self):
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        if self.loss == "svm":
            return LinearSVC(random_state=0)
        return LogisticRegression(solver="liblinear", dual=True)

    def _matrix(self, featurizer, data: Corpus, index):
        from scipy.sparse import csr_matrix, hstack

        X = featurizer.tfidf(data.raw(index))[0]
        if featurizer.vectors is None:
            return X
        pooled = featurizer.pooled([data.content[i] for i in index]) * self.POOLED_SCALE
        return hstack([X, csr_matrix(pooled)], format="csr")

    def fit(self, data: Corpus, train, seed):
        """Returns the featurizer, weights (features, 5), biases (5,) and the chosen C per trait."""
        content = [data.content[i] for i in train]
        vectors = None
        if self.word_vectors:
            vectors = word_vectors_from_gensim(train_word2vec(content, seed).wv)
        featurizer = personality.Featurizer.fit(data.raw(train), content, vectors, [self.parts])
        X, Y = self._matrix(featurizer, data, train), data.labels[train]
        weights, biases, chosen = [], [], {}
        for j, trait in enumerate(TRAIT_CODES):
            model, chosen[trait] = _inner_choice(self._estimator(), self.GRIDS[self.loss], X,
                                                 Y[:, j], seed)
            weights.append(model.coef_[0])
            biases.append(model.intercept_[0])
        return featurizer, np.column_stack(weights), np.asarray(biases), chosen

    def fit_predict(self, data: Corpus, train, test, seed):
        featurizer, weights, biases, chosen = self.fit(data, train, seed)
        logits = self._matrix(featurizer, data, test) @ weights + biases
        return 1.0 / (1.0 + np.exp(-np.asarray(logits))), chosen

    def fit_all(self, data: Corpus, seed):
        """Fit on every essay; the pooled scale is folded into the weights for export."""
        featurizer, weights, biases, chosen = self.fit(data, np.arange(len(data.texts)), seed)
        n_terms = featurizer.tfidf(data.raw([0]))[0].shape[1]
        weights[n_terms:] *= self.POOLED_SCALE
        log.info("%s on all essays, C per trait: %s", self.loss, chosen)
        return featurizer, weights, biases

    def export(self, data: Corpus, directory: Path, seed: int) -> None:
        export_linear([self.fit_all(data, seed)], directory, seed)


class Ensemble:
    """Average of the members' probabilities; CV from the members' cached fold results."""

    def __init__(self, *members: str):
        self.members = members


class LinearEnsemble(Ensemble):
    """An ensemble of :class:`LinearKeras` members, exported as one Keras model."""

    def export(self, data: Corpus, directory: Path, seed: int) -> None:
        export_linear([MODELS[m].fit_all(data, seed) for m in self.members], directory, seed)


def export_linear(fitted: list[tuple], directory: Path, seed: int) -> None:
    """Write fitted linear heads [(featurizer, weights, biases), ...] as one Keras model."""
    _keras(seed)
    if len(fitted) == 1:
        featurizer = fitted[0][0]
    else:
        featurizer = personality.Featurizer.merge([f for f, _, _ in fitted])
    n_terms = [matrix.shape[1] for matrix in featurizer.tfidf([""])]
    n_pooled = 2 * W2V_DIM if featurizer.vectors is not None else 0
    model = build_linear(n_terms, n_pooled)
    for k, (_, weights, biases) in enumerate(fitted):
        model.get_layer(f"traits_{k}").set_weights([weights.astype(np.float32),
                                                    biases.astype(np.float32)])
    featurizer.save(directory)
    model.save(directory / personality.KERAS_FILE)


class NBSVM:
    """Wang & Manning (2012): binary word 1-2-grams scaled by NB log-count ratios, then LR."""

    @staticmethod
    def fit_predict(data: Corpus, train, test, seed):
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = CountVectorizer(token_pattern=text_features.WORD_PATTERN, ngram_range=(1, 2),
                                     min_df=2, binary=True, preprocessor=personality.lower_text)
        X_train = vectorizer.fit_transform(data.raw(train)).tocsr().astype(np.float64)
        X_test = vectorizer.transform(data.raw(test)).tocsr().astype(np.float64)
        Y_train = data.labels[train]
        probs, chosen = [], {}
        for j, trait in enumerate(TRAIT_CODES):
            y = Y_train[:, j]
            p = np.asarray(X_train[y == 1].sum(axis=0)).ravel() + 1.0
            q = np.asarray(X_train[y == 0].sum(axis=0)).ravel() + 1.0
            r = np.log((p / p.sum()) / (q / q.sum()))
            model, params = _inner_choice(LogisticRegression(solver="liblinear", dual=True),
                                          {"C": [0.01, 0.03, 0.1, 0.3]},
                                          X_train.multiply(r).tocsr(), y, seed)
            chosen[trait] = params
            probs.append(model.predict_proba(X_test.multiply(r).tocsr())[:, 1])
        return np.column_stack(probs), chosen


# ---------------------------------------------------------------------------------------------
# Keras models over Word2Vec vectors trained on the training fold
# ---------------------------------------------------------------------------------------------

def _keras(seed: int):
    """Import Keras with two TF threads (unless POISE_TF_THREADS says otherwise), seeds fixed."""
    os.environ.setdefault("POISE_TF_THREADS", "2")
    runtime.tensorflow()
    import keras

    keras.utils.set_random_seed(seed)
    return keras


def _inner_split(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """10 % of the training fold held out for early stopping."""
    order = np.random.default_rng(seed).permutation(n)
    cut = n // 10
    return order[cut:], order[:cut]


class Word2VecMLP:
    """Keras model over Word2Vec mean+max pooling (fitted on the training fold) and a
    10k-term TF-IDF; early stopping on 10 % of the training fold."""

    def __init__(self, tfidf: str, hidden: int, l2: float, learning_rate: float):
        self.tfidf, self.hidden, self.l2, self.learning_rate = tfidf, hidden, l2, learning_rate

    def fit(self, data: Corpus, train, seed):
        """Returns the fitted featurizer, the Keras model and the early-stopping epoch."""
        content = [data.content[i] for i in train]
        vectors = word_vectors_from_gensim(train_word2vec(content, seed).wv)
        featurizer = personality.Featurizer.fit(data.raw(train), content, vectors, [(self.tfidf,)])
        X = featurizer.transform(data.raw(train), content)
        Y = data.labels[train].astype(np.float32)
        keras = _keras(seed)
        fit_idx, stop_idx = _inner_split(len(train), seed)
        model = build_mlp(X[0].shape[1], X[1].shape[1], self.hidden, self.l2, self.learning_rate)
        history = model.fit([x[fit_idx] for x in X], Y[fit_idx], batch_size=64, epochs=100,
                            validation_data=([x[stop_idx] for x in X], Y[stop_idx]), verbose=0,
                            callbacks=[keras.callbacks.EarlyStopping(
                                monitor="val_loss", patience=8, restore_best_weights=True)])
        return featurizer, model, int(np.argmin(history.history["val_loss"])) + 1

    def fit_predict(self, data: Corpus, train, test, seed):
        featurizer, model, epochs = self.fit(data, train, seed)
        X_test = featurizer.transform(data.raw(test), [data.content[i] for i in test])
        return model.predict_on_batch(X_test), {"epochs": epochs}

    def export(self, data: Corpus, directory: Path, seed: int) -> None:
        featurizer, model, epochs = self.fit(data, np.arange(len(data.texts)), seed)
        featurizer.save(directory)
        model.save(directory / personality.KERAS_FILE)
        log.info("final model stopped at epoch %d", epochs)


class CnnLstm:
    """The design's network: 3 x (Conv1D k8 -> max-pool 2 -> spatial dropout 0.3 -> batch norm),
    3 stacked LSTM(180), Dense(128), five sigmoids; frozen Word2Vec embeddings, 300 tokens."""

    MAX_EPOCHS = 8

    @staticmethod
    def build(embeddings: np.ndarray):
        import keras
        from keras import layers

        inputs = keras.Input(shape=(SEQ_LEN,), dtype="int32")
        x = layers.Embedding(embeddings.shape[0], embeddings.shape[1], trainable=False,
                             embeddings_initializer=keras.initializers.Constant(embeddings))(inputs)
        for filters in (128, 256, 512):
            x = layers.Conv1D(filters, 8, activation="relu")(x)
            x = layers.MaxPooling1D(2)(x)
            x = layers.SpatialDropout1D(0.3)(x)
            x = layers.BatchNormalization()(x)
        x = layers.LSTM(180, return_sequences=True)(x)
        x = layers.LSTM(180, return_sequences=True)(x)
        x = layers.LSTM(180)(x)
        x = layers.Dense(128, activation="relu")(x)
        outputs = layers.Dense(len(TRAIT_CODES), activation="sigmoid")(x)
        model = keras.Model(inputs, outputs, name="cnn_lstm")
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy",
                      metrics=["binary_accuracy"])
        return model

    @staticmethod
    def sequences(data: Corpus, index, vocab: dict[str, int]) -> np.ndarray:
        out = np.zeros((len(index), SEQ_LEN), dtype=np.int32)    # 0 = padding, 1 = unknown
        for row, i in enumerate(index):
            ids = [vocab.get(tok, 1) for tok in data.content[i][:SEQ_LEN]]
            out[row, :len(ids)] = ids
        return out

    @staticmethod
    def fit_predict(data: Corpus, train, test, seed):
        w2v = train_word2vec([data.content[i] for i in train], seed)
        words = w2v.wv.index_to_key
        vocab = {word: k + 2 for k, word in enumerate(words)}
        embeddings = np.zeros((len(words) + 2, W2V_DIM), dtype=np.float32)
        embeddings[2:] = w2v.wv.vectors
        keras = _keras(seed)
        model = CnnLstm.build(embeddings)
        X, Y = CnnLstm.sequences(data, train, vocab), data.labels[train].astype(np.float32)
        fit_idx, stop_idx = _inner_split(len(train), seed)
        history = model.fit(X[fit_idx], Y[fit_idx], batch_size=32, epochs=CnnLstm.MAX_EPOCHS,
                            validation_data=(X[stop_idx], Y[stop_idx]), verbose=0,
                            callbacks=[keras.callbacks.EarlyStopping(
                                monitor="val_loss", patience=2, restore_best_weights=True)])
        probs = model.predict(CnnLstm.sequences(data, test, vocab), verbose=0)
        return probs, {"epochs": int(np.argmin(history.history["val_loss"])) + 1}


MODELS = {
    "majority": Majority,
    "tfidf_nb": TfidfNaiveBayes,
    "tfidf_svm": LinearKeras(("content_all",), loss="svm"),
    "lr_wordchar": LinearKeras(("words_all", "chars")),
    "lr_content": LinearKeras(("content_all",)),
    "lr_content_w2v": LinearKeras(("content_all",), word_vectors=True),
    "lr_wordchar_w2v": LinearKeras(("words_all", "chars"), word_vectors=True),
    "nbsvm": NBSVM,
    "w2v_mlp": Word2VecMLP(tfidf="words", hidden=32, l2=1e-4, learning_rate=1e-3),
    "w2v_linear": Word2VecMLP(tfidf="content", hidden=0, l2=1e-4, learning_rate=3e-3),
    "cnn_lstm": CnnLstm,
}
# Probability averages of cached fold predictions (no extra fitting).
ENSEMBLES = {
    "ens_svm_lr": LinearEnsemble("tfidf_svm", "lr_wordchar"),
    "ens_svm_lr_nbsvm": Ensemble("tfidf_svm", "lr_wordchar", "nbsvm"),
    "ens_svm_lr_w2v": Ensemble("tfidf_svm", "lr_wordchar", "w2v_linear"),
}
SHIPPED = "ens_svm_lr"


def fold_indices(labels: np.ndarray, n_folds: int = N_FOLDS, seed: int = SEED) -> list[np.ndarray]:
    """Test indices of each fold, stratified on the joint five-trait label (32 combinations)."""
    from sklearn.model_selection import StratifiedKFold

    joint = labels @ (1 << np.arange(labels.shape[1]))
    splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    return [test for _, test in splitter.split(np.zeros(len(joint)), joint)]


def run_fold(name: str, fold: int, folds: list[np.ndarray], data: Corpus, force: bool) -> dict:
    """Fit ``name`` on every fold but ``fold``, score ``fold``; cached as JSON."""
    path = RUNS_DIR / "cv" / name / f"fold{fold:02d}.json"
    if path.is_file() and not force:
        return json.loads(path.read_text())
    test = folds[fold]
    train = np.setdiff1d(np.arange(len(data.texts)), test)
    started = time.perf_counter()
    probs, info = MODELS[name].fit_predict(data, train, test, seed=SEED + fold)
    hits = (probs >= 0.5).astype(int) == data.labels[test]
    result = {
        "model": name, "fold": fold, "seconds": round(time.perf_counter() - started, 1),
        "test_index": test.tolist(), "probs": np.round(probs, 5).tolist(),
        "accuracy": dict(zip(TRAIT_CODES, hits.mean(axis=0).round(5).tolist())), "info": info,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result))
    log.info("%s fold %d: mean %.3f (%.0f s)", name, fold, hits.mean(), result["seconds"])
    return result


def ensemble_fold(members: list[dict]) -> dict:
    """Average the members' probabilities on one fold (no fitting, so nothing can leak)."""
    probs = np.mean([np.asarray(member["probs"]) for member in members], axis=0)
    return {"probs": probs.tolist(), "test_index": members[0]["test_index"]}


def summarise(name: str, results: list[dict], labels: np.ndarray) -> dict:
    """Per-trait mean and standard deviation of fold accuracy."""
    per_fold = []
    for result in results:
        index = np.asarray(result["test_index"])
        hits = (np.asarray(result["probs"]) >= 0.5).astype(int) == labels[index]
        per_fold.append(hits.mean(axis=0))
    per_fold = np.asarray(per_fold)
    return {
        "model": name, "folds": len(results),
        "accuracy": {t: round(float(m), 4) for t, m in zip(TRAIT_CODES, per_fold.mean(axis=0))},
        "std": {t: round(float(s), 4) for t, s in zip(TRAIT_CODES, per_fold.std(axis=0))},
        "mean_accuracy": round(float(per_fold.mean()), 4),
        "mean_accuracy_std_over_folds": round(float(per_fold.mean(axis=1).std()), 4),
        "seconds": round(sum(r.get("seconds", 0.0) for r in results), 1),
    }


def cross_validate(names: list[str], fold_ids: list[int], data: Corpus, force: bool) -> dict:
    folds = fold_indices(data.labels)
    summaries = {}
    cached: dict[str, list[dict]] = {}
    for name in names:
        if name in ENSEMBLES:
            continue
        cached[name] = [run_fold(name, k, folds, data, force) for k in fold_ids]
        summaries[name] = summarise(name, cached[name], data.labels)
    for name, ensemble in ENSEMBLES.items():
        if name not in names:
            continue
        members = ensemble.members
        runs = {m: cached.get(m) or [run_fold(m, k, folds, data, False) for k in fold_ids]
                for m in members}
        merged = [ensemble_fold([runs[m][i] for m in members]) for i in range(len(fold_ids))]
        summaries[name] = summarise(name, merged, data.labels)
        summaries[name]["seconds"] = sum(summaries.get(m, {}).get("seconds", 0) for m in members)
    return summaries


def write_summary(summaries: dict, fold_ids: list[int]) -> Path:
    path = RUNS_DIR / "cv_results.json"
    previous = json.loads(path.read_text()) if path.is_file() else {}
    previous.update(summaries)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(previous, indent=2))
    for name, summary in summaries.items():
        cells = "  ".join(f"{t} {summary['accuracy'][t]:.3f}±{summary['std'][t]:.3f}"
                          for t in TRAIT_CODES)
        log.info("%-14s folds=%d  %s  mean %.4f", name, summary["folds"], cells,
                 summary["mean_accuracy"])
    return path


def ship(name: str, data: Corpus) -> None:
    """Train ``name`` on every essay and export it with its CV metrics to models/personality/."""
    results = json.loads((RUNS_DIR / "cv_results.json").read_text())
    if name not in results or results[name]["folds"] != N_FOLDS:
        raise SystemExit(f"run the full {N_FOLDS}-fold CV of {name} before shipping it")
    started = time.perf_counter()
    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    {**MODELS, **ENSEMBLES}[name].export(data, MODEL_DIR, seed=SEED)
    write_metrics(name, len(data.texts), round(time.perf_counter() - started, 1))
    log.info("shipped %s to %s", name, MODEL_DIR)


def write_metrics(name: str, n_train: int, fit_seconds: float | None = None) -> None:
    """metrics.json next to the weights: the shipped model's CV accuracy (the analyzer's
    per-trait confidence) and every model tried."""
    results = json.loads((RUNS_DIR / "cv_results.json").read_text())
    path = MODEL_DIR / "metrics.json"
    if fit_seconds is None and path.is_file():
        fit_seconds = json.loads(path.read_text()).get("final_fit_seconds")
    metrics = {
        "model": name,
        "cv": {"folds": N_FOLDS, "seed": SEED, "stratified_on": "joint five-trait label"},
        "accuracy": results[name]["accuracy"],
        "std": results[name]["std"],
        "mean_accuracy": results[name]["mean_accuracy"],
        "majority_baseline": results["majority"]["accuracy"],
        "all_models": {m: {"accuracy": r["accuracy"], "std": r["std"], "folds": r["folds"],
                           "mean_accuracy": r["mean_accuracy"]} for m, r in results.items()},
        "n_train": n_train,
        "final_fit_seconds": fit_seconds,
    }
    path.write_text(json.dumps(metrics, indent=2) + "\n")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="essays CSV(.gz); default $POISE_DATASETS/text/essays_train.csv.gz")
    parser.add_argument("--models", nargs="+", choices=[*MODELS, *ENSEMBLES],
                        default=[*MODELS, *ENSEMBLES])
    parser.add_argument("--folds", nargs="+", type=int, default=list(range(N_FOLDS)),
                        help="which of the 10 folds to run (default: all)")
    parser.add_argument("--force", action="store_true", help="recompute cached fold results")
    parser.add_argument("--ship", default=SHIPPED,
                        choices=[name for name, model in {**MODELS, **ENSEMBLES}.items()
                                 if hasattr(model, "export")],
                        help=f"model to train on all data and export (default {SHIPPED})")
    parser.add_argument("--no-ship", action="store_true", help="cross-validate only")
    parser.add_argument("--ship-only", action="store_true", help="skip cross-validation")
    parser.add_argument("--metrics-only", action="store_true",
                        help="rewrite models/personality/metrics.json from the CV results only")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    args = parse_args(argv)
    data = Corpus.load(args.data)
    started = time.perf_counter()
    if args.metrics_only:
        write_metrics(args.ship, len(data.texts))
        return
    if not args.ship_only:
        write_summary(cross_validate(args.models, args.folds, data, args.force), args.folds)
    if not args.no_ship:
        ship(args.ship, data)
    log.info("done in %.1f min", (time.perf_counter() - started) / 60)


if __name__ == "__main__":
    main()
