"""The class's scores and rubric marks as CSV: one row per session answer of a current
student, one column per score and per rubric criterion.

Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a formula,
so every text cell that starts so (a student's name, a title, a question) gets a leading
apostrophe; numbers are written as numbers.
"""
import csv
import io
import re

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from interview.answers.measures import measure
from interview.classes.figures import MEASURE_ORDER
from interview.extensions import db
from interview.models import (Attempt, ClassMembership, Classroom, MockSession, RubricMark, Score,
                              SessionItem, User)
from interview.privacy.readings import visible_score_names

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FIXED_COLUMNS = ("student", "email", "session", "question", "question number", "mode", "status",
                 "answered at (UTC)")


def guarded(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_filename(classroom: Classroom) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", classroom.name.lower()).strip("-")[:40] or "class"
    return f"poise-class-{classroom.id}-{slug}.csv"


def class_answers(classroom: Classroom) -> list[Attempt]:
    """Every session answer of the class's current students, session by session."""
    return list(db.session.scalars(
        select(Attempt).options(selectinload(Attempt.scores), joinedload(Attempt.user), joinedload(Attempt.question),
                                joinedload(Attempt.session_item).joinedload(SessionItem.session))
        .join(SessionItem, SessionItem.id == Attempt.session_item_id)
        .join(MockSession, MockSession.id == SessionItem.session_id)
        .join(ClassMembership, (ClassMembership.classroom_id == MockSession.classroom_id)
              & (ClassMembership.user_id == Attempt.user_id))
        .join(User, User.id == Attempt.user_id)
        .where(MockSession.classroom_id == classroom.id, ClassMembership.left_at.is_(None))
        .order_by(MockSession.opens_at, MockSession.id, func.lower(User.display_name), User.id,
                  SessionItem.position, Attempt.created_at, Attempt.id)))


def score_names(attempt_ids: list[int]) -> list[str]:
    names = db.session.scalars(select(Score.name).distinct().where(Score.attempt_id.in_(attempt_ids)))
    return sorted(names, key=lambda name: (MEASURE_ORDER.get(name, len(MEASURE_ORDER)), name))


def score_header(name: str) -> str:
    item = measure(name)
    return f"{item.label} ({item.unit})" if item.unit else item.label


def rubric_marks(attempt_ids: list[int]) -> dict[tuple[int, int], int]:
    rows = db.session.execute(select(RubricMark.attempt_id, RubricMark.criterion_id, RubricMark.score)
                              .where(RubricMark.attempt_id.in_(attempt_ids)))
    return {(attempt_id, criterion_id): score for attempt_id, criterion_id, score in rows}


def answer_row(attempt: Attempt, names: list[str], criteria: list, marks: dict) -> list:
    item = attempt.session_item
    shown_names = set(visible_score_names(attempt.user, [score.name for score in attempt.scores]))
    scores = {score.name: score.value for score in attempt.scores if score.name in shown_names}
    shown = [round(measure(name).shown(scores[name]), 2) if name in scores else "" for name in names]
    return [attempt.user.display_name, attempt.user.email, item.session.title, attempt.question.text,
            item.position, attempt.modality, attempt.status, attempt.created_at.strftime("%Y-%m-%d %H:%M"),
            *shown, *(marks.get((attempt.id, criterion.id), "") for criterion in criteria)]


def class_csv(classroom: Classroom) -> str:
    answers = class_answers(classroom)
    ids = [attempt.id for attempt in answers]
    names, criteria = score_names(ids), list(classroom.rubric)
    marks = rubric_marks(ids)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = [*FIXED_COLUMNS, *map(score_header, names), *(f"rubric: {c.name} (1-5)" for c in criteria)]
    writer.writerow([guarded(cell) for cell in header])
    for attempt in answers:
        writer.writerow([guarded(cell) for cell in answer_row(attempt, names, criteria, marks)])
    return buffer.getvalue()
