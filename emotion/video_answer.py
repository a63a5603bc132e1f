"""The video entry point: a recorded answer's faces and, from its sound track, its voice."""
import logging
from pathlib import Path
from typing import Callable

from emotion import registry
from emotion.base import VideoAnswerAnalysis
from emotion.errors import AnalysisError, NoSpeechFound

log = logging.getLogger(__name__)

NO_SPEECH = "No speech was found in this recording's sound, so there is no voice reading."
NO_FACE_SEEN = "No face was seen in this recording, so there is no reading of eye contact or head movement."
CAMERA_UNAVAILABLE = "Eye contact, head movement and framing cannot be read on this server (its face models are missing)."


class VideoAnswerAnalyzer:
    """Faces and voice; a recording whose sound holds no speech keeps its face reading and says
    why the voice is missing.

    The voice (decoding the sound, its emotions, the transcript) is read in a second thread while
    the main thread reads the frames. They read different models (models load one at a time,
    :mod:`emotion.registry`), and most of the work of each (FFmpeg, TFLite, CTranslate2, numpy)
    runs outside Python's lock, so on 2 cores they overlap (``bench.bench_video_answer``). A
    video the face pass refuses stops the voice thread at its next step (before the transcript's
    next 30 s window, or between stages) and is refused once it has stopped.
    ``concurrent=False`` reads faces, then voice."""

    def __init__(self, faces=None, voices=None, camera_reader=None, fusion=None, concurrent: bool = True):
        from emotion.camera import CameraReader
        from emotion.face import get_face_analyzer
        from emotion.fusion import get_fusion_reader
        from emotion.voice import get_voice_analyzer

        self.faces = faces or get_face_analyzer()
        self.voices = voices or get_voice_analyzer()
        self.camera_reader = camera_reader or CameraReader   # one reader per recording
        self.fusion = fusion or get_fusion_reader()
        self.concurrent = concurrent

    def analyze(self, recording: Path, progress: Callable[[int], None] | None = None,
                read_emotions: bool = True) -> VideoAnswerAnalysis:
        """``progress`` (optional) hears the share done, 0-100, between the stages.

        ``read_emotions=False`` (the speaker switched emotion readings off): no emotion is read
        from the face and the voice holds delivery only; what the camera saw of the delivery
        (gaze, head movement, framing: behaviour, not feelings) is read either way, in the same
        pass over the frames.
        """
        from concurrent.futures import ThreadPoolExecutor
        from threading import Event

        report = progress or (lambda percent: None)
        report(5)
        if not self.concurrent:
            face, camera = self._faces(recording, read_emotions)
            report(70)
            return self._answer(face, camera, self._voice(recording, read_emotions))
        # the pool's exit waits for the voice thread, also when the face pass raises: a job never
        # leaves a thread running (the job's deadline kills the whole child process)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice") as pool:
            stop = Event()
            voice = pool.submit(self._voice, recording, read_emotions, stop)
            try:
                face, camera = self._faces(recording, read_emotions)
            except BaseException:
                stop.set()      # the voice reading is no longer wanted
                raise
            report(70)
            return self._answer(face, camera, voice.result())

    def _faces(self, recording: Path, read_emotions: bool):
        camera, outputs = self.camera_reader(), []
        face = self.faces.analyze(recording, frame_readers=(camera,), read_emotions=read_emotions, outputs_out=outputs)
        if face is not None:
            face = with_wheel(face, outputs[0])
        if getattr(camera, "unavailable", None):
            log.warning("no camera reading: %s", camera.unavailable)
        return face, camera

    def _voice(self, recording: Path, read_emotions: bool, stop=None):
        """(voice reading or None, why it is missing or None)."""
        try:
            return self.voices.analyze(recording, read_emotions=read_emotions, stop=stop), None
        except NoSpeechFound:
            return None, NO_SPEECH
        except AnalysisError as error:  # no sound track, or one that cannot be decoded
            log.info("no usable sound track in %s: %s", recording, error)
            return None, f"There is no voice reading. {error}"

    def _answer(self, face, camera, voice_reading) -> VideoAnswerAnalysis:
        voice, missing = voice_reading
        delivery = None if getattr(camera, "unavailable", None) else camera.result()
        seen = delivery is not None and any(moment.face_found for moment in delivery.timeline)
        return VideoAnswerAnalysis(face=face, voice=voice, voice_missing_reason=missing,
                                   camera=delivery if seen else None,
                                   camera_missing_reason=None if seen else
                                   NO_FACE_SEEN if delivery is not None else CAMERA_UNAVAILABLE,
                                   fusion=fused(self.fusion, face, voice))


def fused(reader, face, voice):
    """Face and voice read together; without the fusion settings, the two readings stand apart."""
    from emotion.errors import ModelUnavailable

    try:
        return reader.read(face, voice)
    except ModelUnavailable as error:
        log.warning("no fused reading: %s", error)
        return None


def with_wheel(face, outputs):
    """The face reading with its Plutchik wheel; without the wheel's heads, the rest stands."""
    import dataclasses

    from emotion.errors import ModelUnavailable
    from emotion.wheel import wheel_of_faces

    try:
        return dataclasses.replace(face, wheel=wheel_of_faces(face.timeline, outputs))
    except ModelUnavailable as error:
        log.warning("no wheel reading: %s", error)
        return face


def get_video_analyzer() -> VideoAnswerAnalyzer:
    return registry.get_or_build("video", VideoAnswerAnalyzer)
