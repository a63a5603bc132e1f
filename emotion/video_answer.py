"""The video entry point: a recorded answer's faces and, from its sound track, its voice."""
import logging
from pathlib import Path
from typing import Callable

from emotion import registry
from emotion.base import VideoAnswerAnalysis
from emotion.errors import AnalysisError, NoSpeechFound

log = logging.getLogger(__name__)

NO_SPEECH = "No speech was found in this recording's sound, so there is no voice reading."


class VideoAnswerAnalyzer:
    """Faces first (a video answer without a face is refused), then the voice; a recording
    whose sound holds no speech keeps its face reading and says why the voice is missing."""

    def __init__(self, faces=None, voices=None):
        from emotion.face import get_face_analyzer
        from emotion.voice import get_voice_analyzer

        self.faces = faces or get_face_analyzer()
        self.voices = voices or get_voice_analyzer()

    def analyze(self, recording: Path, progress: Callable[[int], None] | None = None,
                read_emotions: bool = True) -> VideoAnswerAnalysis:
        """``progress`` (optional) hears the share done, 0-100, between the stages.

        ``read_emotions=False`` (the speaker switched emotion readings off): no face is read
        at all and the voice holds delivery only.
        """
        report = progress or (lambda percent: None)
        report(5)
        face = self.faces.analyze(recording) if read_emotions else None
        report(70)
        try:
            voice, missing = self.voices.analyze(recording, read_emotions=read_emotions), None
        except NoSpeechFound:
            voice, missing = None, NO_SPEECH
        except AnalysisError as error:  # no sound track, or one that cannot be decoded
            log.info("no usable sound track in %s: %s", recording, error)
            voice, missing = None, f"There is no voice reading. {error}"
        return VideoAnswerAnalysis(face=face, voice=voice, voice_missing_reason=missing)


def get_video_analyzer() -> VideoAnswerAnalyzer:
    return registry.get_or_build("video", VideoAnswerAnalyzer)
