"""Domain errors: each carries a message a person can act on.

The web layer turns any :class:`AnalysisError` into a 4xx answer with ``str(error)`` as the
message, so messages must be safe and useful to show to the user.
"""
import zipfile

# What loading a missing, empty, truncated or foreign model file raises, across numpy archives,
# Keras zip files and h5py weights: each analyzer turns these into ModelUnavailable.
DAMAGED_MODEL_FILE_ERRORS = (OSError, EOFError, ValueError, KeyError, TypeError, zipfile.BadZipFile)


class AnalysisError(Exception):
    """Base class: the input cannot be analysed, for a reason the user can fix."""


class EmptyInput(AnalysisError):
    """The file or text holds nothing to analyse."""


class TextTooShort(AnalysisError):
    """Too few words for a meaningful reading."""


class TextTooLong(AnalysisError):
    """More words than the analysis accepts."""


class NotEnglish(AnalysisError):
    """The text does not look like English, which is all the model was trained on."""


class UnreadableDocument(AnalysisError):
    """A document (PDF) that cannot be parsed: corrupt, encrypted, image-only, too big, too slow."""


class UnreadableMedia(AnalysisError):
    """Audio or video that cannot be decoded."""


class NoFaceFound(AnalysisError):
    """No face in any analysed frame."""


class NoSpeechFound(AnalysisError):
    """No speech in a recording."""


class ModelUnavailable(RuntimeError):
    """The trained weights are missing or damaged: a deployment problem, not a user error."""


class AnalysisStopped(Exception):
    """The caller no longer wants the result (a video refused by its face pass stops its voice
    pass); never shown to a user."""


def raise_if_stopped(stop, what: str) -> None:
    """AnalysisStopped once ``stop`` (a threading.Event, or None: never) is set."""
    if stop is not None and stop.is_set():
        raise AnalysisStopped(f"{what} is no longer wanted")
