"""Recognition code for Poise: personality from text, emotion from faces and voices.

Nothing here imports Flask, and nothing heavy (TensorFlow, model weights, word vectors)
is loaded at import time: analyzers are built lazily, once per process, by
:mod:`emotion.registry`. ``analyze_image``, ``analyze_video`` and ``analyze_audio`` below use
those shared analyzers, importing their modules only when first called.
"""


def analyze_image(image):
    """Every face in an image (a path, encoded bytes or an array) with its box and 7 emotion
    probabilities, as an :class:`emotion.base.ImageAnalysis`."""
    from emotion.face import get_face_analyzer

    return get_face_analyzer().analyze_image(image)


def analyze_video(path, frames_per_second: float = 5.0):
    """The facial-emotion timeline and summary of a recording (:class:`emotion.base.VideoAnalysis`)."""
    from emotion.face import get_face_analyzer

    return get_face_analyzer().analyze_video(path, frames_per_second)


def analyze_audio(path):
    """The vocal-emotion timeline and summary of a recording, or of a video's sound track."""
    from emotion.speech import get_speech_analyzer

    return get_speech_analyzer().analyze_audio(path)
