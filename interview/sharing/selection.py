"""Which answers a share shows, and which shares are alive: the one reading of a share that
access checks, the recruiter's pages and the candidate's overview all use."""
import hashlib
from datetime import datetime, timezone

from sqlalchemy import func, or_, select

from interview.extensions import db
from interview.models import Attempt, AttemptStatus, Share, ShareView, User
from interview.models.core import as_utc

ANSWERS, PROFILE = "answers", "profile"
MAX_TOKEN_LENGTH = 200  # a link token is 43 characters; anything far longer is not one of ours


def is_live(share: Share, now: datetime | None = None) -> bool:
    """Not revoked and, for a link, not expired."""
    now = now or datetime.now(timezone.utc)
    if share.revoked_at is not None:
        return False
    return share.expires_at is None or as_utc(share.expires_at) > now


def share_attempts(share: Share) -> list[Attempt]:
    """The completed answers a share shows. A profile shows, for each question and mode, the
    answer the candidate pinned (an item), else their latest completed one."""
    if share.kind == ANSWERS:
        return [item.attempt for item in share.items if item.attempt.status == AttemptStatus.COMPLETE]
    pinned = {(item.attempt.question_id, item.attempt.modality): item.attempt for item in share.items
              if item.attempt.status == AttemptStatus.COMPLETE}
    latest: dict[tuple[int, str], Attempt] = {}
    completed = db.session.scalars(
        select(Attempt).where(Attempt.user_id == share.owner_id, Attempt.status == AttemptStatus.COMPLETE)
        .order_by(Attempt.created_at, Attempt.id))
    for attempt in completed:
        latest[(attempt.question_id, attempt.modality)] = attempt
    return list((latest | pinned).values())


def live_shares_with(recruiter: User) -> list[Share]:
    """Every live share addressed to this recruiter's email (case does not matter)."""
    shares = db.session.scalars(select(Share).where(
        func.lower(Share.recipient_email) == recruiter.email.lower(), Share.revoked_at.is_(None),
        or_(Share.expires_at.is_(None), Share.expires_at > datetime.now(timezone.utc))))
    return [share for share in shares if is_live(share)]


def record_recruiter_view(recruiter: User, attempt: Attempt) -> None:
    """Log, on every live share of this recruiter's that shows the answer, that they viewed it:
    the candidate sees who viewed what and when."""
    for share in live_shares_with(recruiter):
        if share.owner_id == attempt.user_id and attempt in share_attempts(share):
            db.session.add(ShareView(share_id=share.id, viewer_id=recruiter.id,
                                     viewer_label=f"{recruiter.display_name} <{recruiter.email}>"))
    db.session.commit()


def token_hash(token: str) -> str:
    """What is stored of a link's or an invitation's token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def live_link_share(token: str) -> Share | None:
    """The live share a link's token opens; None when there is none, or it expired or was revoked."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    share = db.session.scalar(select(Share).where(Share.token_hash == token_hash(token)))
    return share if share is not None and is_live(share) else None


def shared_attempt(share: Share, attempt_id: int) -> Attempt | None:
    """The answer ``attempt_id`` if this share shows it, else None."""
    return next((attempt for attempt in share_attempts(share) if attempt.id == attempt_id), None)


def record_link_view(share: Share, viewer: User | None) -> None:
    """Log a view through a share link: by name and email when the viewer is signed in."""
    label = f"{viewer.display_name} <{viewer.email}>" if viewer is not None else "someone with the link"
    db.session.add(ShareView(share_id=share.id, viewer_id=viewer.id if viewer is not None else None,
                             viewer_label=label))
    db.session.commit()
