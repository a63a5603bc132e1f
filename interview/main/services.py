"""Look-ups the pages share: questions, and attempts only their owner may see."""
from flask import abort, current_app
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
    """The attempt, its scores, its share of the cohort totals and its recording, all gone."""
    recording = attempt.recording_path
    forget_scores(attempt)
    db.session.delete(attempt)
    db.session.commit()
    current_app.extensions["recording_store"].delete(recording)


# The scores that each modality's trend chart follows over attempts.
TREND_SCORES = {
    "text": ("openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism"),
    "video": ("face_happy", "face_neutral", "face_share", "speaking_rate_syllables_per_second"),
    "audio": ("voice_happy", "voice_neutral", "speaking_rate_syllables_per_second", "pitch_range_semitones"),
}


def trends(attempts: list[Attempt]) -> dict[str, list[dict]]:
    """Per modality, one point per completed attempt (oldest first) with its tracked scores."""
    series: dict[str, list[dict]] = {}
    for attempt in sorted(attempts, key=lambda a: (a.created_at, a.id)):
        if attempt.status != "complete":
            continue
        wanted = TREND_SCORES.get(attempt.modality, ())
        values = {s.name: round(s.value, 2) for s in attempt.scores if s.name in wanted}
        series.setdefault(attempt.modality, []).append({
            "when": attempt.created_at.strftime("%Y-%m-%d %H:%M"),
            "question_id": attempt.question_id, "scores": values})
    return series
