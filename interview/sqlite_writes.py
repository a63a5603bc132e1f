"""SQLite: a transaction takes the write lock up front, and waits for it as long as it must
(issue 15: "database is locked" reached a user under a burst of writes).

SQLite lets one writer at a time; the others wait in its busy handler for at most
``busy_timeout`` (5 s, see ``app._tune_sqlite``), which polls rather than queues, so under a
burst an unlucky writer can wait past it and fail. Here the first write of a transaction first
runs ``BEGIN IMMEDIATE``, retried with a short backoff until ``LOCK_WAIT_SECONDS``: nothing has
been written in the transaction yet, so retrying cannot repeat or lose a change. Once it holds
the lock nothing later in the transaction can be refused for it.

Reads start no transaction (the driver's own behaviour, kept), so readers never wait for
writers, and WAL lets them run while a writer writes. Other databases are left alone.
"""
import logging
import random
import sqlite3
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

# The statements before which the sqlite3 driver would begin a transaction itself.
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
LOCK_WAIT_SECONDS = 60.0
FIRST_BACKOFF_SECONDS = 0.01
MAX_BACKOFF_SECONDS = 0.5


@event.listens_for(Engine, "before_cursor_execute")
def _lock_before_first_write(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    if conn.dialect.name != "sqlite":
        return
    dbapi_connection = conn.connection.dbapi_connection
    if not isinstance(dbapi_connection, sqlite3.Connection) or dbapi_connection.in_transaction:
        return
    if dbapi_connection.isolation_level is None:  # the driver commits each statement itself
        return
    if statement.lstrip()[:7].upper().startswith(WRITES):
        begin_immediate(dbapi_connection)


def begin_immediate(dbapi_connection: sqlite3.Connection, wait_seconds: float = LOCK_WAIT_SECONDS) -> None:
    """Begin a transaction holding the write lock, retrying while another writer holds it."""
    deadline = time.monotonic() + wait_seconds
    backoff = FIRST_BACKOFF_SECONDS
    while True:
        try:
            dbapi_connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if not is_locked(error) or time.monotonic() + backoff > deadline:
                raise
        log.debug("database busy; waiting %.0f ms for the write lock", backoff * 1000)
        time.sleep(backoff * random.uniform(0.5, 1.0))  # jitter: waiters do not retry in step
        backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)


def is_locked(error: Exception) -> bool:
    message = str(error).lower()
    return "database is locked" in message or "database is busy" in message
