"""A hand-built spoken answer's words (transcript and measures) for web and storage tests,
so that no recogniser runs. The measures are written out, not computed, on purpose: the
tests of emotion.spoken_measures check the computing."""
from emotion.base import ModelInfo, PersonalityResult, SpokenWords, TextAnalysis, TraitScore
from emotion.base import TRAIT_CODES, TRAIT_NAMES
from emotion.transcript_types import (AnswerPart, PaceWindow, Repeat, SpokenMeasures, SpokenWord, Transcript,
                                      WordCount, WordPause)

# (text, start, end, filler): "Um, when I was at my last job, the the team ... so I ... as a result ..."
WORDS = (
    ("Um,", 0.2, 0.5, True), ("when", 0.6, 0.8, False), ("I", 0.8, 0.9, False), ("was", 0.9, 1.1, False),
    ("at", 1.1, 1.2, False), ("my", 1.2, 1.4, False), ("last", 1.4, 1.7, False), ("job,", 1.7, 2.0, False),
    ("the", 2.1, 2.2, False), ("the", 2.2, 2.3, False), ("team", 2.3, 2.6, False), ("missed", 2.6, 2.9, False),
    ("deadlines.", 2.9, 3.5, False), ("So", 5.0, 5.2, False), ("I", 5.2, 5.3, False),
    ("uh", 5.3, 5.6, True), ("planned", 5.6, 6.0, False), ("the", 6.0, 6.1, False), ("work.", 6.1, 6.5, False),
    ("As", 6.8, 6.9, False), ("a", 6.9, 7.0, False), ("result,", 7.0, 7.4, False), ("we", 7.4, 7.5, False),
    ("shipped", 7.5, 7.9, False), ("on", 7.9, 8.0, False), ("time.", 8.0, 8.4, False),
)


def spoken_words(with_writing: bool = True, openness: float = 70.0) -> SpokenWords:
    words = tuple(SpokenWord(text, start, end, 0.9, filler) for text, start, end, filler in WORDS)
    transcript = Transcript(words=words, duration_seconds=10.0, recogniser="whisper tiny.en (test)")
    measures = SpokenMeasures(
        word_count=24, speaking_span_seconds=8.2, words_per_minute=175.6,
        pace=(PaceWindow(0.0, 5.0, 156.0), PaceWindow(5.0, 10.0, 168.0)),
        filler_count=2, fillers_per_minute=14.6, fillers=(WordCount("uh", 1), WordCount("um", 1)),
        long_pauses=(WordPause(3.5, 5.0, 12),),
        repeats=(Repeat("repetition", 8, 1, 2.1, "the"),),
        structure=(AnswerPart("situation", 0.6, 1, "when I was"), AnswerPart("action", 5.0, 13, "so I"),
                   AnswerPart("result", 6.8, 19, "as a result")),
        leaned_on_words=(WordCount("team", 1),))
    writing = None
    if with_writing:
        traits = tuple(TraitScore(code, TRAIT_NAMES[code], openness if code == "cOPN" else 50.0, 0.6)
                       for code in TRAIT_CODES)
        writing = TextAnalysis(personality=PersonalityResult(traits, "test-model", 24),
                               top_words=(WordCount("team", 1),), word_count=24,
                               model=ModelInfo(name="test-model", classes=tuple(TRAIT_NAMES.values()), accuracy=0.6))
    return SpokenWords(transcript=transcript, measures=measures, writing=writing,
                       writing_missing_reason=None if with_writing else "The answer has 24 words; the Big Five "
                                                                        "reading needs at least 50.")
