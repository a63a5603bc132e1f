"""Analyses on a distributed task queue (Celery on Redis), when ``POISE_QUEUE_URL`` is set.

The web processes enqueue each pending attempt's id on upload; every process's background
thread (web processes with ``POISE_JOBS=1``, and each queue worker) puts stale attempts back
and enqueues any left pending (a stale one put back, one uploaded while Redis was down). Queue
workers on any number of machines (``flask jobs worker``, or ``celery -A interview.queue
worker``) claim an attempt with the same atomic UPDATE as the in-process worker and run the
same :meth:`interview.jobs.JobWorker.run_one`: the same handlers, the same spawn-started
analysis child (its models loaded once per worker slot), the same deadline
(``POISE_JOB_TIMEOUT_SECONDS``). A duplicate message finds the attempt no longer pending and
does nothing.

Why Celery: its Redis transport redelivers a message whose worker died (acks late), it retries
tasks on chosen errors with backoff, and its thread pool forks nothing, so no worker process
ever forks after loading TensorFlow (issue 15, finding 1). RQ forks a work horse per job from a
worker that would have to preload the models before the fork.
"""
import logging
import os
import threading
import time

from celery import Celery
from flask import Flask
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy.exc import OperationalError as DatabaseError

from interview.job_queries import claim_attempt, pending_attempt_ids

log = logging.getLogger(__name__)

TASK_NAME = "poise.analyze_attempt"
# A pending attempt is sent again when it is still pending this long after it was sent: its
# message may have died with the broker (a Redis restart without its data). A duplicate is
# harmless: the worker's atomic claim runs each attempt once.
RESEND_AFTER_SECONDS = 300

celery = Celery("poise")
celery.conf.update(
    broker_url=os.environ.get("POISE_QUEUE_URL"),
    task_default_queue=os.environ.get("POISE_QUEUE_NAME", "poise"),
    task_acks_late=True,  # a worker that dies mid-job leaves its message to be delivered again
    task_reject_on_worker_lost=True,
    task_ignore_result=True,  # the attempt row is the result, failures and their reasons included
    worker_prefetch_multiplier=1,
    worker_concurrency=int(os.environ.get("POISE_QUEUE_CONCURRENCY", "1")),
    worker_pool="threads",  # forks nothing; each slot's analysis child is spawn-started
    broker_connection_retry_on_startup=True,
    task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
)

_worker_app: Flask | None = None
_worker_app_lock = threading.Lock()


def use_app(app: Flask | None) -> None:
    """The app queue tasks run in (``flask jobs worker`` hands over its own)."""
    global _worker_app
    _worker_app = app


def worker_app() -> Flask:
    """The app for ``celery -A interview.queue worker``: built once, in the worker, on first use."""
    global _worker_app
    with _worker_app_lock:
        if _worker_app is None:
            from app import create_app

            _worker_app = create_app()
            worker_runner(_worker_app, celery.conf.worker_concurrency)
            _worker_app.extensions["job_worker"].start()  # stale attempts back, strays enqueued
        return _worker_app


@celery.task(name=TASK_NAME, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def analyze_attempt(attempt_id: int) -> None:
    app = worker_app()
    with app.app_context():
        if not claim_attempt(attempt_id):
            return  # done, running elsewhere, or a duplicate message
        app.extensions["job_worker"].run_one(attempt_id)


def worker_runner(app: Flask, slots: int) -> None:
    """One analysis child per worker slot, reused across that slot's jobs."""
    from interview.runner import runner_for

    app.extensions["analysis_runner"] = runner_for(app.config, workers=slots)


class QueueDispatcher:
    """Sends pending attempts to the queue, and again if one is still pending
    RESEND_AFTER_SECONDS later (a duplicate is harmless)."""

    def __init__(self, app: Flask):
        self.app = app
        self._sent_at: dict[int, float] = {}   # attempt id -> time.monotonic() when sent

    def enqueue_pending(self) -> int:
        pending, now = pending_attempt_ids(), time.monotonic()
        self._sent_at = {i: at for i, at in self._sent_at.items() if i in set(pending)}
        due = [i for i in pending if now - self._sent_at.get(i, -float("inf")) >= RESEND_AFTER_SECONDS]
        sent = self._send(due) if due else set()
        self._sent_at.update({attempt_id: now for attempt_id in sent})
        return len(sent)

    def _send(self, attempt_ids: list[int]) -> set[int]:
        """The ids sent; none when the broker cannot be reached (they are sent on a later sweep)."""
        sent = set()
        try:
            with celery.connection_for_write(self.app.config["QUEUE_URL"]) as connection:
                for attempt_id in attempt_ids:
                    analyze_attempt.apply_async((attempt_id,), queue=self.app.config["QUEUE_NAME"],
                                                connection=connection, retry=True)
                    sent.add(attempt_id)
        except BrokerError:
            log.warning("queue unreachable; %d attempts stay pending and are sent later", len(attempt_ids) - len(sent))
        return sent


def point_at(app: Flask) -> None:
    """A worker's broker and queue, from its app's settings (before the worker starts)."""
    celery.conf.update(broker_url=app.config["QUEUE_URL"], task_default_queue=app.config["QUEUE_NAME"])
