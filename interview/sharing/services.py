"""The candidate's side of sharing: what they can share, making a share (by a recruiter's email
or by a link that expires), telling the recruiter, revoking, and the overview of every share
with who viewed it and when."""
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import abort, current_app, url_for
from sqlalchemy import select

from interview.auth.services import find_user_by_email
from interview.extensions import db
from interview.models import Attempt, AttemptStatus, Question, Role, Share, ShareItem, User, utcnow
from interview.notify import absolute, notify, send_email
from interview.sharing.selection import ANSWERS, PROFILE, is_live, share_attempts, token_hash


@dataclass(frozen=True)
class ProfileGroup:
    """One question in one mode the candidate answered, with their completed answers, newest first."""

    question: Question
    modality: str
    attempts: list[Attempt]


def shareable_attempts(user: User) -> list[Attempt]:
    """The user's completed answers, newest first: only finished reports can be shared."""
    return list(db.session.scalars(
        select(Attempt).where(Attempt.user_id == user.id, Attempt.status == AttemptStatus.COMPLETE)
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())))


def profile_groups(user: User) -> list[ProfileGroup]:
    groups: dict[tuple[int, str], ProfileGroup] = {}
    for attempt in shareable_attempts(user):
        key = (attempt.question_id, attempt.modality)
        groups.setdefault(key, ProfileGroup(attempt.question, attempt.modality, [])).attempts.append(attempt)
    return sorted(groups.values(), key=lambda g: (g.modality, g.question.id))


def attempt_label(attempt: Attempt) -> str:
    return f"{attempt.question.text} · {attempt.modality} · {attempt.created_at:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class NewShare:
    share: Share
    link_token: str | None   # shown once to the candidate, never stored
    emailed: bool


def share_answers(owner: User, attempt_ids: list[int], email: str | None, days: int | None) -> NewShare:
    """Share exactly these answers (the form has checked they are the owner's completed ones)."""
    share, token = _new_share(owner, ANSWERS, email, days)
    share.items = [ShareItem(attempt_id=attempt_id) for attempt_id in dict.fromkeys(attempt_ids)]
    return _save(share, token)


def share_profile(owner: User, pinned_ids: list[int], email: str | None, days: int | None) -> NewShare:
    """Share a benchmark profile: the latest answer per question and mode, except those pinned."""
    share, token = _new_share(owner, PROFILE, email, days)
    share.items = [ShareItem(attempt_id=attempt_id) for attempt_id in dict.fromkeys(pinned_ids)]
    return _save(share, token)


def _new_share(owner: User, kind: str, email: str | None, days: int | None) -> tuple[Share, str | None]:
    """A share by email, or by a link: then only the token's hash is stored, and the token goes
    back to the candidate once."""
    if email is not None:
        return Share(owner_id=owner.id, kind=kind, recipient_email=email), None
    token = secrets.token_urlsafe(32)
    return Share(owner_id=owner.id, kind=kind, token_hash=token_hash(token),
                 expires_at=utcnow() + timedelta(days=days)), token


def _save(share: Share, token: str | None) -> NewShare:
    db.session.add(share)
    db.session.flush()
    emailed = tell_recipient(share) if share.recipient_email else False
    db.session.commit()
    return NewShare(share, token, emailed)


def tell_recipient(share: Share) -> bool:
    """A recruiter account with that address gets a notice (and an email where mail is set up);
    an address with no recruiter account gets an email only, saying how to see the share. The
    candidate is told the same either way, so a share never reveals who has an account."""
    owner = db.session.get(User, share.owner_id)
    what = "a benchmark profile" if share.kind == PROFILE else "interview practice answers"
    message = f"{owner.display_name} shared {what} with you on Poise."
    subject = f"{owner.display_name} shared {what} with you"
    recruiter = find_user_by_email(share.recipient_email)
    if recruiter is not None and recruiter.role == Role.RECRUITER:
        notify(recruiter, message, url_for("sharing.shared_candidate", user_id=owner.id), subject=subject)
    else:
        send_email(share.recipient_email, subject, message + "\n\nTo see them, sign in to Poise with a recruiter "
                   f"account for this address:\n{absolute(url_for('sharing.recruiter_home'))}\n")
    return bool(current_app.config.get("SMTP_HOST"))


def owned_share_or_404(share_id: int, owner: User) -> Share:
    share = db.session.get(Share, share_id)
    if share is None or share.owner_id != owner.id:
        abort(404)
    return share


def revoke(share: Share) -> None:
    """Access ends at once: every check reads revoked_at on each request."""
    if share.revoked_at is None:
        share.revoked_at = utcnow()
        db.session.commit()


@dataclass
class ViewerSummary:
    label: str
    count: int
    last: datetime
    first: datetime


@dataclass
class ShareSummary:
    share: Share
    status: str                      # live, expired or revoked
    attempts: list[Attempt]
    pinned_ids: set[int] = field(default_factory=set)
    viewers: list[ViewerSummary] = field(default_factory=list)


def share_status(share: Share) -> str:
    if share.revoked_at is not None:
        return "revoked"
    return "live" if is_live(share) else "expired"


def overview(owner: User) -> list[ShareSummary]:
    """Every share the user ever made, newest first, with what it shows and who viewed it."""
    shares = db.session.scalars(select(Share).where(Share.owner_id == owner.id)
                                .order_by(Share.created_at.desc(), Share.id.desc()))
    return [ShareSummary(share, share_status(share), share_attempts(share),
                         {item.attempt_id for item in share.items}, viewers_of(share)) for share in shares]


def viewers_of(share: Share) -> list[ViewerSummary]:
    """Views grouped by who, most recent viewer first (views are stored newest first)."""
    grouped: dict[str, ViewerSummary] = {}
    for view in share.views:
        summary = grouped.get(view.viewer_label)
        if summary is None:
            grouped[view.viewer_label] = ViewerSummary(view.viewer_label, 1, view.viewed_at, view.viewed_at)
        else:
            summary.count += 1
            summary.first = view.viewed_at
    return list(grouped.values())
