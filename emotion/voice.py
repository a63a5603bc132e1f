"""The voice entry point: vocal emotion over a recording and how the answer was delivered,
from one decode of its sound (an audio file, or a video's sound track)."""
from pathlib import Path
from threading import Event

from emotion import registry
from emotion.base import VoiceAnalysis
from emotion.errors import raise_if_stopped
from emotion.model_info import model_info


class VoiceAnalyzer:
    """Emotion timeline (:class:`emotion.speech.SpeechAnalyzer`) and delivery measures
    (:mod:`emotion.delivery`), sharing the decoded samples and their pitch and loudness."""

    def __init__(self, model_dir: Path | None = None, words_reader=None):
        from emotion.speech import MODEL_DIR, SpeechAnalyzer, get_speech_analyzer
        from emotion.spoken import SpokenWordsReader

        self.model_dir = Path(model_dir) if model_dir is not None else MODEL_DIR
        # The shipped model is the process-wide one (one copy in memory, however reached).
        self.speech = get_speech_analyzer() if model_dir is None else SpeechAnalyzer(self.model_dir)
        self.words = words_reader or SpokenWordsReader()

    def analyze(self, recording: Path, read_emotions: bool = True, read_words: bool = True,
                stop: Event | None = None) -> VoiceAnalysis:
        """Raises EmptyInput / UnreadableMedia for a file that cannot be decoded (or has no
        sound track) and NoSpeechFound when nothing in it is speech.

        ``read_emotions=False`` (the speaker switched emotion readings off) measures delivery
        only: the emotion model is never run, the timeline is empty and summary and model are None.
        The words (transcript, their measures, their Big Five reading) are read from the same
        samples unless ``read_words`` is False; without a recogniser, ``words_missing_reason``
        says why there are none.

        ``stop``, once set, ends the reading at its next stage with :class:`AnalysisStopped`
        (within the emotion stage, before its next 30 s of encoding).
        """
        from emotion.audio import load_audio
        from emotion.delivery import contours, measure_delivery

        samples = load_audio(Path(recording))
        sound = contours(samples)
        delivery = measure_delivery(samples, sound)   # raises NoSpeechFound before any model runs
        raise_if_stopped(stop, "the voice reading")
        words, missing = self.words.read(samples, sound, stop=stop) if read_words else (None, None)
        raise_if_stopped(stop, "the voice reading")
        if not read_emotions:
            return VoiceAnalysis(timeline=(), summary=None, delivery=delivery, model=None,
                                 words=words, words_missing_reason=missing)
        from emotion.affect import voice_affect

        emotions = self.speech.analyze_audio(samples, sound_contours=sound, stop=stop)
        return VoiceAnalysis(timeline=emotions.timeline, summary=emotions.summary, delivery=delivery,
                             model=model_info("speech", self.model_dir), affect=voice_affect(emotions.timeline),
                             words=words, words_missing_reason=missing)


def get_voice_analyzer() -> VoiceAnalyzer:
    return registry.get_or_build("voice", VoiceAnalyzer)
