"""Sweep the recording store of files no answer refers to (issue 15: a server stopped during
uploads left files with no row).

An upload lies under a temporary name until its answer is committed (see
:mod:`interview.storage`), so after a stop:
- a temporary file whose answer was committed (the rename was cut short) gets its final name;
- a temporary file with no answer is removed once it is an hour old (a younger one may be an
  upload another worker is handling right now);
- a kept-looking file with no answer is removed.

Runs once when the app starts (:func:`sweep_at_start`, cheap: nothing to read when the store is
empty) and by hand with ``flask recordings sweep [--dry-run]``.
"""
import logging
import time
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from interview.extensions import db
from interview.models import Attempt
from interview.storage import recording_store

log = logging.getLogger(__name__)

TEMPORARY_MAX_AGE_SECONDS = 3600


@dataclass
class SweepReport:
    removed: list[str] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)  # renames completed for committed answers


def sweep(dry_run: bool = False) -> SweepReport:
    """Tidy the store (or, with ``dry_run``, only say what would change)."""
    store = recording_store()
    # Files first, rows second: a file is renamed to its final name only after its row is
    # committed, so every kept file listed here has its row visible to the query below.
    files = store.files()
    report = SweepReport()
    if not files:
        return report
    referenced = set(db.session.scalars(select(Attempt.recording_path).where(Attempt.recording_path.is_not(None))))
    for item in files:
        if item.temporary and item.final_name in referenced:
            report.finished.append(item.final_name)
            if not dry_run:
                store.keep(item.final_name)
        elif (item.temporary and item.age_seconds > TEMPORARY_MAX_AGE_SECONDS) or (
                not item.temporary and item.relative not in referenced):
            report.removed.append(item.relative)
            if not dry_run:
                store.remove(item.relative)
    return report


def sweep_at_start(app: Flask) -> None:
    """Sweep once as the app starts; a database not migrated yet only postpones it."""
    if not any(app.extensions["recording_store"].root.glob("*/*")):
        return
    with app.app_context():
        try:
            report = sweep()
        except SQLAlchemyError as error:
            log.warning("recordings not swept at start: %s", error)
            db.session.rollback()
            return
    if report.removed or report.finished:
        log.info("swept recordings: %d removed, %d renames finished", len(report.removed), len(report.finished))


class HourlySweep:
    """The job loop's sweep, once an hour in each process: an upload cut off by a killed server
    (a temporary file with no answer) is removed once an hour old, without waiting for the next
    start. Sweeps by several processes at once are harmless: removing is idempotent."""

    EVERY_SECONDS = 3600

    def __init__(self):
        self._last = time.monotonic()   # the start-up sweep has just run

    def run_if_due(self) -> bool:
        now = time.monotonic()
        if now - self._last < self.EVERY_SECONDS:
            return False
        self._last = now
        report = sweep()
        if report.removed or report.finished:
            log.info("swept recordings: %d removed, %d renames finished", len(report.removed), len(report.finished))
        return True
