"""Repetitions and restarts in the words of a spoken answer: pure functions over a Transcript.

What is counted (fillers between words are skipped, case and punctuation ignored):

* **repetition** - a word or a 2-3 word phrase said again straight away: "I I think",
  "we went we went", "I, um, I". Every such pair counts, whether it was a stumble or meant:
  "very very good" and "I think that that is" are repetitions too, because the words alone
  cannot tell them apart. "I I I" counts twice (said again twice). A word that ends a sentence
  (".", "?", "!") never starts a repetition: "I did that. That was hard" is not one.
* **restart** - a phrase broken off and begun again:
  - a word cut off, which Whisper writes ending in "-" ("we dri- we drove"): the cut word,
    and the one or two words before it when the speaker says them again after it;
  - a clause broken off at a comma and begun again with the same first one or two words that
    then go another way ("we went to, we drove to"). For precision the broken-off part must
    start its clause (or follow a leading "so", "and", "but", "then", "well"), be at most five
    words, and end on a function word ("to", "the", "was"): a clause cut off mid-way. So
    "I went to Paris, I went to Rome" (a list) and "at my job, my manager" are not restarts.
"""
import re

from emotion.text import content_words
from emotion.transcript_types import Repeat, SpokenWord, Transcript, filler_form

_NOT_WORD = re.compile(r"[^a-z0-9']")
_SENTENCE_END = re.compile(r"[.?!]['\"]?$")
_CLAUSE_END = re.compile(r"[.?!,;:]['\"]?$")
_EDGE_PUNCTUATION = ".,;:!?\"'"      # kept off a repeat's text; a cut-off's "-" stays

MAX_REPEATED_WORDS = 3         # "we went to we went to"; longer runs are rarely stumbles
MAX_RESTART_WORDS = 5          # a broken-off clause is short
_CLAUSE_LEADERS = frozenset({"so", "and", "but", "then", "well"})


def plain_word(text: str) -> str:
    """A word as compared: lower case, no punctuation (``" We,"`` -> ``"we"``)."""
    plain = _NOT_WORD.sub("", text.lower().replace("\u2019", "'"))
    return plain.strip("'")


def is_filler(word: SpokenWord) -> bool:
    """A filler by the recogniser's flag or by its spelling (um, uhh, er, ...)."""
    return word.filler or filler_form(word.text) is not None


def spoken_indices(transcript: Transcript) -> list[int]:
    """Indices of the words that count as words: not fillers, not bare punctuation."""
    return [index for index, word in enumerate(transcript.words)
            if not is_filler(word) and plain_word(word.text)]


def find_repeats(transcript: Transcript) -> tuple[Repeat, ...]:
    """Repetitions and restarts, in the order they were said (see the module's notes)."""
    indices = spoken_indices(transcript)
    found = _repetitions(transcript, indices) + _cut_offs(transcript, indices)
    found += _comma_restarts(transcript, indices)
    return tuple(sorted(found, key=lambda repeat: (repeat.word_index, repeat.kind)))


def _repeat(transcript: Transcript, kind: str, picked: list[int]) -> Repeat:
    first = transcript.words[picked[0]]
    text = " ".join(transcript.words[index].text.strip().strip(_EDGE_PUNCTUATION)
                    for index in picked)
    return Repeat(kind=kind, word_index=picked[0], length=len(picked), time=first.start,
                  text=text)


def _repetitions(transcript: Transcript, indices: list[int]) -> list[Repeat]:
    forms = [plain_word(transcript.words[index].text) for index in indices]
    texts = [transcript.words[index].text.strip() for index in indices]
    found = []
    for at in range(len(forms)):
        for size in range(1, MAX_REPEATED_WORDS + 1):
            first, again = forms[at:at + size], forms[at + size:at + 2 * size]
            if len(again) == size and first == again and not _SENTENCE_END.search(
                    texts[at + size - 1]):
                found.append(_repeat(transcript, "repetition", indices[at:at + size]))
                break                # shortest first: "the the the" is two single repeats
    return found


def _cut_offs(transcript: Transcript, indices: list[int]) -> list[Repeat]:
    forms = [plain_word(transcript.words[index].text) for index in indices]
    found = []
    for at, index in enumerate(indices):
        if not transcript.words[index].text.strip().endswith("-"):
            continue
        begun = at
        for size in (2, 1):          # "we dri- we drove": "we" is said again after the cut
            if at >= size and forms[at - size:at] == forms[at + 1:at + 1 + size]:
                begun = at - size
                break
        found.append(_repeat(transcript, "restart", indices[begun:at + 1]))
    return found


def _comma_restarts(transcript: Transcript, indices: list[int]) -> list[Repeat]:
    forms = [plain_word(transcript.words[index].text) for index in indices]
    texts = [transcript.words[index].text.strip() for index in indices]
    found = []
    for end in range(len(forms) - 1):
        if not texts[end].endswith(","):
            continue
        begun = _broken_clause_start(forms, texts, end)
        if begun is not None:
            found.append(_repeat(transcript, "restart", indices[begun:end + 1]))
    return found


def _broken_clause_start(forms: list[str], texts: list[str], end: int) -> int | None:
    """Where the clause ending at the comma after ``end`` began, if it was broken off and
    begun again straight after the comma; None when it was not."""
    start = end
    while start > 0 and not _CLAUSE_END.search(texts[start - 1]):
        start -= 1
    if start + 1 <= end and forms[start] in _CLAUSE_LEADERS and forms[start + 1] == forms[end + 1]:
        start += 1
    size = end - start + 1
    if size < 2 or size > MAX_RESTART_WORDS or forms[start] != forms[end + 1]:
        return None
    if forms[start:end + 1] == forms[end + 1:end + 1 + size]:
        return None                  # said again whole: a repetition, not a restart
    if content_words(texts[end]):
        return None                  # ended on a content word: a clause, not a break
    return start
