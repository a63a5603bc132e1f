"""Candidates side by side on one question in one mode: each measure, where it falls among all
candidates who answered that question in that mode (a quarter band, from each candidate's own
mean, so someone who practised fifty times counts once), and the measured accuracy of the
model behind each reading. Bands appear only where at least MIN_CANDIDATES answered."""
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from emotion.base import FACE_CLASSES, TRAIT_CODES, TRAIT_NAMES
from emotion.model_info import model_info
from emotion.speech_types import SPEECH_CLASSES
from interview.answers.measures import CAMERA, DELIVERY, SPOKEN_TRAIT_PREFIX, WHEEL_FAMILIES, WORDS, Measure, measure
from interview.extensions import db
from interview.models import Attempt, Question, Role, ScoreTotal, User
from interview.privacy.readings import visible_score_names

MIN_CANDIDATES = 20
BANDS = ("lowest quarter", "second quarter", "third quarter", "highest quarter")

# The measures compared, in sections, in the order a report shows them.
SECTIONS = (
    ("Writing style (Big Five)", tuple(TRAIT_NAMES[code] for code in TRAIT_CODES)),
    ("Face", (*(f"face_{name}" for name in FACE_CLASSES), "face_share")),
    ("Voice", tuple(f"voice_{name}" for name in SPEECH_CLASSES)),
    ("Delivery", tuple(item.name for item in DELIVERY)),
    ("Words (from the transcript)", tuple(item.name for item in WORDS)),
    ("On camera", tuple(item.name for item in CAMERA)),
    ("Emotion wheel (share of the answer)", tuple(f"wheel_{family}" for family in WHEEL_FAMILIES)),
    ("Valence and arousal", ("valence_face", "arousal_face", "valence_voice", "arousal_voice")),
    ("Big Five of the spoken words", tuple(SPOKEN_TRAIT_PREFIX + TRAIT_NAMES[code] for code in TRAIT_CODES)),
)


@dataclass(frozen=True)
class Placement:
    percentile: float   # share of candidates whose mean lies below the value (ties count half), 0-100
    band: str
    candidates: int


def placement(value: float, sorted_means: Sequence[float]) -> Placement | None:
    """Where ``value`` falls among the candidates' means (sorted ascending); None when fewer
    than MIN_CANDIDATES answered, too few for a band to mean anything."""
    count = len(sorted_means)
    if count < MIN_CANDIDATES:
        return None
    below = bisect_left(sorted_means, value)
    ties = bisect_right(sorted_means, value) - below
    percentile = 100 * (below + ties / 2) / count
    return Placement(percentile, BANDS[min(len(BANDS) - 1, int(percentile // 25))], count)


def cohort_means(question_id: int, modality: str) -> dict[str, list[float]]:
    """Per score name, the mean of every candidate who answered this question in this mode
    (role candidate only, as in the reports' averages), sorted ascending."""
    rows = db.session.execute(
        select(ScoreTotal.name, ScoreTotal.total / ScoreTotal.count)
        .join(User, User.id == ScoreTotal.user_id)
        .where(User.role == Role.CANDIDATE, ScoreTotal.modality == modality,
               ScoreTotal.question_id == question_id, ScoreTotal.count > 0))
    means: dict[str, list[float]] = {}
    for name, mean in rows:
        means.setdefault(name, []).append(mean)
    return {name: sorted(values) for name, values in means.items()}


def model_accuracy(name: str, stored: float | None) -> float | None:
    """The measured accuracy of the model behind a reading: the one stored with the score, else
    the shipped model's figure. None for measures no model reads (delivery, face in view)."""
    if stored is not None:
        return stored
    if name.startswith("face_") and name != "face_share":
        return model_info("face").accuracy
    if name.startswith("voice_"):
        return model_info("speech").accuracy
    if name in TRAIT_NAMES.values():
        return model_info("personality").accuracy_by_class.get(name)
    return None


@dataclass(frozen=True)
class Cell:
    value: float            # in the unit shown
    accuracy: float | None
    placement: Placement | None


@dataclass
class Row:
    measure: Measure
    cells: list[Cell | None]   # one per candidate, None where their answer has no such reading
    candidates: int            # how many candidates answered, for this measure

    @property
    def enough(self) -> bool:
        return self.candidates >= MIN_CANDIDATES


@dataclass
class Comparison:
    question: Question
    modality: str
    entries: list[tuple[User, Attempt]]
    sections: list[tuple[str, list[Row]]] = field(default_factory=list)

    @property
    def candidates(self) -> int:
        """How many candidates answered this question in this mode (the best covered measure)."""
        return max((row.candidates for _, rows in self.sections for row in rows), default=0)

    @property
    def enough(self) -> bool:
        return self.candidates >= MIN_CANDIDATES


def build_comparison(question: Question, modality: str, entries: list[tuple[User, Attempt]]) -> Comparison:
    means = cohort_means(question.id, modality)
    # A candidate who switched emotion readings off shows none, here as everywhere.
    scores = [{score.name: score for score in attempt.scores
               if score.name in visible_score_names(user, [score.name])} for user, attempt in entries]
    comparison = Comparison(question, modality, entries)
    for title, names in SECTIONS:
        rows = [_row(name, scores, means.get(name, [])) for name in names
                if any(name in by_name for by_name in scores)]
        if rows:
            comparison.sections.append((title, rows))
    return comparison


def _row(name: str, scores: list[dict], sorted_means: list[float]) -> Row:
    shown = measure(name)
    cells = []
    for by_name in scores:
        score = by_name.get(name)
        cells.append(None if score is None else Cell(shown.shown(score.value), model_accuracy(name, score.confidence),
                                                     placement(score.value, sorted_means)))
    return Row(shown, cells, len(sorted_means))
