"""A recruiter invites candidates, by email, to practise one of their own sessions (one with no
class). The invitation link carries a token whose hash only is stored; it is accepted only by
the signed-in account whose email it was sent to (anyone else gets 404), so a forwarded link
is useless. The recruiter sees who accepted and how many questions each answered, never the
answers: those reach a recruiter only through a share the candidate makes."""
import re
import secrets
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import abort, current_app, url_for
from sqlalchemy import func, select

from interview.auth.services import find_user_by_email, normalise_email
from interview.classes.assignments import progress_in
from interview.extensions import db
from interview.models import MockSession, Role, SessionInvite, User, utcnow
from interview.notify import absolute, notify, send_email
from interview.sharing.selection import MAX_TOKEN_LENGTH, token_hash


def recruiter_sessions(recruiter: User) -> list[MockSession]:
    """The recruiter's own sessions with no class, newest first."""
    return list(db.session.scalars(
        select(MockSession).where(MockSession.owner_id == recruiter.id, MockSession.classroom_id.is_(None))
        .order_by(MockSession.created_at.desc(), MockSession.id.desc())))


def recruiter_session_or_404(recruiter: User, session_id: int) -> MockSession:
    session = db.session.get(MockSession, session_id)
    if (session is None or recruiter.role != Role.RECRUITER or session.owner_id != recruiter.id
            or session.classroom_id is not None):
        abort(404)
    return session


def session_owner(session: MockSession) -> User:
    return db.session.get(User, session.owner_id)


def split_emails(text: str) -> tuple[list[str], list[str]]:
    """The addresses in a pasted list (lines, commas, semicolons or spaces), normalised and each
    once, and the entries that are not addresses."""
    valid, invalid = [], []
    for entry in filter(None, re.split(r"[\s,;]+", text)):
        try:
            address = normalise_email(validate_email(entry, check_deliverability=False).normalized)
        except EmailNotValidError:
            invalid.append(entry)
            continue
        if address not in valid:
            valid.append(address)
    return valid, invalid


@dataclass(frozen=True)
class SentInvite:
    email: str
    link: str        # shown once to the recruiter, to pass on where no email goes out
    renewed: bool    # an earlier, unanswered invitation's link stops working


def invite(session: MockSession, recruiter: User, emails: list[str]) -> tuple[list[SentInvite], list[str]]:
    """Invite each address; returns the invitations sent and the addresses already accepted (skipped).
    Inviting again an address that has not accepted gives it a new link: the old one stops working."""
    sent, already = [], []
    for email in emails:
        existing = db.session.scalar(select(SessionInvite).where(
            SessionInvite.session_id == session.id, SessionInvite.email == email))
        if existing is not None and existing.accepted_at is not None:
            already.append(email)
            continue
        token = secrets.token_urlsafe(32)
        if existing is None:
            db.session.add(SessionInvite(session_id=session.id, email=email, token_hash=token_hash(token)))
        else:
            existing.token_hash, existing.created_at = token_hash(token), utcnow()
        link = url_for("sharing.accept_invite", token=token)
        _tell_invitee(session, recruiter, email, link)
        sent.append(SentInvite(email, absolute(link), existing is not None))
    db.session.commit()
    return sent, already


def _tell_invitee(session: MockSession, recruiter: User, email: str, link: str) -> None:
    message = (f"{recruiter.display_name} invites you to practise the mock interview “{session.title}” on Poise. "
               f"{recruiter.display_name} will see whether you answered, not your answers: those stay "
               "yours unless you choose to share them.")
    subject = f"{recruiter.display_name} invites you to practise an interview"
    invitee = find_user_by_email(email)
    if invitee is not None:
        notify(invitee, message, link, subject=subject)
    else:
        send_email(email, subject, f"{message}\n\nCreate an account with this address, then open:\n{absolute(link)}")


def mail_is_set_up() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


@dataclass(frozen=True)
class InviteStatus:
    invite: SessionInvite
    state: str          # sent or accepted
    answered: int       # questions answered in the session (never which answers)
    total: int


def invite_statuses(session: MockSession) -> list[InviteStatus]:
    invites = db.session.scalars(select(SessionInvite).where(SessionInvite.session_id == session.id)
                                 .order_by(SessionInvite.created_at, SessionInvite.id))
    statuses = []
    for item in invites:
        accepted = item.accepted_at is not None and item.user_id is not None
        answered = progress_in(db.session.get(User, item.user_id), session).answered if accepted else 0
        statuses.append(InviteStatus(item, "accepted" if accepted else "sent", answered, len(session.items)))
    return statuses


def invite_counts(sessions: list[MockSession]) -> dict[int, int]:
    """How many people each session invited (0 where none)."""
    counts = dict(db.session.execute(
        select(SessionInvite.session_id, func.count()).where(SessionInvite.session_id.in_([s.id for s in sessions]))
        .group_by(SessionInvite.session_id)).all())
    return {session.id: counts.get(session.id, 0) for session in sessions}


def pending_invite_or_404(session: MockSession, invite_id: int) -> SessionInvite:
    item = db.session.get(SessionInvite, invite_id)
    if item is None or item.session_id != session.id or item.accepted_at is not None:
        abort(404)
    return item


def withdraw(item: SessionInvite) -> None:
    """An invitation not yet accepted is deleted: its link stops working."""
    db.session.delete(item)
    db.session.commit()


def accept(token: str, user: User) -> MockSession:
    """Accept the invitation this token names for ``user``, whose email must be the one invited
    (404 otherwise, as for a link that does not exist). Opening it again changes nothing."""
    item = None
    if token and len(token) <= MAX_TOKEN_LENGTH:
        item = db.session.scalar(select(SessionInvite).where(SessionInvite.token_hash == token_hash(token)))
    if item is None or normalise_email(item.email) != normalise_email(user.email):
        abort(404)
    if item.accepted_at is None:
        item.user_id, item.accepted_at = user.id, utcnow()
        db.session.commit()
    return item.session
