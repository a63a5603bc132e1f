"""The words of a spoken answer: its transcript (:mod:`emotion.transcribe`), what the words
show (:mod:`emotion.spoken_measures`), and the Big Five reading of them by the text model.

The transcript is optional for a report: when the recogniser's weights are missing or refused,
the rest of the answer is still read and the report says why there are no words.
"""
import logging

import numpy as np

from emotion.base import SpokenWords
from emotion.errors import AnalysisError, ModelUnavailable

log = logging.getLogger(__name__)

# The text model reads style from word use; below this many words (the written answers'
# minimum too) there is too little to read.
MIN_WORDS_FOR_WRITING = 50
TRANSCRIPT_UNAVAILABLE = "The transcript is unavailable: speech to text is not installed on this server."
NO_WORDS_HEARD = "No words were recognised in this recording."


class SpokenWordsReader:
    """Builds :class:`SpokenWords` from decoded samples; the recogniser and the text model are
    the process-wide ones unless given."""

    def __init__(self, transcriber=None, text_analyzer=None):
        self._transcriber = transcriber
        self._text_analyzer = text_analyzer

    def read(self, samples: np.ndarray, sound=None, stop=None) -> tuple[SpokenWords | None, str | None]:
        """The words and None, or None and the reason there are none. ``stop`` (an Event), once
        set, ends the transcript before its next window (AnalysisStopped)."""
        from emotion.spoken_measures import measure_words

        try:
            transcript = self.transcriber().transcribe(samples, sound=sound, stop=stop)
        except ModelUnavailable as error:
            log.warning("no transcript: %s", error)
            return None, TRANSCRIPT_UNAVAILABLE
        if not transcript.words:
            return None, NO_WORDS_HEARD
        measures = measure_words(transcript)
        writing, reason = self.read_writing(transcript, measures.word_count)
        return SpokenWords(transcript=transcript, measures=measures, writing=writing,
                           writing_missing_reason=reason), None

    def read_writing(self, transcript, word_count: int):
        if word_count < MIN_WORDS_FOR_WRITING:
            return None, (f"The answer has {word_count} words; the Big Five reading needs at least "
                          f"{MIN_WORDS_FOR_WRITING}.")
        text = " ".join(word.text for word in transcript.words if not word.filler)
        try:
            return self.text_analyzer().analyze(text), None
        except AnalysisError as error:
            return None, f"The words could not be read for the Big Five: {error}"
        except ModelUnavailable as error:
            log.warning("no Big Five of the words: %s", error)
            return None, "The Big Five reading is unavailable on this server."

    def transcriber(self):
        if self._transcriber is None:
            from emotion.transcribe import get_transcriber

            self._transcriber = get_transcriber()
        return self._transcriber

    def text_analyzer(self):
        if self._text_analyzer is None:
            from emotion.writing import get_text_analyzer

            self._text_analyzer = get_text_analyzer()
        return self._text_analyzer
