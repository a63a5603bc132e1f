"""Text preprocessing shared by training and serving, so the two can never drift.

Everything here works offline: NLTK's Snowball stemmer needs no downloaded data and the stop
words are gensim's built-in list (``gensim.parsing.preprocessing.STOPWORDS``).
"""
import re
from collections import Counter
from functools import lru_cache

from emotion.base import WordCount

# Encoding artefacts in the Essays corpus (Mac Roman read as Latin-1 and similar): the
# apostrophe shows up as "Õ", "¹" or a curly quote, dashes as "Ð".
_ARTEFACTS = str.maketrans({
    "Õ": "'", "¹": "'", "’": "'", "‘": "'", "`": "'",
    "“": '"', "”": '"', "Ò": '"', "Ó": '"',
    "Ð": " - ", "–": " - ", "—": " - ",
    "\u00a0": " ",
})

# Lower-case words; an inner apostrophe keeps contractions whole ("don't", "i'm").
WORD_PATTERN = r"[a-z]+(?:'[a-z]+)*"
_WORD = re.compile(WORD_PATTERN)

# Contraction endings: "she's" -> "she", "didn't" -> "did"; irregular negations listed apart.
_SUFFIX = re.compile(r"(?:n't|'s|'ll|'re|'ve|'d|'m|')$")
_IRREGULAR = {"can't": "can", "won't": "will", "shan't": "shall", "ain't": "am"}

# Share of tokens that must be English function words for :func:`looks_english`. Every essay in
# the training corpus scores at least 0.25 (median 0.64; the lowest are telegraphic word lists);
# French, German and Spanish prose and random letters score 0.15 or less.
ENGLISH_THRESHOLD = 0.22


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """gensim's English stop words (337), loaded on first use."""
    from gensim.parsing.preprocessing import STOPWORDS

    return frozenset(STOPWORDS)


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stem of one word; cached because the same words recur in every text."""
    return _stemmer().stem(word)


def normalise(text: str) -> str:
    """Repair the corpus's encoding artefacts and collapse runs of white space."""
    return " ".join(str(text).translate(_ARTEFACTS).split())


def tokens(text: str) -> list[str]:
    """Lower-case words without punctuation or numbers; contractions stay whole."""
    return _WORD.findall(normalise(text).lower())


def _base_word(token: str) -> str:
    """The word a contraction or possessive is built on: "mom's" -> "mom", "don't" -> "do"."""
    if "'" not in token:
        return token
    return _IRREGULAR.get(token) or _SUFFIX.sub("", token).split("'")[0]


def content_words(text: str) -> list[str]:
    """Unstemmed lower-case words that carry content: stop words and single letters removed."""
    stops = stop_words()
    words = (_base_word(token) for token in tokens(text))
    return [word for word in words if len(word) > 1 and word not in stops]


def content_tokens(text: str) -> list[str]:
    """Content words, stemmed (Snowball): the model's input vocabulary."""
    return [stem(word) for word in content_words(text)]


def word_count(text: str) -> int:
    """Number of words as a person would count them (contractions count once)."""
    return len(tokens(text))


def top_words(text: str, n: int = 15) -> tuple[WordCount, ...]:
    """The ``n`` most used content words with their counts; ties broken alphabetically."""
    counts = Counter(content_words(text))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(WordCount(word=word, count=count) for word, count in ranked[:n])


def english_share(text: str) -> float:
    """Share of tokens that are common English function words (0 for a text with no words)."""
    words = tokens(text)
    if not words:
        return 0.0
    stops = stop_words()
    return sum(_base_word(word) in stops for word in words) / len(words)


def looks_english(text: str, threshold: float = ENGLISH_THRESHOLD) -> bool:
    """True when enough of the words are common English function words.

    Ordinary English prose is 40-60 % function words ("the", "and", "i", "to", ...); other
    languages and random strings share only a handful of them.
    """
    return english_share(text) >= threshold
