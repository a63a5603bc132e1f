"""Big Five traits from writing style: a Keras model over TF-IDF features (and, for the
word-vector variants, pooled gensim Word2Vec vectors) of NLTK-preprocessed text.

The shipped model (see ``models/personality/MODEL_CARD.md``) is the average of two linear
heads, a linear SVM on stemmed content words and a logistic regression on word and character
n-grams, saved as one ``.keras`` file plus a gzip JSON TF-IDF vocabulary: no pickle.

The feature code here is shared by ``training/train_personality.py`` and serving, so the two
cannot drift; the Keras model builders and the Word2Vec training live in
``training/personality_models.py``, since serving only loads what they saved. TensorFlow and
scikit-learn are imported inside functions: importing this module is cheap and safe before
gunicorn forks.
"""
import gzip
import json
import logging
from pathlib import Path

import numpy as np

from emotion import registry, runtime
from emotion import text as text_features
from emotion.base import TRAIT_CODES, TRAIT_NAMES, PersonalityResult, TraitScore
from emotion.errors import DAMAGED_MODEL_FILE_ERRORS, ModelUnavailable
from emotion.model_info import model_info

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "personality"
TFIDF_WORDS = 10_000   # word 1-2-gram vocabulary of the "words" and "content" TF-IDF parts

# Files of the shipped model, all free of pickle.
KERAS_FILE = "model.keras"
VOCAB_FILE = "tfidf_vocabulary.json.gz"  # {"groups": [[part, ...]], "parts": {part: {"terms", "idf"}}}
VECTORS_FILE = "word_vectors.npz"        # words (str array) + vectors (float16)


# ---------------------------------------------------------------------------------------------
# Features (training and serving)
# ---------------------------------------------------------------------------------------------

def lower_text(text: str) -> str:
    """Artefact-free lower-case text: the preprocessor of every vectorizer."""
    return text_features.normalise(text).lower()


def content_ngrams(text: str) -> list[str]:
    """Stemmed content words and their bigrams: the design's preprocessing as TF-IDF terms."""
    words = text_features.content_tokens(text)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


# TF-IDF feature sets ("parts"); a model concatenates one or more of them.
#   words      word 1-2-grams, stop words kept (function words carry personality signal), top 10k
#   content    stemmed content words and their bigrams (the design's preprocessing), top 10k
#   words_all  word 1-2-grams seen in at least 3 essays
#   content_all  stemmed content 1-2-grams seen in at least 2 essays
#   chars      character 2-4-grams inside word boundaries, top 60k
def build_tfidf(part: str, vocabulary: dict[str, int] | None = None):
    from sklearn.feature_extraction.text import TfidfVectorizer

    common = {"sublinear_tf": True, "vocabulary": vocabulary, "dtype": np.float32}
    words = {"preprocessor": lower_text, "token_pattern": text_features.WORD_PATTERN,
             "ngram_range": (1, 2)}
    settings = {
        "words": {**words, "min_df": 3, "max_features": TFIDF_WORDS},
        "content": {"analyzer": content_ngrams, "min_df": 3, "max_features": TFIDF_WORDS},
        "words_all": {**words, "min_df": 3},
        "content_all": {"analyzer": content_ngrams, "min_df": 2},
        "chars": {"preprocessor": lower_text, "analyzer": "char_wb", "ngram_range": (2, 4),
                  "min_df": 5, "max_features": 60_000},
    }
    return TfidfVectorizer(**settings[part], **common)


class WordVectors:
    """A word -> vector table, pooled over a text as [mean, max] of its known content words."""

    def __init__(self, words: list[str], vectors: np.ndarray):
        self.index = {word: i for i, word in enumerate(words)}
        self.words = list(words)
        # Rounded to float16 here, as stored on disk, so training sees what serving sees.
        self.vectors = np.asarray(vectors, dtype=np.float16).astype(np.float32)

    @property
    def dim(self) -> int:
        return self.vectors.shape[1]

    def pool(self, content_tokens: list[str]) -> np.ndarray:
        rows = [self.index[t] for t in content_tokens if t in self.index]
        if not rows:
            return np.zeros(2 * self.dim, dtype=np.float32)
        found = self.vectors[rows]
        return np.concatenate([found.mean(axis=0), found.max(axis=0)])


class Featurizer:
    """Text -> model inputs: one TF-IDF matrix per group of parts (the parts of a group side by
    side) and, optionally, the standardised [mean, max] of the text's Word2Vec vectors."""

    def __init__(self, groups: list[tuple[str, ...]], parts: dict,
                 vectors: WordVectors | None = None, mean=None, std=None):
        self.groups = [tuple(group) for group in groups]
        self.parts = parts            # {part name: fitted TfidfVectorizer}
        self.vectors = vectors
        self.mean, self.std = mean, std

    @classmethod
    def fit(cls, texts: list[str], content: list[list[str]], vectors: WordVectors | None,
            groups: list[tuple[str, ...]]) -> "Featurizer":
        fitted = {part: build_tfidf(part).fit(texts) for group in groups for part in group}
        if vectors is None:
            return cls(groups, fitted)
        pooled = np.stack([vectors.pool(tokens) for tokens in content])
        return cls(groups, fitted, vectors, pooled.mean(axis=0), pooled.std(axis=0) + 1e-6)

    @classmethod
    def merge(cls, featurizers: list["Featurizer"]) -> "Featurizer":
        """The groups of several word-vector-free featurizers, for an ensemble."""
        if any(f.vectors is not None for f in featurizers):
            raise ValueError("only featurizers without word vectors can be merged")
        groups = [group for f in featurizers for group in f.groups]
        return cls(groups, {part: v for f in featurizers for part, v in f.parts.items()})

    @property
    def n_inputs(self) -> int:
        return len(self.groups) + (self.vectors is not None)

    def tfidf(self, texts: list[str]) -> list:
        """One sparse (n, terms) matrix per group."""
        from scipy.sparse import hstack

        return [hstack([self.parts[part].transform(texts) for part in group], format="csr",
                       dtype=np.float32) for group in self.groups]

    def pooled(self, content: list[list[str]]) -> np.ndarray:
        pooled = np.stack([self.vectors.pool(tokens) for tokens in content])
        return ((pooled - self.mean) / self.std).astype(np.float32)

    def transform(self, texts: list[str], content: list[list[str]] | None = None) -> list:
        """Dense Keras inputs: the TF-IDF of each group, then the pooled word vectors if any."""
        inputs = [matrix.toarray() for matrix in self.tfidf(texts)]
        if self.vectors is not None:
            if content is None:
                content = [text_features.content_tokens(text) for text in texts]
            inputs.append(self.pooled(content))
        return inputs

    def save(self, directory: Path) -> None:
        parts = {}
        for part, vectorizer in self.parts.items():
            terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
            parts[part] = {"terms": terms, "idf": vectorizer.idf_.astype(float).tolist()}
        saved = json.dumps({"groups": self.groups, "parts": parts}, separators=(",", ":"))
        # mtime=0 keeps the file byte-identical between identical trainings
        (directory / VOCAB_FILE).write_bytes(gzip.compress(saved.encode("utf-8"), mtime=0))
        if self.vectors is not None:
            np.savez_compressed(directory / VECTORS_FILE, words=np.asarray(self.vectors.words),
                                vectors=self.vectors.vectors.astype(np.float16),
                                mean=self.mean, std=self.std)
        else:
            (directory / VECTORS_FILE).unlink(missing_ok=True)

    @classmethod
    def load(cls, directory: Path) -> "Featurizer":
        saved = json.loads(gzip.decompress((directory / VOCAB_FILE).read_bytes()))
        parts = {}
        for part, fitted in saved["parts"].items():
            vocabulary = {term: column for column, term in enumerate(fitted["terms"])}
            parts[part] = build_tfidf(part, vocabulary=vocabulary)
            parts[part].idf_ = np.asarray(fitted["idf"], dtype=np.float32)
        if not (directory / VECTORS_FILE).is_file():
            return cls(saved["groups"], parts)
        with np.load(directory / VECTORS_FILE, allow_pickle=False) as arrays:
            vectors = WordVectors(arrays["words"].tolist(), arrays["vectors"])
            return cls(saved["groups"], parts, vectors, arrays["mean"], arrays["std"])


# ---------------------------------------------------------------------------------------------
# Serving
# ---------------------------------------------------------------------------------------------

class PersonalityAnalyzer:
    """Scores the five traits of a text; loads the committed weights on first use."""

    def __init__(self, model_dir: Path | None = None):
        self.model_dir = Path(model_dir) if model_dir is not None else MODEL_DIR
        self._loaded = registry.Lazy(self._read_model)   # (featurizer, predict)

    def _read_model(self):
        try:
            featurizer = Featurizer.load(self.model_dir)
            runtime.tensorflow()  # POISE_FORCE_CPU / POISE_TF_THREADS, once per process
            import keras

            model = keras.saving.load_model(self.model_dir / KERAS_FILE, compile=False)
            if len(model.inputs) != featurizer.n_inputs:
                raise ValueError(f"{KERAS_FILE} takes {len(model.inputs)} inputs, "
                                 f"the saved features give {featurizer.n_inputs}")
        except DAMAGED_MODEL_FILE_ERRORS as error:
            raise ModelUnavailable(
                f"personality model in {self.model_dir} is missing or damaged: {error}") from error
        log.info("loaded personality model from %s", self.model_dir)
        return featurizer, model.predict_on_batch

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """P(high) for each trait, shape (len(texts), 5), in :data:`TRAIT_CODES` order."""
        featurizer, predict = self._loaded.get()
        probs = []
        for start in range(0, len(texts), 64):
            batch = [str(text) for text in texts[start:start + 64]]
            probs.append(np.asarray(predict(featurizer.transform(batch)), dtype=np.float64))
        return np.concatenate(probs) if probs else np.zeros((0, len(TRAIT_CODES)))

    def analyze(self, text: str) -> PersonalityResult:
        probs = self.predict_proba([text])[0]
        info = model_info("personality", self.model_dir)
        traits = tuple(
            TraitScore(code=code, name=TRAIT_NAMES[code], score=round(float(p) * 100, 1),
                       confidence=info.accuracy_by_class.get(TRAIT_NAMES[code]))
            for code, p in zip(TRAIT_CODES, probs)
        )
        return PersonalityResult(traits=traits, model_name=info.name,
                                 word_count=text_features.word_count(text or ""))


def get_analyzer() -> PersonalityAnalyzer:
    """The process-wide analyzer (weights still load lazily, on the first ``analyze``)."""
    return registry.get_or_build("personality", PersonalityAnalyzer)
