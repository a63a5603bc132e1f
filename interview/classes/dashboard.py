"""The class dashboard: for each session, its students by its questions, and where each
student's answer to each question stands. Only current students show: a student who left took
their answers with them, as far as the instructor is concerned."""
from dataclasses import dataclass

from sqlalchemy import select

from interview.classes.assignments import CLOSED, UPCOMING, counts_as_answered, state_of
from interview.classes.mock_sessions import class_sessions
from interview.classes.services import current_members
from interview.extensions import db
from interview.models import Attempt, AttemptStatus, Classroom, MockSession, SessionItem, User

NOT_ANSWERED = "not answered"


@dataclass(frozen=True)
class Cell:
    state: str                  # an answer's status, or not answered / closed / not open yet
    latest: Attempt | None      # the student's latest answer to the question
    answers: int                # how many answers they gave to it

    @property
    def has_report(self) -> bool:
        """The instructor can open a report once the analysis is done."""
        return self.latest is not None and self.latest.status == AttemptStatus.COMPLETE


@dataclass(frozen=True)
class StudentRow:
    student: User
    cells: list[Cell]

    @property
    def answered(self) -> int:
        return sum(1 for cell in self.cells if cell.latest is not None and cell.state != AttemptStatus.FAILED)


@dataclass(frozen=True)
class SessionGrid:
    session: MockSession
    state: str
    rows: list[StudentRow]


def class_grids(classroom: Classroom) -> list[SessionGrid]:
    """One grid per session of the class, newest opening first."""
    sessions = class_sessions(classroom.id)
    students = [member.user for member in current_members(classroom)]
    given = answers_by_student_and_item([s.id for s in sessions], [u.id for u in students])
    grids = []
    for mock in sessions:
        state = state_of(mock)
        rows = [StudentRow(student, [cell(given.get((student.id, item.id), []), state) for item in mock.items])
                for student in students]
        grids.append(SessionGrid(mock, state, rows))
    return grids


def cell(attempts: list[Attempt], session_state: str) -> Cell:
    """The latest answer decides the state; an unanswered question reads as the session does."""
    if attempts:
        latest = next((a for a in attempts if counts_as_answered([a])), attempts[0])
        return Cell(latest.status, latest, len(attempts))
    empty = {CLOSED: CLOSED, UPCOMING: UPCOMING}.get(session_state, NOT_ANSWERED)
    return Cell(empty, None, 0)


def answers_by_student_and_item(session_ids: list[int], user_ids: list[int]) -> dict[tuple[int, int], list[Attempt]]:
    """Every answer the students gave in these sessions, newest first, in one query."""
    attempts = db.session.scalars(
        select(Attempt).join(SessionItem, Attempt.session_item_id == SessionItem.id)
        .where(SessionItem.session_id.in_(session_ids), Attempt.user_id.in_(user_ids))
        .order_by(Attempt.created_at.desc(), Attempt.id.desc()))
    grouped: dict[tuple[int, int], list[Attempt]] = {}
    for attempt in attempts:
        grouped.setdefault((attempt.user_id, attempt.session_item_id), []).append(attempt)
    return grouped
