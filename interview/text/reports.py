"""What the text report page shows, gathered from the database in one place."""
from dataclasses import dataclass

from emotion.base import TRAIT_CODES, TRAIT_NAMES
from interview.models import Attempt, Modality
from interview.scoring import CohortAverage, cohort_averages, completed_attempts, scores_by_name

TRAIT_ORDER = tuple(TRAIT_NAMES[code] for code in TRAIT_CODES)


@dataclass(frozen=True)
class TraitRow:
    name: str
    score: float
    confidence: float | None
    cohort: CohortAverage | None


@dataclass(frozen=True)
class TextReport:
    attempt: Attempt
    traits: list[TraitRow]
    top_words: list[tuple[str, int]]
    cohort_size: int
    history: list[tuple[Attempt, dict[str, float]]]


def build_text_report(attempt: Attempt) -> TextReport:
    scores = scores_by_name(attempt)
    cohort = cohort_averages(Modality.TEXT, exclude_user_id=attempt.user_id)
    traits = [
        TraitRow(
            name=name,
            score=scores[name].value,
            confidence=scores[name].confidence,
            cohort=cohort.get(name),
        )
        for name in TRAIT_ORDER
        if name in scores
    ]
    history = [
        (earlier, {name: s.value for name, s in scores_by_name(earlier).items()})
        for earlier in completed_attempts(attempt.user_id, Modality.TEXT)
    ]
    return TextReport(
        attempt=attempt,
        traits=traits,
        top_words=[(word, count) for word, count in (attempt.details or {}).get("top_words", [])],
        cohort_size=max((c.candidates for c in cohort.values()), default=0),
        history=history,
    )
