"""The video entry point reads the voice in a second thread beside the faces (issue 19's speed):
really at the same time, with the same result as one after the other, and never leaving a
thread behind."""
import dataclasses
import threading
import time

import pytest

from emotion.errors import EmptyInput, NoSpeechFound
from emotion.video_answer import CAMERA_UNAVAILABLE, NO_SPEECH, VideoAnswerAnalyzer
from tests.conftest import FIXTURES


class NoCamera:
    unavailable = "no camera models in this test"


class NoFusion:
    def read(self, face, voice):
        return None


class Faces:
    """Waits (briefly) for the voice to have started: it only can if both run at once."""

    def __init__(self, voice_started: threading.Event, fail: bool = False):
        self.voice_started, self.fail, self.saw_voice = voice_started, fail, None

    def analyze(self, recording, frame_readers=(), read_emotions=True, outputs_out=None):
        self.saw_voice = self.voice_started.wait(timeout=2.0)
        if self.fail:
            raise EmptyInput("The recording is empty (0 bytes).")
        return None


class Voices:
    """Works for ``seconds`` in stages of 10 ms, stopping between them as the real one does."""

    def __init__(self, started: threading.Event, seconds: float = 0.0, error: Exception | None = None):
        self.started, self.seconds, self.error, self.finished = started, seconds, error, False

    def analyze(self, recording, read_emotions=True, stop=None):
        from emotion.errors import raise_if_stopped

        self.started.set()
        for _ in range(round(self.seconds / 0.01)):
            time.sleep(0.01)
            raise_if_stopped(stop, "the fake voice reading")
        self.finished = True
        if self.error:
            raise self.error
        return "the voice reading"


def analyzer(faces, voices, concurrent=True):
    return VideoAnswerAnalyzer(faces=faces, voices=voices, camera_reader=NoCamera, fusion=NoFusion(),
                               concurrent=concurrent)


def test_the_voice_is_read_while_the_faces_are():
    started = threading.Event()
    faces = Faces(started)
    result = analyzer(faces, Voices(started)).analyze("answer.webm", read_emotions=False)
    assert faces.saw_voice is True
    assert result.voice == "the voice reading" and result.camera_missing_reason == CAMERA_UNAVAILABLE


def test_one_after_the_other_when_asked():
    started = threading.Event()
    faces = Faces(started)
    faces.voice_started.wait = lambda timeout: started.is_set()      # no need to wait 2 s to see it is not set
    result = analyzer(faces, Voices(started), concurrent=False).analyze("answer.webm", read_emotions=False)
    assert faces.saw_voice is False and result.voice == "the voice reading"


def test_a_refused_face_pass_stops_the_voice_thread_and_leaves_none_behind():
    started = threading.Event()
    voices = Voices(started, seconds=5.0)
    began = time.perf_counter()
    with pytest.raises(EmptyInput):
        analyzer(Faces(started, fail=True), voices).analyze("answer.webm")
    assert time.perf_counter() - began < 4.0 and not voices.finished      # stopped, not waited for (5 s)
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("voice")]


@pytest.mark.slow
def test_the_real_voice_reading_stops_between_its_stages_when_asked():
    from emotion.errors import AnalysisStopped
    from emotion.voice import VoiceAnalyzer

    class NoWords:
        def read(self, samples, sound=None, stop=None):
            raise AssertionError("the words were read after the stop")

    stop = threading.Event()
    stop.set()
    with pytest.raises(AnalysisStopped):
        VoiceAnalyzer(words_reader=NoWords()).analyze(FIXTURES / "av" / "timeline_1.webm", stop=stop)


@pytest.mark.slow
def test_the_real_voice_reading_hands_its_stop_to_the_words():
    from emotion.voice import VoiceAnalyzer

    class RecordedWords:
        def read(self, samples, sound=None, stop=None):
            self.stop = stop
            return None, "not read in this test"

    words, stop = RecordedWords(), threading.Event()
    VoiceAnalyzer(words_reader=words).analyze(FIXTURES / "av" / "timeline_1.webm", read_emotions=False, stop=stop)
    assert words.stop is stop


def test_a_voice_without_speech_is_said_so_from_the_thread():
    started = threading.Event()
    result = analyzer(Faces(started), Voices(started, error=NoSpeechFound("none"))).analyze("answer.webm")
    assert result.voice is None and result.voice_missing_reason == NO_SPEECH


@pytest.mark.slow
def test_a_real_answer_reads_the_same_at_once_as_one_after_the_other():
    clip = FIXTURES / "av" / "happy_2.mp4"
    together = VideoAnswerAnalyzer().analyze(clip)
    apart = VideoAnswerAnalyzer(concurrent=False).analyze(clip)
    assert together.voice is not None and together.face is not None
    assert together.voice.words is not None and apart.voice.words is not None
    # everything but the words, whose decoding may sample (the recogniser's temperature fallback)
    as_read = lambda result: dataclasses.asdict(dataclasses.replace(result, voice=dataclasses.replace(result.voice, words=None)))
    assert as_read(together) == as_read(apart)
