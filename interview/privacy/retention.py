"""How long recordings are kept: ``RECORDING_RETENTION_DAYS`` after the answer, unless its
owner chose to keep it. Deleting a recording removes the file and clears
``Attempt.recording_path``; the answer, its numbers and its report stay, and the report says
when the recording was deleted.

``flask recordings purge [--dry-run]`` runs :func:`purge` by hand; each serving process's job
thread runs it once a day through :class:`DailyPurge`.
"""
import logging
import time
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from interview.extensions import db
from interview.models import Attempt, AttemptStatus, utcnow
from interview.models.core import as_utc
from interview.storage import recording_store

log = logging.getLogger(__name__)

# Pending and running answers keep their recording: the analysis is still reading it.
SETTLED = (AttemptStatus.COMPLETE, AttemptStatus.FAILED)


def retention_days() -> int:
    return int(current_app.config["RECORDING_RETENTION_DAYS"])


def deletion_due_on(attempt: Attempt) -> datetime | None:
    """When the retention rule will delete this answer's recording; None when it will not
    (no recording, or the owner keeps it)."""
    if not attempt.recording_path or attempt.keep_recording:
        return None
    return as_utc(attempt.created_at) + timedelta(days=retention_days())


def due_recordings(now: datetime | None = None) -> list[Attempt]:
    """Answers whose recording is past the retention period and not kept, oldest first."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days())
    return list(db.session.scalars(
        select(Attempt)
        .where(Attempt.recording_path.is_not(None), Attempt.keep_recording.is_(False),
               Attempt.status.in_(SETTLED), Attempt.created_at < cutoff)
        .order_by(Attempt.created_at, Attempt.id)))


def delete_recording(attempt: Attempt, now: datetime | None = None) -> None:
    """Remove the file first, then forget it (caller commits): if the commit fails the file is
    gone all the same, and the next purge tidies the row."""
    recording_store().delete(attempt.recording_path)
    attempt.recording_path = None
    attempt.recording_deleted_at = now or utcnow()


def purge(dry_run: bool = False, now: datetime | None = None) -> list[Attempt]:
    """Delete every recording that is due (or, with ``dry_run``, only list them)."""
    due = due_recordings(now)
    if dry_run or not due:
        return due
    for attempt in due:
        delete_recording(attempt, now)
    db.session.commit()
    log.info("deleted %d recordings older than %d days", len(due), retention_days())
    return due


def set_keep_recording(attempt: Attempt, keep: bool) -> None:
    attempt.keep_recording = keep
    db.session.commit()


class DailyPurge:
    """Runs :func:`purge` at most once a day across every process of a deployment.

    The job loop calls :meth:`run_if_due` every few seconds; it looks at the marker file at
    most once an hour (a clock read otherwise), and the marker's time says when any process
    last purged.
    """

    CHECK_EVERY_SECONDS = 3600
    RUN_EVERY_SECONDS = 24 * 3600

    def __init__(self, marker: Path):
        self.marker = Path(marker)
        self._checked_at: float | None = None

    def run_if_due(self) -> bool:
        now = time.monotonic()
        if self._checked_at is not None and now - self._checked_at < self.CHECK_EVERY_SECONDS:
            return False
        self._checked_at = now
        if not self._marker_is_old():
            return False
        self.marker.parent.mkdir(parents=True, exist_ok=True)
        self.marker.touch()  # first, so that other processes leave this day's purge alone
        try:
            purge()
        except Exception:
            self.marker.unlink(missing_ok=True)  # try again at the next hourly check
            raise
        return True

    def _marker_is_old(self) -> bool:
        try:
            return time.time() - self.marker.stat().st_mtime >= self.RUN_EVERY_SECONDS
        except FileNotFoundError:
            return True
