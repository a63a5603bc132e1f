"""Look-ups for the home, question and history pages."""
from sqlalchemy import select

from interview.extensions import db
from interview.models import Attempt, Question


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
