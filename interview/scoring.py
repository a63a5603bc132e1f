"""Cohort comparisons and progress over attempts, shared by every modality's report."""
from dataclasses import dataclass

from sqlalchemy import func, select

from interview.extensions import db
from interview.models import Attempt, AttemptStatus, Score


@dataclass(frozen=True)
class CohortAverage:
    mean: float
    candidates: int  # how many other people the mean covers


def cohort_averages(
    modality: str, exclude_user_id: int, question_id: int | None = None
) -> dict[str, CohortAverage]:
    """Average of every *other* candidate, per score name.

    Each candidate counts once: their own attempts are averaged first, so one person who
    practised fifty times does not outweigh fifty people who answered once. Both grouping
    levels read the covering indexes ``ix_score_cohort`` / ``ix_score_question_cohort``.
    """
    per_candidate = select(
        Score.name.label("name"), Score.user_id, func.avg(Score.value).label("candidate_mean")
    ).where(Score.modality == modality, Score.user_id != exclude_user_id)
    if question_id is not None:
        per_candidate = per_candidate.where(Score.question_id == question_id)
    per_candidate = per_candidate.group_by(Score.name, Score.user_id).subquery()

    rows = db.session.execute(
        select(
            per_candidate.c.name,
            func.avg(per_candidate.c.candidate_mean),
            func.count(per_candidate.c.user_id),
        ).group_by(per_candidate.c.name)
    )
    return {name: CohortAverage(mean=mean, candidates=count) for name, mean, count in rows}


def completed_attempts(user_id: int, modality: str, limit: int = 50) -> list[Attempt]:
    """The user's finished attempts in one modality, oldest first (for progress charts)."""
    query = (
        select(Attempt)
        .where(
            Attempt.user_id == user_id,
            Attempt.modality == modality,
            Attempt.status == AttemptStatus.COMPLETE,
        )
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
        .limit(limit)
    )
    return list(reversed(db.session.scalars(query).all()))


def scores_by_name(attempt: Attempt) -> dict[str, Score]:
    return {score.name: score for score in attempt.scores}
