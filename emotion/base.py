"""The result types every analyzer returns: small, frozen and free of framework objects."""
from dataclasses import dataclass, field

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
    confidence: float  # 0-1: the model's cross-validated accuracy for this trait


@dataclass(frozen=True)
class PersonalityResult:
    traits: tuple[TraitScore, ...]
    model_name: str
    word_count: int

    def by_name(self) -> dict[str, TraitScore]:
        return {trait.name: trait for trait in self.traits}


@dataclass(frozen=True)
class WordCount:
    word: str
    count: int


@dataclass(frozen=True)
class TextReport:
    """What the text interview shows: the traits and the most used words."""

    personality: PersonalityResult
    top_words: tuple[WordCount, ...] = field(default_factory=tuple)


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
