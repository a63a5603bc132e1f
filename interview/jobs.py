"""Background analysis jobs, with the database as the queue (the default, on one machine).

Every process that serves the app runs one worker thread. (With ``POISE_QUEUE_URL`` set, queue
workers run the same :meth:`JobWorker.run_one` instead: :mod:`interview.queue`.) A job is an attempt in status
``pending``; a worker claims it with one atomic UPDATE (so two gunicorn workers never run the
same job), sets ``running`` and beats a heartbeat while it works. An attempt whose heartbeat
stopped (its process died) is put back to ``pending`` once, then marked failed with a reason:
never stuck forever.

The same loop deletes recordings past their retention period, once a day
(:class:`interview.privacy.retention.DailyPurge`).
"""
import logging
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from flask import Flask
from sqlalchemy import or_, select, update

from emotion.errors import AnalysisError
from interview.extensions import db
from interview.job_queries import claim_attempt
from interview.models import Attempt, AttemptStatus, utcnow
from interview.privacy.retention import DailyPurge
from interview.recordings.sweep import HourlySweep

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=3)
MAX_TRIES = 2
POLL_SECONDS = 2.0

# modality -> function(attempt, report_progress) that fills the attempt's scores and details.
Handler = Callable[[Attempt, Callable[[int], None]], None]


class JobWorker:
    def __init__(self, app: Flask, handlers: dict[str, Handler]):
        self.app = app
        self.handlers = handlers
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.daily_purge = DailyPurge(Path(app.instance_path) / "recordings-purged-at")
        self.hourly_sweep = HourlySweep()
        self._dispatcher = None

    @property
    def dispatcher(self):
        """With ``QUEUE_URL`` set, jobs go to the queue's workers: this process only enqueues."""
        if self._dispatcher is None and self.app.config.get("QUEUE_URL"):
            from interview.queue import QueueDispatcher

            self._dispatcher = QueueDispatcher(self.app)
        return self._dispatcher

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="poise-jobs", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        runner = self.app.extensions.get("analysis_runner")
        if runner is not None:
            runner.close()  # its analysis children end with it

    def notify(self) -> None:
        """A new job is waiting: enqueue it now, or look now rather than at the next poll."""
        if self.dispatcher is not None:
            self.dispatcher.enqueue_pending()
        else:
            self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with self.app.app_context():
                    self.run_due_work()
            except Exception:  # the loop must survive anything one job or the database does
                log.exception("job loop error")
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()

    def run_due_work(self) -> None:
        requeue_stale_attempts()
        if self.dispatcher is not None:
            self.dispatcher.enqueue_pending()
        else:
            while (attempt_id := claim_next_attempt()) is not None:
                self.run_one(attempt_id)
        self.daily_purge.run_if_due()
        self.hourly_sweep.run_if_due()

    def run_one(self, attempt_id: int) -> None:
        """Analyse one claimed attempt; any failure is recorded on the attempt, with a reason."""
        attempt = db.session.get(Attempt, attempt_id)
        try:
            self.handlers[attempt.modality](attempt, lambda percent: report_progress(attempt_id, percent))
            attempt.status = AttemptStatus.COMPLETE
            attempt.progress = 100
            attempt.completed_at = utcnow()
            db.session.commit()
        except AnalysisError as error:
            db.session.rollback()
            mark_failed(attempt_id, str(error))
        except Exception:
            db.session.rollback()
            log.exception("analysis of attempt %s failed", attempt_id)
            mark_failed(attempt_id, "The analysis failed on our side. Your recording is kept; "
                                    "you can try again.")


def claim_next_attempt() -> int | None:
    """Atomically take the oldest pending attempt for this worker, or None."""
    candidate = db.session.scalar(
        select(Attempt.id).where(Attempt.status == AttemptStatus.PENDING).order_by(Attempt.id).limit(1))
    if candidate is None:
        return None
    return candidate if claim_attempt(candidate) else claim_next_attempt()


def report_progress(attempt_id: int, percent: int) -> None:
    db.session.execute(update(Attempt).where(Attempt.id == attempt_id)
                       .values(progress=max(0, min(99, int(percent))), heartbeat_at=utcnow()))
    db.session.commit()


def mark_failed(attempt_id: int, reason: str) -> None:
    db.session.execute(update(Attempt).where(Attempt.id == attempt_id).values(
        status=AttemptStatus.FAILED, error_message=reason[:500], completed_at=utcnow()))
    db.session.commit()


def requeue_stale_attempts(now: datetime | None = None) -> int:
    """Running attempts whose worker stopped beating: back to pending, or failed after MAX_TRIES."""
    cutoff = (now or datetime.now(timezone.utc)) - STALE_AFTER
    stale = db.session.scalars(select(Attempt).where(
        Attempt.status == AttemptStatus.RUNNING,
        or_(Attempt.heartbeat_at.is_(None), Attempt.heartbeat_at < cutoff))).all()
    for attempt in stale:
        if attempt.tries >= MAX_TRIES:
            attempt.status = AttemptStatus.FAILED
            attempt.error_message = "The analysis was interrupted twice and was stopped. Record again."
            attempt.completed_at = utcnow()
        else:
            attempt.status = AttemptStatus.PENDING
    db.session.commit()
    return len(stale)
