"""The database side of the job queue, shared by the in-process worker and the queue workers."""
from sqlalchemy import select, update

from interview.extensions import db
from interview.models import Attempt, AttemptStatus, utcnow


def claim_attempt(attempt_id: int) -> bool:
    """Take this attempt if it is still pending (one atomic UPDATE: no other worker can too)."""
    claimed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt_id, Attempt.status == AttemptStatus.PENDING)
        .values(status=AttemptStatus.RUNNING, tries=Attempt.tries + 1, heartbeat_at=utcnow(), progress=0)
    ).rowcount
    db.session.commit()
    return bool(claimed)


def pending_attempt_ids() -> list[int]:
    return list(db.session.scalars(select(Attempt.id).where(Attempt.status == AttemptStatus.PENDING)
                                   .order_by(Attempt.id)))


def failed_attempts(limit: int = 50) -> list[Attempt]:
    """The latest failed jobs, newest first, each with its reason."""
    return list(db.session.scalars(select(Attempt).where(Attempt.status == AttemptStatus.FAILED,
                                                         Attempt.source == "recording")
                                   .order_by(Attempt.completed_at.desc(), Attempt.id.desc()).limit(limit)))
