"""Look-ups for the home, question and history pages."""
from flask import abort
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from interview.answers.measures import PERCENT_AXIS, TRAIT_AXIS, measure
from interview.extensions import db
from interview.models import Attempt, Question
from interview.models.core import MAX_ID
from interview.privacy.readings import visible_score_names


def questions_by_category() -> dict[str, list[Question]]:
    grouped: dict[str, list[Question]] = {}
    for question in db.session.scalars(select(Question).where(Question.in_bank.is_(True)).order_by(Question.category, Question.id)):
        grouped.setdefault(question.category, []).append(question)
    return grouped


HISTORY_PAGE_SIZE = 50
# Past this a page number is nonsense (and its offset would overflow the database's integer).
MAX_PAGE = 1_000_000


def history_page(user_id: int, page: int, question_id: int | None = None) -> Pagination:
    """One page of a user's answers, newest first, to one question or to all; 404 for a page
    past the last (the first page always exists, empty or not)."""
    if not 1 <= page <= MAX_PAGE or (question_id is not None and not 0 < question_id <= MAX_ID):
        abort(404)
    query = select(Attempt).where(Attempt.user_id == user_id)
    if question_id is not None:
        query = query.where(Attempt.question_id == question_id)
    query = query.options(selectinload(Attempt.question)).order_by(Attempt.created_at.desc(), Attempt.id.desc())
    return db.paginate(query, page=page, per_page=HISTORY_PAGE_SIZE, max_per_page=HISTORY_PAGE_SIZE)


def answered_questions(user_id: int) -> dict[int, str]:
    """The questions a user has answered, for the history page's filter."""
    query = (select(Question.id, Question.text).join(Attempt, Attempt.question_id == Question.id)
             .where(Attempt.user_id == user_id).distinct().order_by(Question.id))
    return dict(db.session.execute(query).all())


def finished_attempts(user_id: int) -> list[Attempt]:
    """Every finished answer with its scores, for the trend charts (compact: a few numbers each)."""
    query = (select(Attempt).where(Attempt.user_id == user_id, Attempt.status == "complete")
             .options(selectinload(Attempt.scores)).order_by(Attempt.created_at, Attempt.id))
    return list(db.session.scalars(query))


# The scores the trend charts follow over attempts, per modality.
TREND_SCORES = {
    "text": ("openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism"),
    "video": ("face_happy", "face_neutral", "face_share", "eye_contact_share", "speaking_rate_syllables_per_second",
              "words_per_minute", "fillers_per_minute", "head_degrees_per_second", "wheel_calm", "wheel_joy",
              "valence_face", "arousal_face"),
    "audio": ("voice_happy", "voice_neutral", "speaking_rate_syllables_per_second", "pitch_range_semitones",
              "words_per_minute", "fillers_per_minute"),
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
    tracked score in the unit its chart shows. A measure no attempt has (words before
    transcripts, say) gets no chart."""
    series: dict[str, dict] = {}
    for attempt in sorted(attempts, key=lambda a: (a.created_at, a.id)):
        if attempt.status != "complete" or attempt.modality not in TREND_SCORES:
            continue
        # The owner's switch for emotion readings hides them here too.
        wanted = visible_score_names(attempt.user, TREND_SCORES[attempt.modality])
        values = {s.name: round(measure(s.name).shown(s.value), 2) for s in attempt.scores if s.name in wanted}
        trend = series.setdefault(attempt.modality, {"title": MODALITY_TITLES[attempt.modality], "points": []})
        trend["points"].append({
            "when": attempt.created_at.strftime("%Y-%m-%d %H:%M"),
            "question_id": attempt.question_id, "scores": values})
    for modality, trend in series.items():
        present = {name for point in trend["points"] for name in point["scores"]}
        trend["charts"] = trend_charts(modality, [name for name in TREND_SCORES[modality] if name in present])
    return series
