"""Result types of speech to text and of what the words of a spoken answer show: small,
frozen, ``dataclasses.asdict``-friendly. Times are seconds from the start of the recording."""
import re
from dataclasses import dataclass

# The filled pauses counted as fillers, in one spelling each (the asr/ data's list). Spelled-out
# variants (umm, uhh, mmm, hmmm) are read as these by :func:`filler_form`. "you know" and
# "like" are not counted: they are words too, and which use is a filler is a judgement.
FILLER_WORDS = frozenset({"uh", "um", "er", "erm", "ah", "hm", "hmm", "mm", "uhm", "eh"})


def filler_form(token: str) -> str | None:
    """The filler a token spells (``"Umm,"`` -> ``"um"``), or None for any other word."""
    word = re.sub(r"[^a-z]", "", token.lower())
    word = re.sub(r"(.)\1+", r"\1", word)            # umm -> um, uhhh -> uh, hmmm -> hm
    if word in FILLER_WORDS:
        return word
    return "mm" if word == "m" else None          # mmm -> m


@dataclass(frozen=True)
class WordCount:
    word: str
    count: int


@dataclass(frozen=True)
class SpokenWord:
    """One recognised word: its text as heard (punctuation kept), its span, how sure the
    recogniser was (0-1), and whether it is a filler (um, uh, er, ...)."""

    text: str
    start: float
    end: float
    probability: float
    filler: bool = False


@dataclass(frozen=True)
class Transcript:
    """The words of a recording in order, with the recogniser that heard them."""

    words: tuple[SpokenWord, ...]
    duration_seconds: float
    recogniser: str                      # e.g. "whisper tiny.en (faster-whisper 1.2.1, int8, cpu)"

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


@dataclass(frozen=True)
class WordPause:
    """A long silence between two words: after word ``after_word`` (an index into the words)."""

    start: float
    end: float
    after_word: int


@dataclass(frozen=True)
class PaceWindow:
    """Words per minute over one window of the answer (fillers not counted as words)."""

    start: float
    end: float
    words_per_minute: float


@dataclass(frozen=True)
class Repeat:
    """A word or phrase said again straight away ("I I think"), or a restart: a phrase
    broken off and begun again ("we went to, we drove to"). ``word_index`` is its first word."""

    kind: str               # "repetition" or "restart"
    word_index: int
    length: int             # words in the part that was said again or abandoned
    time: float
    text: str               # what was repeated, or abandoned


@dataclass(frozen=True)
class AnswerPart:
    """Where one part of a structured answer (situation, task, action, result) begins, and
    the words that gave it away."""

    part: str               # "situation", "task", "action" or "result"
    start: float
    word_index: int
    cue: str                # e.g. "my role was"


@dataclass(frozen=True)
class SpokenMeasures:
    """What the words show. Units are in the field names; counts exclude fillers unless named."""

    word_count: int                      # words, fillers not counted
    speaking_span_seconds: float         # first word's start to the last word's end
    words_per_minute: float              # word_count over the speaking span
    pace: tuple[PaceWindow, ...]
    filler_count: int
    fillers_per_minute: float            # over the speaking span
    fillers: tuple[WordCount, ...]       # which fillers, most used first
    long_pauses: tuple[WordPause, ...]
    repeats: tuple[Repeat, ...]
    structure: tuple[AnswerPart, ...]    # the parts found, in the order they start
    leaned_on_words: tuple[WordCount, ...]  # content words used far more than usual
