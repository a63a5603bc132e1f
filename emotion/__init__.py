"""Recognition code for Poise: personality from text, emotion from faces and voices.

One entry point per kind of answer, each an analyzer with one ``analyze`` method that takes
what the web layer has and returns one frozen result from :mod:`emotion.base`:

- ``get_text_analyzer().analyze(text)`` -> :class:`~emotion.base.TextAnalysis`
- ``get_voice_analyzer().analyze(path)`` -> :class:`~emotion.base.VoiceAnalysis`
- ``get_face_analyzer().analyze(path)`` -> :class:`~emotion.base.FaceAnalysis`
- ``get_video_analyzer().analyze(path)`` -> :class:`~emotion.base.VideoAnswerAnalysis`
  (faces and voice of a video answer)

Nothing here imports Flask, and nothing heavy (TensorFlow, model weights, word vectors) is
loaded at import time: analyzers are built lazily, once per process, by
:mod:`emotion.registry`, and their modules are imported only when first asked for.
``analyze_image``, ``analyze_video`` and ``analyze_audio`` are the command line's readings.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the analyzers' modules are imported on first use, never with the package
    from emotion.base import (FaceAnalyzerInterface, TextAnalyzerInterface, VideoAnalyzerInterface,
                              VoiceAnalyzerInterface)


def get_text_analyzer() -> TextAnalyzerInterface:
    from emotion.writing import get_text_analyzer as get

    return get()


def get_voice_analyzer() -> VoiceAnalyzerInterface:
    from emotion.voice import get_voice_analyzer as get

    return get()


def get_face_analyzer() -> FaceAnalyzerInterface:
    from emotion.face import get_face_analyzer as get

    return get()


def get_video_analyzer() -> VideoAnalyzerInterface:
    from emotion.video_answer import get_video_analyzer as get

    return get()


def analyze_image(image):
    """Every face in an image (a path, encoded bytes or an array) with its box and 7 emotion
    probabilities, as an :class:`emotion.base.ImageAnalysis`."""
    from emotion.face import get_face_analyzer as get

    return get().analyze_image(image)


def analyze_video(path, frames_per_second: float = 5.0):
    """The facial-emotion timeline and summary of a recording (:class:`emotion.base.VideoAnalysis`)."""
    from emotion.face import get_face_analyzer as get

    return get().analyze_video(path, frames_per_second)


def analyze_audio(path):
    """The vocal-emotion timeline, summary and delivery of a recording, or of a video's sound
    track (:class:`emotion.base.VoiceAnalysis`)."""
    return get_voice_analyzer().analyze(path)
