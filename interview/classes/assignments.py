"""The rules of mock-interview sessions, for whoever answers them: which sessions a person is
assigned, whether one is open, where they stand in it, and whether an answer may be given
to one of its questions. Pages and capture routes call these; nothing here renders."""
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select

from interview.extensions import db
from interview.models import (Attempt, AttemptStatus, ClassMembership, MockSession, SessionInvite,
                              SessionItem, User)
from interview.models.core import MAX_ID, as_utc


class SessionRefusal(Exception):
    """An answer that cannot be given in a session now; the message says why (a 409)."""


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


# SQLite hands back naive datetimes for timezone-aware columns: read them as UTC.
aware = as_utc


def is_open(session: MockSession, now: datetime | None = None) -> bool:
    now = now or now_utc()
    return aware(session.opens_at) <= now <= aware(session.closes_at)


UPCOMING, OPEN, CLOSED = "not open yet", "open", "closed"


def state_of(session: MockSession, now: datetime | None = None) -> str:
    """Where a session stands in time: not open yet, open, or closed."""
    now = now or now_utc()
    if now < aware(session.opens_at):
        return UPCOMING
    return OPEN if now <= aware(session.closes_at) else CLOSED


def not_open_message(session: MockSession) -> str:
    if state_of(session) == UPCOMING:
        return f"This session is not open yet: it opens on {session.opens_at.strftime('%Y-%m-%d at %H:%M')} UTC."
    return "This session is closed: answers are no longer taken."


def is_assigned(user: User, session: MockSession) -> bool:
    """A current member of the session's class, or a candidate who accepted its invitation."""
    if session.classroom_id is not None:
        return db.session.scalar(select(ClassMembership.id).where(
            ClassMembership.classroom_id == session.classroom_id, ClassMembership.user_id == user.id,
            ClassMembership.left_at.is_(None))) is not None
    return db.session.scalar(select(SessionInvite.id).where(
        SessionInvite.session_id == session.id, SessionInvite.user_id == user.id,
        SessionInvite.accepted_at.is_not(None))) is not None


def assigned_sessions(user: User) -> list[MockSession]:
    """Every session the user is assigned, soonest closing first."""
    by_class = select(MockSession).join(
        ClassMembership, ClassMembership.classroom_id == MockSession.classroom_id).where(
        ClassMembership.user_id == user.id, ClassMembership.left_at.is_(None))
    by_invite = select(MockSession).join(SessionInvite, SessionInvite.session_id == MockSession.id).where(
        SessionInvite.user_id == user.id, SessionInvite.accepted_at.is_not(None))
    sessions = {s.id: s for query in (by_class, by_invite) for s in db.session.scalars(query)}
    return sorted(sessions.values(), key=lambda s: (aware(s.closes_at), s.id))


def answers_in(user: User, session: MockSession) -> dict[int, list[Attempt]]:
    """The user's answers per session item, newest first (failed ones included: they show)."""
    attempts = db.session.scalars(
        select(Attempt).join(SessionItem, Attempt.session_item_id == SessionItem.id)
        .where(SessionItem.session_id == session.id, Attempt.user_id == user.id)
        .order_by(Attempt.created_at.desc(), Attempt.id.desc()))
    answered: dict[int, list[Attempt]] = {item.id: [] for item in session.items}
    for attempt in attempts:
        answered.setdefault(attempt.session_item_id, []).append(attempt)
    return answered


def counts_as_answered(attempts: list[Attempt]) -> bool:
    """An answer that failed analysis does not count: the student may give it again."""
    return any(a.status != AttemptStatus.FAILED for a in attempts)


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int
    next_item: SessionItem | None   # the first question not yet answered, in order

    @property
    def done(self) -> bool:
        return self.next_item is None


def progress_in(user: User, session: MockSession) -> Progress:
    answered = answers_in(user, session)
    remaining = [item for item in session.items if not counts_as_answered(answered.get(item.id, []))]
    return Progress(answered=len(session.items) - len(remaining), total=len(session.items),
                    next_item=remaining[0] if remaining else None)


def item_for_answer(user: User, item_id: int, modality: str, question_id: int) -> SessionItem | None:
    """The session item an answer is about to be given to, checked; None when the user is not
    assigned it or it does not match (the caller answers 404). Raises SessionRefusal when the
    session is closed, or the question is already answered and retakes are not allowed."""
    item = db.session.get(SessionItem, item_id)
    if item is None or item.mode != modality or item.question_id != question_id:
        return None
    if not is_assigned(user, item.session):
        return None
    if not is_open(item.session):
        raise SessionRefusal(not_open_message(item.session))
    if not item.session.retakes_allowed and counts_as_answered(answers_in(user, item.session).get(item.id, [])):
        raise SessionRefusal("You have already answered this question, and this session allows no retakes.")
    return item


def requested_item(user: User, raw_item_id, modality: str, question_id: int) -> SessionItem | None:
    """The session item a capture page or upload names (``session_item``), or None when it
    names none. 404 (via flask.abort) when it names one the user may not answer."""
    from flask import abort

    if raw_item_id in (None, ""):
        return None
    try:
        item_id = int(raw_item_id)
    except (TypeError, ValueError):
        abort(404)
    item = item_for_answer(user, item_id, modality, question_id) if 0 < item_id <= MAX_ID else None
    if item is None:
        abort(404)
    return item


def may_answer_outside_sessions(user: User, question) -> bool:
    """Bank questions are open to all; a question written for a class or a recruiter's set is
    answered only inside its sessions (or tried by its author)."""
    return question.in_bank or question.author_id == user.id
