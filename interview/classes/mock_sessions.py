"""Making and changing mock-interview sessions: the questions of a set copied into session
items (each with its mode, time limit and place), whom the session is for, and telling a
class's students about a new one."""
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import url_for
from sqlalchemy import select

from interview.classes.assignments import aware
from interview.classes.blueprint import served_url
from interview.classes.forms import MAX_LIMIT_SECONDS, MIN_LIMIT_SECONDS, SessionForm, mode_choices
from interview.classes.question_sets import SET_ROLES
from interview.classes.services import TEACHING_ROLES, current_members, instructed_classes, owned_or_404
from interview.extensions import db
from interview.models import Attempt, MockSession, Question, QuestionSet, Role, SessionItem, User
from interview.notify import notify

NO_CLASS = 0  # the class choice of a session for invited candidates (a recruiter's)
INVITATIONS_PAGE = "sharing.recruiter_session"


class SessionChangeRefused(Exception):
    """A session change that cannot be made; the message says why."""


@dataclass(frozen=True)
class ChosenItem:
    question: Question
    mode: str
    time_limit: int
    existing: SessionItem | None = None


def owned_session_or_404(session_id: int, user: User) -> MockSession:
    return owned_or_404(MockSession, session_id, user, SET_ROLES)


def invitations_url(mock: MockSession, user: User) -> str | None:
    """Where a recruiter invites candidates to their session (the sharing feature's page)."""
    if mock.classroom_id is not None or user.role != Role.RECRUITER:
        return None
    return served_url(INVITATIONS_PAGE, session_id=mock.id)


def owned_sessions(user: User) -> list[MockSession]:
    return list(db.session.scalars(select(MockSession).where(MockSession.owner_id == user.id)
                                   .order_by(MockSession.opens_at.desc(), MockSession.id.desc())))


def class_sessions(classroom_id: int) -> list[MockSession]:
    return list(db.session.scalars(select(MockSession).where(MockSession.classroom_id == classroom_id)
                                   .order_by(MockSession.opens_at.desc(), MockSession.id.desc())))


def audience_choices(user: User) -> list[tuple[int, str]]:
    """Whom the user may make a session for: their own classes, and (recruiters, admins) the
    candidates they will invite."""
    choices = [(c.id, c.name) for c in instructed_classes(user)] if user.has_role(*TEACHING_ROLES) else []
    if user.has_role(Role.RECRUITER, Role.ADMIN):
        choices.append((NO_CLASS, "No class: candidates I invite"))
    return choices


def default_limit(question: Question) -> int:
    return min(max(question.time_limit_seconds or MIN_LIMIT_SECONDS, MIN_LIMIT_SECONDS), MAX_LIMIT_SECONDS)


def item_rows(questions: list[Question]) -> list[dict]:
    """A new session's rows: every question, in the set's order, in the first mode offered."""
    mode = mode_choices()[0][0]
    return [{"question_id": str(q.id), "include": True, "position": n, "mode": mode,
             "time_limit": default_limit(q)} for n, q in enumerate(questions, start=1)]


def session_settings(mock: MockSession) -> dict:
    """The session as its form shows it: dates in UTC, one row per question."""
    rows = [{"question_id": str(item.question_id), "include": True, "position": item.position,
             "mode": item.mode, "time_limit": item.time_limit_seconds} for item in mock.items]
    return {"title": mock.title, "retakes_allowed": mock.retakes_allowed, "items": rows,
            **{name: aware(getattr(mock, name)).astimezone(timezone.utc).replace(tzinfo=None)
               for name in ("opens_at", "closes_at")}}


def rows_match(form: SessionForm, questions: list[Question]) -> bool:
    """The form's rows are the questions shown beside them (they change if the set or session
    changed while the page was open)."""
    return [row.form.question_id.data for row in form.items] == [str(q.id) for q in questions]


def utc(moment: datetime) -> datetime:
    """A date-time typed in the form is UTC, as the form says."""
    return moment.replace(tzinfo=timezone.utc)


def chosen_items(form: SessionForm, questions: list[Question],
                 existing: list[SessionItem] | None = None) -> list[ChosenItem]:
    """The included rows, in the order asked (ties keep the listed order). Rows line up with
    the questions shown on the page; if those changed meanwhile, the page is stale."""
    rows = [row.form for row in form.items]
    if not rows_match(form, questions):
        raise SessionChangeRefused("The questions changed while you were editing. Reload the page and try again.")
    existing = existing or [None] * len(questions)
    ordered = sorted(range(len(rows)), key=lambda n: (rows[n].position.data, n))
    return [ChosenItem(questions[n], rows[n].mode.data, rows[n].time_limit.data, existing[n])
            for n in ordered if rows[n].include.data]


def create_session(owner: User, question_set: QuestionSet, form) -> MockSession:
    questions = [item.question for item in question_set.items]
    chosen = chosen_items(form, questions)
    classroom_id = form.classroom_id.data or None
    mock = MockSession(owner_id=owner.id, classroom_id=classroom_id, question_set_id=question_set.id,
                       title=form.title.data.strip(), opens_at=utc(form.opens_at.data),
                       closes_at=utc(form.closes_at.data), retakes_allowed=form.retakes_allowed.data)
    mock.items = [SessionItem(question=c.question, position=n, mode=c.mode, time_limit_seconds=c.time_limit)
                  for n, c in enumerate(chosen, start=1)]
    db.session.add(mock)
    db.session.flush()
    if mock.classroom_id is not None:
        tell_students(mock)
    db.session.commit()
    return mock


def answered_item_ids(mock: MockSession) -> set[int]:
    return set(db.session.scalars(select(Attempt.session_item_id).distinct().where(
        Attempt.session_item_id.in_([item.id for item in mock.items]))))


def update_session(mock: MockSession, form: SessionForm) -> None:
    """New title, dates, retakes and questions. A question already answered keeps its mode and
    stays in the session: its answers were given that way."""
    items = list(mock.items)
    chosen = chosen_items(form, [item.question for item in items], items)
    answered = answered_item_ids(mock)
    kept = {c.existing.id for c in chosen}
    for position, item in enumerate(items, start=1):
        change = next((c for c in chosen if c.existing is item), None)
        if item.id in answered and (change is None or change.mode != item.mode):
            raise SessionChangeRefused(f"Question {position} already has answers: it stays in the session, "
                                       f"answered by {item.mode}.")
    mock.title, mock.retakes_allowed = form.title.data.strip(), form.retakes_allowed.data
    mock.opens_at, mock.closes_at = utc(form.opens_at.data), utc(form.closes_at.data)
    for item in items:
        if item.id not in kept:
            mock.items.remove(item)
    for position, change in enumerate(chosen, start=1):
        change.existing.position, change.existing.mode = position, change.mode
        change.existing.time_limit_seconds = change.time_limit
    db.session.commit()


def delete_session(mock: MockSession) -> None:
    """The session goes; answers given in it stay their owners' (outside any session)."""
    db.session.delete(mock)
    db.session.commit()


def tell_students(mock: MockSession) -> None:
    """A notice (and an email, where mail is set up) to each current student (caller commits)."""
    link = url_for("classes.session", session_id=mock.id)
    opens, closes = (moment.strftime("%Y-%m-%d %H:%M") for moment in (mock.opens_at, mock.closes_at))
    message = (f"New mock interview in {mock.classroom.name}: “{mock.title}”, "
               f"open from {opens} to {closes} UTC.")
    for member in current_members(mock.classroom):
        notify(member.user, message, link, subject=f"New mock interview: {mock.title}")
