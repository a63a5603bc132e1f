"""A fresh database for every test: a SQLite file by default, or a PostgreSQL database of its
own when ``POISE_TEST_DATABASE_URL`` names a server (``postgresql+psycopg://user@host:port/db``;
the user must be allowed to create databases).

On PostgreSQL each test's database is a copy of a template that was migrated and seeded once per
run: ``CREATE DATABASE ... TEMPLATE`` copies files in milliseconds, where running every
migration again would take most of a second per test.
"""
import itertools
import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

POSTGRES_URL = os.environ.get("POISE_TEST_DATABASE_URL", "")


def on_postgres() -> bool:
    return bool(POSTGRES_URL)


def sqlite_only(why: str):
    """Marks a test of something only SQLite has (a PRAGMA, its query planner, its locking)."""
    return pytest.mark.skipif(on_postgres(), reason=f"SQLite only: {why}")


class PostgresServer:
    """Creates and drops uniquely named databases through a maintenance connection."""

    def __init__(self, url: str):
        self.url = make_url(url)
        if self.url.get_backend_name() != "postgresql":
            raise ValueError(f"POISE_TEST_DATABASE_URL is not a PostgreSQL URL: {self.url!r}")
        self._maintenance = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        # Unique per run, so two runs can share one server.
        self._prefix = f"poise_test_{uuid.uuid4().hex[:8]}"
        self._numbers = itertools.count(1)
        self.template: str | None = None

    def url_for(self, database: str) -> str:
        return self.url.set(database=database).render_as_string(hide_password=False)

    def create(self, template: str | None = None) -> str:
        name = f"{self._prefix}_{next(self._numbers)}"
        copy_of = f' TEMPLATE "{template}"' if template else ""
        self._execute(f'CREATE DATABASE "{name}"{copy_of}')
        return name

    def drop(self, name: str) -> None:
        # FORCE: a connection a test left open (a thread, an unclosed session) must not block it.
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        if self.template:
            self.drop(self.template)
        self._maintenance.dispose()

    def _execute(self, statement: str) -> None:
        with self._maintenance.connect() as connection:
            connection.execute(text(statement))
