"""Look-ups for the home, question and history pages."""
from sqlalchemy import select

from interview.answers.measures import PERCENT_AXIS, TRAIT_AXIS, measure
from interview.extensions import db
from interview.models import Attempt, Question
from interview.privacy.readings import visible_score_names


def questions_by_category() -> dict[str, list[Question]]:
    grouped: dict[str, list[Question]] = {}
    for question in db.session.scalars(select(Question).where(Question.in_bank.is_(True)).order_by(Question.category, Question.id)):
        grouped.setdefault(question.category, []).append(question)
    return grouped


def user_attempts(user_id: int) -> list[Attempt]:
    query = (
        select(Attempt)
        .where(Attempt.user_id == user_id)
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
    )
    return list(db.session.scalars(query))


# The scores the trend charts follow over attempts, per modality.
TREND_SCORES = {
    "text": ("openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism"),
    "video": ("face_happy", "face_neutral", "face_share", "speaking_rate_syllables_per_second"),
    "audio": ("voice_happy", "voice_neutral", "speaking_rate_syllables_per_second", "pitch_range_semitones"),
}
MODALITY_TITLES = {"text": "Written answers", "video": "Video answers", "audio": "Audio answers"}
FULL_SCALE_AXES = (PERCENT_AXIS, TRAIT_AXIS)  # these axes always run 0-100


def trend_charts(modality: str, names: list[str]) -> list[dict]:
    """One chart per unit, so that no axis mixes percentages with syllables or semitones."""
    charts: dict[str, dict] = {}
    for name in names:
        item = measure(name)
        chart = charts.setdefault(item.axis, {
            "id": f"trend-{modality}-{len(charts) + 1}", "axis": item.axis,
            "range": [0, 100] if item.axis in FULL_SCALE_AXES else None, "series": []})
        chart["series"].append({"name": name, "label": item.label, "unit": item.unit})
    return list(charts.values())


def trends(attempts: list[Attempt]) -> dict[str, dict]:
    """Per modality, its charts and one point per completed attempt (oldest first), with each
    tracked score in the unit its chart shows."""
    series: dict[str, dict] = {}
    for attempt in sorted(attempts, key=lambda a: (a.created_at, a.id)):
        if attempt.status != "complete" or attempt.modality not in TREND_SCORES:
            continue
        # The owner's switch for emotion readings hides them here too.
        wanted = visible_score_names(attempt.user, TREND_SCORES[attempt.modality])
        values = {s.name: round(measure(s.name).shown(s.value), 2) for s in attempt.scores if s.name in wanted}
        trend = series.setdefault(attempt.modality, {
            "title": MODALITY_TITLES[attempt.modality], "charts": trend_charts(attempt.modality, wanted),
            "points": []})
        trend["points"].append({
            "when": attempt.created_at.strftime("%Y-%m-%d %H:%M"),
            "question_id": attempt.question_id, "scores": values})
    return series
