"""A class's rubric: the criteria its instructor marks each answer on (1-5), in order."""
from flask import abort

from interview.extensions import db
from interview.models import Classroom, Role, RubricCriterion, User

MAX_CRITERIA = 12


class RubricRefusal(Exception):
    """A change the rubric cannot take; the message says why."""


def taught_classroom_or_404(classroom_id: int, user: User) -> Classroom:
    """The class, for its own instructor only; 404 for anyone else."""
    classroom = db.session.get(Classroom, classroom_id)
    if classroom is None or user.role != Role.INSTRUCTOR or classroom.instructor_id != user.id:
        abort(404)
    return classroom


def criterion_or_404(classroom: Classroom, criterion_id: int) -> RubricCriterion:
    criterion = db.session.get(RubricCriterion, criterion_id)
    if criterion is None or criterion.classroom_id != classroom.id:
        abort(404)
    return criterion


def ordered(classroom: Classroom) -> list[RubricCriterion]:
    return sorted(classroom.rubric, key=lambda c: (c.position, c.id))


def _check_name(classroom: Classroom, name: str, criterion: RubricCriterion | None = None) -> str:
    name = name.strip()
    if any(other.name.casefold() == name.casefold() and other is not criterion for other in classroom.rubric):
        raise RubricRefusal(f"This rubric already has a criterion named “{name}”.")
    return name


def add_criterion(classroom: Classroom, name: str, description: str | None) -> RubricCriterion:
    if len(classroom.rubric) >= MAX_CRITERIA:
        raise RubricRefusal(f"A rubric holds at most {MAX_CRITERIA} criteria.")
    criterion = RubricCriterion(name=_check_name(classroom, name), description=(description or "").strip() or None,
                                position=len(classroom.rubric))
    classroom.rubric.append(criterion)
    db.session.commit()
    return criterion


def update_criterion(classroom: Classroom, criterion: RubricCriterion, name: str, description: str | None) -> None:
    criterion.name = _check_name(classroom, name, criterion)
    criterion.description = (description or "").strip() or None
    db.session.commit()


def _renumber(criteria: list[RubricCriterion]) -> None:
    for position, criterion in enumerate(criteria):
        criterion.position = position


def remove_criterion(classroom: Classroom, criterion: RubricCriterion) -> None:
    """Remove a criterion; its marks on every answer go with it (the foreign key cascades)."""
    remaining = [c for c in ordered(classroom) if c is not criterion]
    classroom.rubric.remove(criterion)
    _renumber(remaining)
    db.session.commit()


def move_criterion(classroom: Classroom, criterion: RubricCriterion, step: int) -> None:
    """Move a criterion ``step`` places (-1: up, 1: down), staying within the rubric."""
    criteria = ordered(classroom)
    index = criteria.index(criterion)
    target = min(max(index + step, 0), len(criteria) - 1)
    criteria.insert(target, criteria.pop(index))
    _renumber(criteria)
    db.session.commit()
