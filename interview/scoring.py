"""Cohort comparisons and progress over attempts, shared by every modality's report.

Each candidate counts once in a cohort average: their own attempts are averaged first, so one
person who practised fifty times does not outweigh fifty people who answered once. The
per-candidate sums live in ``score_total``, updated with every attempt saved or deleted, so the
average reads one row per candidate however many scores are stored.
"""
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from interview.extensions import db
from interview.models import ALL_QUESTIONS, Attempt, AttemptStatus, Role, Score, ScoreTotal, User
from interview.privacy.readings import shown_in_queries


# INSERT ... ON CONFLICT DO UPDATE, where the database has it (others update, then insert).
_UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@dataclass(frozen=True)
class CohortAverage:
    mean: float
    candidates: int  # how many other people the mean covers


def cohort_averages(
    modality: str, exclude_user_id: int, question_id: int | None = None
) -> dict[str, CohortAverage]:
    """Average of every *other* candidate, per score name, over one question or all of them.

    Only people whose role is candidate count: a recruiter's, instructor's or admin's test
    answers never move the figures candidates compare themselves with. The role is read at
    query time, so a user whose role changes moves in or out of the averages with it. The
    emotion readings of someone who switched them off count nowhere, averages included.
    """
    rows = db.session.execute(cohort_query(modality, exclude_user_id, question_id))
    return {name: CohortAverage(mean=mean, candidates=count) for name, mean, count in rows}


def cohort_query(modality: str, exclude_user_id: int, question_id: int | None = None):
    """The statement behind :func:`cohort_averages`: (name, mean of candidate means, count)."""
    candidate_mean = ScoreTotal.total / ScoreTotal.count
    return (
        select(ScoreTotal.name, func.avg(candidate_mean), func.count())
        .join(User, User.id == ScoreTotal.user_id)
        .where(
            User.role == Role.CANDIDATE,
            shown_in_queries(User.emotion_readings_enabled, ScoreTotal.name),
            ScoreTotal.modality == modality,
            ScoreTotal.question_id == (question_id or ALL_QUESTIONS),
            ScoreTotal.user_id != exclude_user_id,
            ScoreTotal.count > 0,
        )
        .group_by(ScoreTotal.name)
    )


def record_scores(attempt: Attempt) -> None:
    """Add a new attempt's scores to its owner's running totals (caller commits)."""
    for score in attempt.scores:
        for question_id in (ALL_QUESTIONS, attempt.question_id):
            _add_to_total(attempt, score, question_id, sign=1)


def forget_scores(attempt: Attempt) -> None:
    """Take a deleted attempt's scores out of the running totals (caller commits)."""
    for score in attempt.scores:
        for question_id in (ALL_QUESTIONS, attempt.question_id):
            _add_to_total(attempt, score, question_id, sign=-1)
    db.session.execute(delete(ScoreTotal).where(
        ScoreTotal.user_id == attempt.user_id, ScoreTotal.count <= 0))


def _add_to_total(attempt: Attempt, score: Score, question_id: int, sign: int) -> None:
    # One atomic statement (no read-modify-write), so concurrent workers cannot lose a score.
    values = dict(modality=attempt.modality, question_id=question_id, name=score.name, user_id=attempt.user_id)
    upsert = _UPSERTS.get(db.engine.dialect.name)
    if sign > 0 and upsert is not None:
        # Two workers may both find no row yet (PostgreSQL runs them at once): the second adds to
        # the first's row instead of failing on the primary key.
        statement = upsert(ScoreTotal).values(**values, total=score.value, count=1)
        db.session.execute(statement.on_conflict_do_update(
            index_elements=list(values),
            set_={"total": ScoreTotal.total + statement.excluded.total, "count": ScoreTotal.count + 1}))
        return
    key = [getattr(ScoreTotal, column) == value for column, value in values.items()]
    changed = db.session.execute(
        update(ScoreTotal).where(*key).values(
            total=ScoreTotal.total + sign * score.value, count=ScoreTotal.count + sign)
    ).rowcount
    if changed == 0 and sign > 0:
        db.session.execute(insert(ScoreTotal).values(**values, total=score.value, count=1))


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
