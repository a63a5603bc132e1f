"""The Big Five model: text preprocessing (fast) and the committed weights on real essays (slow)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from emotion import text
from emotion.base import TRAIT_CODES, WordCount
from emotion.errors import ModelUnavailable
from emotion.personality import MODEL_DIR, PersonalityAnalyzer
from training.data import datasets_dir, load_essays

REPO_ROOT = Path(__file__).resolve().parent.parent

ENGLISH = ("Well, here we go with the stream of consciousness essay. I used to do things like "
           "this in high school sometimes, but I often find myself with nothing to say.")
FRENCH = ("Je pense que c'est une bonne idée de travailler avec vous, parce que j'aime beaucoup "
          "votre entreprise et je suis très motivé pour ce poste.")
GERMAN = ("Ich glaube, dass ich für diese Stelle sehr gut geeignet bin, weil ich viel Erfahrung "
          "habe und gerne im Team arbeite.")
SPANISH = ("Creo que soy una buena persona para este trabajo porque tengo mucha experiencia y me "
           "gusta trabajar en equipo con otras personas.")
GIBBERISH = "qwx zzkrp blorft vixen quazt mmrpl trazzle fnord glorp wibbet snarf kluxe"


@pytest.fixture(scope="module")
def essays_sample() -> Path:
    path = datasets_dir() / "fixtures" / "text" / "essays_sample.csv"
    if not path.is_file():
        pytest.skip(f"fixture essays not found at {path} (set POISE_DATASETS)")
    return path


@pytest.fixture(scope="module")
def analyzer() -> PersonalityAnalyzer:
    return PersonalityAnalyzer()


@pytest.fixture(scope="module")
def card_metrics() -> dict:
    return json.loads((MODEL_DIR / "metrics.json").read_text())


# --- preprocessing (fast) --------------------------------------------------------------------

def test_normalise_repairs_corpus_apostrophes():
    assert text.normalise("thatÕs why I¹m here") == "that's why I'm here"
    assert text.tokens("I donÕt know") == ["i", "don't", "know"]


def test_tokens_drop_punctuation_and_numbers():
    assert text.tokens("Hello, World! 42 times... (really)") == ["hello", "world", "times", "really"]


def test_content_tokens_remove_stop_words_and_stem():
    assert text.content_tokens("The runners were running quickly to their houses") == [
        "runner", "run", "quick", "hous"]
    assert text.content_tokens("I don't think it's 2024") == ["think"]
    assert text.content_tokens("") == []


def test_word_count_counts_contractions_once():
    assert text.word_count("I don't know, 3 times.") == 4
    assert text.word_count("") == 0


def test_top_words_counts_unstemmed_words_without_stop_words():
    words = text.top_words("Running, running and running! The dog was running; dogs bark. "
                           "Bark bark.", n=3)
    assert words == (WordCount("running", 4), WordCount("bark", 3), WordCount("dog", 1))


def test_top_words_breaks_ties_alphabetically_and_limits_n():
    words = text.top_words("zebra apple mango apple zebra mango kiwi", n=3)
    assert [w.word for w in words] == ["apple", "mango", "zebra"]
    assert all(w.count == 2 for w in words)
    assert text.top_words("the and of", n=5) == ()


def test_top_words_folds_possessives_into_the_word():
    assert text.top_words("My momÕs car and my mom's house. Mom!", n=1) == (WordCount("mom", 3),)


@pytest.mark.parametrize("sample", [ENGLISH, "I think that I am a good fit for the team."])
def test_looks_english_accepts_english(sample):
    assert text.looks_english(sample)


@pytest.mark.parametrize("sample", [FRENCH, GERMAN, SPANISH, GIBBERISH, "", "12345 !!!"])
def test_looks_english_rejects_other_languages_and_noise(sample):
    assert not text.looks_english(sample)


def test_looks_english_accepts_every_fixture_essay(essays_sample):
    texts, _ = load_essays(essays_sample)
    assert texts and all(text.looks_english(essay) for essay in texts)


def test_missing_weights_raise_model_unavailable(tmp_path):
    with pytest.raises(ModelUnavailable):
        PersonalityAnalyzer(model_dir=tmp_path).analyze("Some words to score.")


# --- what the trainer exports, serving loads (slow: Keras) ------------------------------------

def small_corpus(n: int = 60):
    """Essays of words drawn at random, each trait high in half of them."""
    import numpy as np

    from training.train_personality import Corpus

    rng = np.random.default_rng(0)
    words = ("team project deadline customer friend worry happy plan travel music idea people "
             "study work calm nervous party quiet detail goal").split()
    texts = [" ".join(rng.choice(words, size=80)) + "." for _ in range(n)]
    labels = (np.arange(n)[:, None] // np.array([1, 2, 3, 5, 7]) % 2).astype(int)
    return Corpus(texts, labels, [text.content_tokens(t) for t in texts])


@pytest.mark.slow
@pytest.mark.parametrize("name", ["lr_content_w2v", "ens_svm_lr", "w2v_linear"])
def test_serving_loads_every_kind_of_model_the_trainer_exports(tmp_path, name):
    import numpy as np

    from training.train_personality import ENSEMBLES, MODELS

    data = small_corpus()
    {**MODELS, **ENSEMBLES}[name].export(data, tmp_path, seed=0)
    accuracy = {trait: 0.5 for trait in TRAIT_CODES}
    (tmp_path / "metrics.json").write_text(json.dumps({"model": name, "accuracy": accuracy}))
    probabilities = PersonalityAnalyzer(model_dir=tmp_path).predict_proba(data.texts[:5])
    assert probabilities.shape == (5, len(TRAIT_CODES))
    assert np.all((probabilities >= 0) & (probabilities <= 1))


# --- the committed model (slow) --------------------------------------------------------------

@pytest.mark.slow
def test_scores_fixture_essays(analyzer, essays_sample, card_metrics):
    texts, _ = load_essays(essays_sample)
    for essay in texts:
        result = analyzer.analyze(essay)
        assert [t.code for t in result.traits] == list(TRAIT_CODES)
        assert all(0.0 <= t.score <= 100.0 for t in result.traits)
        assert {t.code: t.confidence for t in result.traits} == card_metrics["accuracy"]
        assert result.word_count == text.word_count(essay)
        assert result.model_name == card_metrics["model"]


@pytest.mark.slow
def test_scores_are_deterministic_and_vary_by_text(analyzer, essays_sample):
    texts, _ = load_essays(essays_sample)
    first = [analyzer.analyze(essay) for essay in texts]
    assert first == [analyzer.analyze(essay) for essay in texts]
    assert len({tuple(t.score for t in result.traits) for result in first}) == len(texts)


@pytest.mark.slow
@pytest.mark.parametrize("odd", ["", "   ", "12345", "!!!", "ñ" * 5000, "word " * 3000])
def test_odd_input_does_not_crash(analyzer, odd):
    result = analyzer.analyze(odd)
    assert len(result.traits) == 5
    assert all(0.0 <= t.score <= 100.0 for t in result.traits)


@pytest.mark.slow
def test_evaluate_cli_prints_one_json_line(essays_sample):
    done = subprocess.run([sys.executable, "-m", "training.evaluate", "personality",
                           str(essays_sample)], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=300, check=True)
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert result["task"] == "personality"
    assert result["n"] == 3
    assert set(result["accuracy"]) == set(TRAIT_CODES)
    assert all(0.0 <= a <= 1.0 for a in result["accuracy"].values())
    mean = sum(result["accuracy"].values()) / 5
    assert result["mean_accuracy"] == pytest.approx(mean, abs=1e-3)


def test_evaluate_cli_rejects_a_missing_file(tmp_path):
    done = subprocess.run([sys.executable, "-m", "training.evaluate", "personality",
                           str(tmp_path / "nope.csv")], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2
    assert "nope.csv" in done.stderr and done.stdout == ""
