"""The result types every analyzer returns: small, frozen and free of framework objects.

Each modality has one entry point (see :mod:`emotion`) returning one of the ``*Analysis``
types at the bottom of this module; the web layer stores and shows them and never calls an
analyzer's internals.
"""
from dataclasses import dataclass, field
from pathlib import Path
from threading import Event
from typing import Protocol

from emotion.affect_types import AffectPoint
from emotion.camera_types import CameraDelivery
from emotion.fusion_types import FusionReading
from emotion.speech_types import DeliveryMeasures, SpeechSummary, SpeechWindow
from emotion.transcript_types import SpokenMeasures, Transcript, WordCount
from emotion.wheel_types import WheelReading

# FER2013's seven emotions, in its label order (the face model's outputs).
FACE_CLASSES = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")

# Big Five traits in the order the Essays corpus lists its labels.
TRAIT_CODES = ("cEXT", "cNEU", "cAGR", "cCON", "cOPN")
TRAIT_NAMES = {
    "cEXT": "extraversion",
    "cNEU": "neuroticism",
    "cAGR": "agreeableness",
    "cCON": "conscientiousness",
    "cOPN": "openness",
}


@dataclass(frozen=True)
class TraitScore:
    """One Big Five trait, scored on its own (the five are independent, not shares of a whole)."""

    code: str          # corpus label, e.g. "cOPN"
    name: str          # plain name, e.g. "openness"
    score: float       # 0-100: the model's probability that the writer is high on this trait
    confidence: float | None  # 0-1: the model's cross-validated accuracy for this trait


@dataclass(frozen=True)
class PersonalityResult:
    traits: tuple[TraitScore, ...]
    model_name: str
    word_count: int

    def by_name(self) -> dict[str, TraitScore]:
        return {trait.name: trait for trait in self.traits}


@dataclass(frozen=True)
class ModelInfo:
    """What a report says about the model behind a reading, read once from its folder."""

    name: str                                # the shipped variant, e.g. "xception_cycle3"
    classes: tuple[str, ...]                 # what it reads (emotions, or traits)
    accuracy: float | None                   # measured on data it never saw (0-1)
    accuracy_by_class: dict[str, float] = field(default_factory=dict)
    card: str = ""                           # the model card, relative to the repository
    accuracy_by_group: dict[str, float] = field(default_factory=dict)   # e.g. men's and women's voices


@dataclass(frozen=True)
class FaceReading:
    """One face: where it is (x, y, width, height in pixels) and its 7 emotion probabilities."""

    box: tuple[int, int, int, int]
    probabilities: dict[str, float]

    @property
    def dominant(self) -> str:
        return max(self.probabilities, key=self.probabilities.get)

    @property
    def confidence(self) -> float:
        return self.probabilities[self.dominant]


@dataclass(frozen=True)
class ImageAnalysis:
    width: int
    height: int
    faces: tuple[FaceReading, ...]


@dataclass(frozen=True)
class TimelinePoint:
    time: float                              # seconds from the start
    face_found: bool
    probabilities: dict[str, float] | None   # None where no face was found


@dataclass(frozen=True)
class VideoSummary:
    mean_probabilities: dict[str, float]     # over the frames with a face
    dominant_emotion: str
    face_share: float                        # share of sampled frames with a face
    longest_gap_seconds: float               # longest stretch with no face in view
    frames_analysed: int
    duration_seconds: float
    strongest_moment: float | None = None    # time of the most confident reading


@dataclass(frozen=True)
class VideoAnalysis:
    timeline: tuple[TimelinePoint, ...]
    summary: VideoSummary


# ---------------------------------------------------------------------------------------------
# One result per kind of answer: everything its report shows.
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TextAnalysis:
    """A written answer: the Big Five reading of its style and its most used words."""

    personality: PersonalityResult
    top_words: tuple[WordCount, ...]
    word_count: int
    model: ModelInfo


@dataclass(frozen=True)
class FaceAnalysis:
    """The faces of a recording: the timeline, its summary and the strongest moment's heat map."""

    timeline: tuple[TimelinePoint, ...]
    summary: VideoSummary
    heatmap_png: bytes | None                # Grad-CAM over the face at summary.strongest_moment
    model: ModelInfo
    affect: tuple[AffectPoint, ...] = ()     # valence and arousal per sampled frame (gaps: None)
    wheel: WheelReading | None = None        # the Plutchik wheel over the answer


@dataclass(frozen=True)
class SpokenWords:
    """The words of a spoken answer: the transcript, what they show, and the Big Five reading
    of them (a model that learned from written essays; None, with the reason, when the answer
    is too short or otherwise cannot be read that way)."""

    transcript: Transcript
    measures: SpokenMeasures
    writing: TextAnalysis | None
    writing_missing_reason: str | None = None


@dataclass(frozen=True)
class VoiceAnalysis:
    """The sound of a recording: vocal emotion over windows, and how the answer was delivered.

    Read with emotions off (the speaker's choice), only ``delivery`` is measured: the timeline
    is empty and there is no emotion summary or emotion model.
    """

    timeline: tuple[SpeechWindow, ...]
    summary: SpeechSummary | None
    delivery: DeliveryMeasures
    model: ModelInfo | None
    affect: tuple[AffectPoint, ...] = ()     # valence and arousal per window (empty: emotions not read)
    words: SpokenWords | None = None         # the transcript and its measures
    words_missing_reason: str | None = None  # why there are no words, for the report


@dataclass(frozen=True)
class VideoAnswerAnalysis:
    """A video answer: its faces, what the camera saw of its delivery (observable behaviour,
    read whatever the emotion switch says) and, when its sound holds speech, its voice. Read
    with emotions off, there is no face reading and the voice holds delivery only."""

    face: FaceAnalysis | None
    voice: VoiceAnalysis | None
    voice_missing_reason: str | None = None  # why there is no voice reading, for the report
    camera: CameraDelivery | None = None     # gaze, head movement, blinks, framing and light
    camera_missing_reason: str | None = None
    fusion: FusionReading | None = None      # face and voice read together (both read, emotions on)


# ---------------------------------------------------------------------------------------------
# The interfaces: what the web layer may call. Built by emotion.get_*_analyzer(), once a process.
# ---------------------------------------------------------------------------------------------

class TextAnalyzerInterface(Protocol):
    def analyze(self, text: str) -> TextAnalysis: ...


class VoiceAnalyzerInterface(Protocol):
    def analyze(self, recording: Path, read_emotions: bool = True, read_words: bool = True,
                stop: Event | None = None) -> VoiceAnalysis: ...


class FaceAnalyzerInterface(Protocol):
    def analyze(self, recording: Path, frames_per_second: float = 5.0, frame_readers=(),
                read_emotions: bool = True) -> FaceAnalysis | None: ...


class VideoAnalyzerInterface(Protocol):
    def analyze(self, recording: Path, progress=None, read_emotions: bool = True) -> VideoAnswerAnalysis: ...
