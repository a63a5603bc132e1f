"""Class figures: each measure's class average beside the average of all candidates, over
every question or one question, with how many people each average covers.

The class average is taken the way ``interview.scoring`` takes the cohort's: each student's
session answers are averaged first, so a student who retook a question five times counts once.
Only current students' completed session answers count.
"""
from dataclasses import dataclass

from sqlalchemy import func, select

from interview.answers.measures import MEASURES, Measure, measure
from interview.extensions import db
from interview.main.services import MODALITY_TITLES
from interview.models import (Attempt, AttemptStatus, ClassMembership, Classroom, MockSession, Question,
                              Score, SessionItem, User)
from interview.privacy.readings import shown_in_queries
from interview.scoring import CohortAverage, cohort_averages

EVERYONE = 0  # no user has this id: the cohort averages leave nobody out
MEASURE_ORDER = {name: n for n, name in enumerate(MEASURES)}


@dataclass(frozen=True)
class FigureRow:
    measure: Measure
    class_mean: float           # stored units; ``measure.shown`` gives the unit shown
    students: int
    candidates: CohortAverage | None


@dataclass(frozen=True)
class ModalityFigures:
    modality: str
    title: str
    rows: list[FigureRow]


def class_questions(classroom: Classroom) -> list[Question]:
    """The questions the class's sessions ask, for the 'same question' comparison."""
    return list(db.session.scalars(
        select(Question).join(SessionItem, SessionItem.question_id == Question.id)
        .join(MockSession, MockSession.id == SessionItem.session_id)
        .where(MockSession.classroom_id == classroom.id).distinct().order_by(Question.text)))


def class_figures(classroom: Classroom, question_id: int | None = None) -> list[ModalityFigures]:
    means = class_means(classroom, question_id)
    figures = []
    for modality in sorted({modality for modality, _ in means}, key=list(MODALITY_TITLES).index):
        others = cohort_averages(modality, EVERYONE, question_id)
        names = sorted((name for m, name in means if m == modality), key=_measure_order)
        rows = [FigureRow(measure(name), *means[(modality, name)], others.get(name)) for name in names]
        figures.append(ModalityFigures(modality, MODALITY_TITLES[modality], rows))
    return figures


def class_means(classroom: Classroom, question_id: int | None) -> dict[tuple[str, str], tuple[float, int]]:
    """(modality, score name) -> (mean over students of each student's mean, students)."""
    conditions = [MockSession.classroom_id == classroom.id, ClassMembership.left_at.is_(None),
                  Attempt.status == AttemptStatus.COMPLETE, shown_in_queries(User.emotion_readings_enabled, Score.name)]
    if question_id:
        conditions.append(Attempt.question_id == question_id)
    per_student = (
        select(Score.modality, Score.name, Score.user_id, func.avg(Score.value).label("mean"))
        .join(Attempt, Attempt.id == Score.attempt_id)
        .join(SessionItem, SessionItem.id == Attempt.session_item_id)
        .join(MockSession, MockSession.id == SessionItem.session_id)
        .join(ClassMembership, (ClassMembership.classroom_id == MockSession.classroom_id)
              & (ClassMembership.user_id == Attempt.user_id))
        .join(User, User.id == Attempt.user_id)
        .where(*conditions).group_by(Score.modality, Score.name, Score.user_id).subquery())
    rows = db.session.execute(
        select(per_student.c.modality, per_student.c.name, func.avg(per_student.c.mean), func.count())
        .group_by(per_student.c.modality, per_student.c.name))
    return {(modality, name): (mean, students) for modality, name, mean, students in rows}


def _measure_order(name: str) -> tuple[int, str]:
    return MEASURE_ORDER.get(name, len(MEASURE_ORDER)), name
