"""Look-ups the pages share: questions, and attempts only their owner may see."""
from flask import abort
from sqlalchemy import select

from interview.extensions import db
from interview.models import Attempt, Question
from interview.scoring import forget_scores


def owned_attempt_or_404(attempt_id: int, user_id: int) -> Attempt:
    """404, not 403, for someone else's attempt: do not even confirm that it exists."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user_id:
        abort(404)
    return attempt


def questions_by_category() -> dict[str, list[Question]]:
    grouped: dict[str, list[Question]] = {}
    for question in db.session.scalars(select(Question).order_by(Question.category, Question.id)):
        grouped.setdefault(question.category, []).append(question)
    return grouped


def user_attempts(user_id: int) -> list[Attempt]:
    query = (
        select(Attempt)
        .where(Attempt.user_id == user_id)
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
    )
    return list(db.session.scalars(query))


def delete_attempt(attempt: Attempt) -> None:
    forget_scores(attempt)
    db.session.delete(attempt)
    db.session.commit()
