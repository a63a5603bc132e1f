"""The words of a spoken answer (issue 16) from the analysis to what is stored and scored:
the reader's fallbacks (no recogniser, nothing heard, too few words for the Big Five), the
stored schema-3 form and its upgrade from schema 2, the word scores, and, on the real
recogniser and real speech, the voice analyzer's words."""
import dataclasses
import json

import numpy as np
import pytest

from emotion.base import VoiceAnalysis
from emotion.errors import ModelUnavailable, TextTooShort
from emotion.speech_types import DeliveryMeasures
from emotion.spoken import MIN_WORDS_FOR_WRITING, NO_WORDS_HEARD, TRANSCRIPT_UNAVAILABLE, SpokenWordsReader
from emotion.transcript_types import SpokenWord, Transcript
from interview.recordings.analysis import voice_scores
from interview.results import BEFORE_TRANSCRIPTS, SCHEMA_VERSION, readable, stored
from tests.conftest import DATASETS
from tests.spoken_samples import spoken_words
from tests.test_results import DELIVERY

SECOND = np.zeros(16_000, dtype=np.float32)


class StubTranscriber:
    def __init__(self, words=(), error=None):
        self.words, self.error, self.calls = words, error, 0

    def transcribe(self, samples, sound=None, stop=None):
        self.calls, self.stop = self.calls + 1, stop
        if self.error:
            raise self.error
        return Transcript(words=self.words, duration_seconds=len(samples) / 16_000, recogniser="stub")


class RecordingTextAnalyzer:
    def __init__(self, error=None):
        self.texts, self.error = [], error

    def analyze(self, text):
        self.texts.append(text)
        if self.error:
            raise self.error
        return spoken_words().writing


def said(count: int, filler_every: int = 0) -> tuple[SpokenWord, ...]:
    return tuple(SpokenWord("um" if filler_every and i % filler_every == 0 else f"word{i}", i * 0.4, i * 0.4 + 0.3,
                            0.9, bool(filler_every and i % filler_every == 0)) for i in range(count))


def test_the_reader_hands_the_stop_to_the_recogniser():
    import threading

    stub, stop = StubTranscriber(), threading.Event()
    SpokenWordsReader(stub, RecordingTextAnalyzer()).read(SECOND, stop=stop)
    assert stub.stop is stop


def test_without_a_recogniser_the_words_are_missing_with_the_reason():
    reader = SpokenWordsReader(StubTranscriber(error=ModelUnavailable("weights refused")), RecordingTextAnalyzer())
    assert reader.read(SECOND) == (None, TRANSCRIPT_UNAVAILABLE)


def test_nothing_recognised_says_so():
    assert SpokenWordsReader(StubTranscriber(), RecordingTextAnalyzer()).read(SECOND) == (None, NO_WORDS_HEARD)


def test_a_short_answer_gets_measures_but_no_big_five():
    text_model = RecordingTextAnalyzer()
    words, missing = SpokenWordsReader(StubTranscriber(said(20)), text_model).read(SECOND)
    assert missing is None and words.measures.word_count == 20
    assert words.writing is None and f"at least {MIN_WORDS_FOR_WRITING}" in words.writing_missing_reason
    assert text_model.texts == []


def test_the_big_five_reads_the_words_without_the_fillers():
    text_model = RecordingTextAnalyzer()
    words, _ = SpokenWordsReader(StubTranscriber(said(90, filler_every=3)), text_model).read(SECOND)
    assert words.writing is not None and words.measures.filler_count == 30
    assert "um" not in text_model.texts[0].split() and len(text_model.texts[0].split()) == 60


def test_a_text_model_refusal_keeps_the_transcript():
    reader = SpokenWordsReader(StubTranscriber(said(60)), RecordingTextAnalyzer(TextTooShort("too few")))
    words, missing = reader.read(SECOND)
    assert missing is None and words.writing is None and "too few" in words.writing_missing_reason
    assert len(words.transcript.words) == 60


def voice_with(words=None, reason=None) -> VoiceAnalysis:
    return VoiceAnalysis(timeline=(), summary=None, delivery=DeliveryMeasures(**DELIVERY), model=None,
                         words=words, words_missing_reason=reason)


def test_words_are_stored_as_json_in_schema_3():
    details = stored(voice_with(spoken_words()))
    assert details["schema"] == SCHEMA_VERSION
    assert json.loads(json.dumps(details)) == details
    words = details["voice"]["words"]
    assert words["transcript"]["words"][0] == {"text": "Um,", "start": 0.2, "end": 0.5, "probability": 0.9,
                                               "filler": True}
    assert words["measures"]["structure"][2] == {"part": "result", "start": 6.8, "word_index": 19,
                                                 "cue": "as a result"}
    assert words["writing"]["personality"]["traits"][4]["name"] == "openness"


def test_schema_2_answers_read_as_recorded_before_transcripts():
    version_2 = stored(voice_with()) | {"schema": 2}
    del version_2["voice"]["words"], version_2["voice"]["words_missing_reason"]
    upgraded = readable(version_2, "audio")
    assert upgraded["schema"] == SCHEMA_VERSION and upgraded["voice"]["words"] is None
    assert upgraded["voice"]["words_missing_reason"] == BEFORE_TRANSCRIPTS
    assert upgraded["voice"]["delivery"] == version_2["voice"]["delivery"]


def test_word_scores_are_kept_for_comparisons():
    scores = {score.name: score for score in voice_scores(voice_with(spoken_words(openness=72.0)))}
    assert scores["words_per_minute"].value == pytest.approx(175.6)
    assert scores["fillers_per_minute"].value == pytest.approx(14.6)
    assert scores["long_pause_count"].value == 1 and scores["repeat_count"].value == 1
    assert scores["answer_seconds"].value == pytest.approx(8.2)
    assert scores["spoken_openness"].value == 72.0 and scores["spoken_openness"].confidence == 0.6
    assert "openness" not in scores                     # the written answers' name stays theirs
    no_writing = {score.name for score in voice_scores(voice_with(spoken_words(with_writing=False)))}
    assert "words_per_minute" in no_writing and not any(name.startswith("spoken_") for name in no_writing)
    assert not {"words_per_minute"} & {score.name for score in voice_scores(voice_with(None, "none"))}


# ---- the real recogniser on real speech ----

ASR = DATASETS / "asr"


@pytest.mark.slow
def test_the_voice_analyzer_hears_the_words_of_real_speech():
    from emotion import get_voice_analyzer

    clip = ASR / "clips" / "mfa_cold_corpus.wav"        # 25.7 s of spontaneous speech with fillers
    result = get_voice_analyzer().analyze(clip, read_emotions=False)
    words = result.words
    assert result.words_missing_reason is None and words is not None
    text = " ".join(word.text.lower().strip(".,?!") for word in words.transcript.words)
    assert "i have a cold" in text and "long pause" in text
    assert words.measures.filler_count >= 3                 # the reference has 5 (uh, um)
    starts = [word.start for word in words.transcript.words]
    assert starts == sorted(starts) and 0 <= starts[0] and words.transcript.words[-1].end <= 25.8
    assert 80 < words.measures.words_per_minute < 260
    assert words.measures.word_count + words.measures.filler_count == len(words.transcript.words)
    assert dataclasses.asdict(result)["words"]["transcript"]["recogniser"].startswith("whisper tiny.en")


@pytest.mark.slow
def test_missing_weights_leave_the_rest_of_the_reading(tmp_path):
    from emotion.voice import VoiceAnalyzer
    from emotion.transcribe import Transcriber

    # Only the words reader loses its weights here: the voice emotion model reads the same
    # recogniser's encoder and refuses to load without it (tests/test_voice_embedding.py)
    analyzer = VoiceAnalyzer(words_reader=SpokenWordsReader(Transcriber(tmp_path)))  # empty folder: no weights
    result = analyzer.analyze(ASR / "clips" / "librispeech_61-70968-0000.wav")
    assert result.words is None and result.words_missing_reason == TRANSCRIPT_UNAVAILABLE
    assert result.summary is not None and result.delivery.speaking_share > 0.3


def test_history_follows_pace_and_fillers_once_an_answer_has_words(client, auth, app):
    from tests.test_reports import add_recorded_attempt, voice_analysis

    user_id = auth.signup_and_login()
    add_recorded_attempt(app, user_id, "audio", 2)                       # recorded before transcripts
    add_recorded_attempt(app, user_id, "audio", 2, dataclasses.replace(voice_analysis(), words=spoken_words()))
    html = client.get("/history").data.decode()
    trends = json.loads(html.split('<script type="application/json" id="trend-data">')[1].split("</script>")[0])
    axes = {chart["axis"]: [series["name"] for series in chart["series"]] for chart in trends["audio"]["charts"]}
    assert axes["Words per minute"] == ["words_per_minute"] and axes["Fillers per minute"] == ["fillers_per_minute"]
    first, second = (point["scores"] for point in trends["audio"]["points"])
    assert "words_per_minute" not in first and second["words_per_minute"] == pytest.approx(175.6)
