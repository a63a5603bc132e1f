"""What the words of a spoken answer show, measured from its transcript: pace, fillers,
long pauses, repeats, the parts of a STAR answer and the words leaned on.

Pure functions over a :class:`~emotion.transcript_types.Transcript`: no models, no web. The
measures describe; what public guidance says about each is shown with it
(``interview.answers.measures.WORDS``).
"""
from collections import Counter

from emotion.answer_structure import find_structure
from emotion.base import WordCount
from emotion.spoken_repeats import find_repeats, is_filler, plain_word, spoken_indices
from emotion.text import content_words
from emotion.transcript_types import (PaceWindow, SpokenMeasures, SpokenWord, Transcript,
                                      WordPause, filler_form)

# Pace is read over 10 s windows every 5 s: long enough to hold 20-30 words at a usual rate
# (so one pause does not swing it wildly), short enough to show a stretch that sped up.
PACE_WINDOW_SECONDS = 10.0
PACE_STEP_SECONDS = 5.0

# A silence of 1 s or more between words is a long pause. Campione & Veronis (2002), "A
# large-scale multilingual study of silent pause duration" (Speech Prosody 2002, 199-202),
# found pause lengths fall into three groups - brief (< 0.2 s), medium (0.2-1 s) and long
# (> 1 s) - the long ones only in spontaneous speech, i.e. pauses to think rather than to
# breathe or mark a phrase. 1 s is also well above the error of Whisper's word timings
# (tenths of a second), so a pause found is a pause heard.
LONG_PAUSE_SECONDS = 1.0

# A content word is "leaned on" when used at least this often and in more than this share of
# the words; at most this many are reported. Our own thresholds: no published range.
LEANED_ON_MIN_COUNT = 3
LEANED_ON_MIN_SHARE = 0.02
LEANED_ON_MAX_WORDS = 5

_EPSILON = 1e-9                       # float slack on thresholds given in whole seconds


def measure_words(transcript: Transcript) -> SpokenMeasures:
    """Every measure of a transcript's words (see :class:`SpokenMeasures`). An empty
    transcript, or one whose words take no time, measures zero words per minute."""
    words = transcript.words
    counted = [words[index] for index in spoken_indices(transcript)]
    fillers = [word for word in words if is_filler(word)]
    start, end = speaking_span(words)
    span = end - start
    return SpokenMeasures(
        word_count=len(counted),
        speaking_span_seconds=span,
        words_per_minute=per_minute(len(counted), span),
        pace=pace_windows(counted, start, end),
        filler_count=len(fillers),
        fillers_per_minute=per_minute(len(fillers), span),
        fillers=filler_counts(fillers),
        long_pauses=long_pauses(words),
        repeats=find_repeats(transcript),
        structure=find_structure(transcript),
        leaned_on_words=leaned_on_words(counted),
    )


def speaking_span(words: tuple[SpokenWord, ...]) -> tuple[float, float]:
    """The first word's start and the last word's end; (0, 0) when there are no words."""
    if not words:
        return 0.0, 0.0
    start = min(word.start for word in words)
    return start, max(start, max(word.end for word in words))


def per_minute(count: int, seconds: float) -> float:
    """A count as a rate per minute, to one decimal; 0 when there is no time to divide by."""
    return round(count * 60.0 / seconds, 1) if seconds > _EPSILON else 0.0


def pace_windows(counted: list[SpokenWord], start: float, end: float) -> tuple[PaceWindow, ...]:
    """Words per minute over windows of PACE_WINDOW_SECONDS every PACE_STEP_SECONDS.

    An answer no longer than one window gets one window, over its whole span. Otherwise the
    last window is moved back to end where the words end, so it is full length like the
    others: a stub of a few seconds would give a rate from a handful of words. A word belongs
    to the windows its midpoint falls in."""
    if end - start <= _EPSILON:
        return ()
    if end - start <= PACE_WINDOW_SECONDS + _EPSILON:
        return (PaceWindow(start, end, per_minute(len(counted), end - start)),)
    starts = []
    at = start
    while at + PACE_WINDOW_SECONDS <= end + _EPSILON:
        starts.append(at)
        at += PACE_STEP_SECONDS
    if starts[-1] + PACE_WINDOW_SECONDS < end - _EPSILON:
        starts.append(end - PACE_WINDOW_SECONDS)
    return tuple(_pace_window(counted, at, min(end, at + PACE_WINDOW_SECONDS), end)
                 for at in starts)


def _pace_window(counted: list[SpokenWord], start: float, stop: float,
                 end: float) -> PaceWindow:
    last = stop >= end - _EPSILON            # the last window keeps a word ending on its edge
    inside = sum(1 for word in counted
                 if start <= _midpoint(word) and (_midpoint(word) < stop or last))
    return PaceWindow(start, stop, per_minute(inside, stop - start))


def _midpoint(word: SpokenWord) -> float:
    return (word.start + max(word.start, word.end)) / 2


def filler_counts(fillers: list[SpokenWord]) -> tuple[WordCount, ...]:
    """How often each filler was said, most used first (ties alphabetically)."""
    counts = Counter(filler_form(word.text) or plain_word(word.text) or word.text.strip()
                     for word in fillers)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(WordCount(word=form, count=count) for form, count in ranked)


def long_pauses(words: tuple[SpokenWord, ...]) -> tuple[WordPause, ...]:
    """Silences of at least LONG_PAUSE_SECONDS between consecutive words (fillers included:
    an "um" breaks a silence). A word that overlaps the one before it leaves no silence."""
    pauses = []
    heard_until = None
    for index, word in enumerate(words):
        if heard_until is not None and word.start - heard_until >= LONG_PAUSE_SECONDS - _EPSILON:
            pauses.append(WordPause(start=heard_until, end=word.start, after_word=index - 1))
        heard_until = word.end if heard_until is None else max(heard_until, word.end)
    return tuple(pauses)


def leaned_on_words(counted: list[SpokenWord]) -> tuple[WordCount, ...]:
    """Content words (not stop words, not fillers, longer than two letters) said at least
    LEANED_ON_MIN_COUNT times and in more than LEANED_ON_MIN_SHARE of the words; most used
    first, at most LEANED_ON_MAX_WORDS."""
    counts = Counter(word for spoken in counted for word in content_words(spoken.text)
                     if len(word) > 2 and filler_form(word) is None)
    ranked = sorted(((word, count) for word, count in counts.items()
                     if count >= LEANED_ON_MIN_COUNT and count > LEANED_ON_MIN_SHARE * len(counted)),
                    key=lambda item: (-item[1], item[0]))
    return tuple(WordCount(word=word, count=count) for word, count in ranked[:LEANED_ON_MAX_WORDS])
