"""Poise: the application factory.

Run it with ``flask --app app run`` in development or ``gunicorn -c gunicorn.conf.py
"app:create_app()"`` in production. No app object is built at import.
"""
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from config import settings_from_environment
from interview import security
from interview import sqlite_writes  # noqa: F401 (SQLite: the write lock taken up front)
from interview.extensions import csrf, db, limiter, login_manager, migrate
from interview.models.core import MAX_ID


def create_app(test_config: dict | None = None) -> Flask:
    test_config = dict(test_config or {})
    instance_path = test_config.pop("INSTANCE_PATH", None)
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(settings_from_environment(Path(app.instance_path)))
    app.config.update(test_config)

    register_extensions(app)
    security.init_app(app)  # security headers; ProxyFix when POISE_BEHIND_PROXY=1
    app.url_map.converters["int"] = BoundedIntConverter  # before any route is added
    register_blueprints(app)
    register_commands(app)
    register_jobs(app)
    return app


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` in every route: an id too large for the database is a 404, never an
    overflow inside the driver (a 500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)


def register_blueprints(app: Flask) -> None:
    from interview.account.routes import bp as account_bp
    from interview.admin.routes import bp as admin_bp
    from interview.answers.routes import bp as answers_bp
    from interview.classes.routes import bp as classes_bp
    from interview.privacy.routes import bp as privacy_bp
    from interview.auth.routes import bp as auth_bp
    from interview.errors.handlers import bp as errors_bp
    from interview.feedback.routes import bp as feedback_bp
    from interview.main.routes import bp as main_bp
    from interview.recordings.routes import bp as recordings_bp
    from interview.sharing.routes import bp as sharing_bp
    from interview.text.routes import bp as text_bp
    from interview.vendor import bp as vendor_bp

    for blueprint in (errors_bp, auth_bp, main_bp, text_bp, recordings_bp, answers_bp, classes_bp, privacy_bp,
                      admin_bp, vendor_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(feedback_bp)
    app.register_blueprint(sharing_bp)
    app.register_blueprint(account_bp)


def register_jobs(app: Flask) -> None:
    """The recording store, and a background analysis thread started by the first request
    (never by CLI commands, and never before gunicorn forks)."""
    from interview.jobs import JobWorker
    from interview.recordings.analysis import HANDLERS
    from interview.recordings.sweep import sweep_at_start
    from interview.runner import configure
    from interview.storage import RecordingStore

    configure(app.config)
    app.extensions["recording_store"] = RecordingStore(Path(app.config["RECORDINGS_DIR"]))
    sweep_at_start(app)  # files left by a server stopped mid-upload
    worker = JobWorker(app, HANDLERS)
    app.extensions["job_worker"] = worker
    if app.config["JOBS_ENABLED"]:
        app.extensions["jobs"] = worker
        app.before_request(worker.start)


def register_commands(app: Flask) -> None:
    from interview.commands import questions_cli, recordings_cli, users_cli
    from interview.jobs_commands import jobs_cli

    app.cli.add_command(jobs_cli)
    app.cli.add_command(questions_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(recordings_cli)


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, _record) -> None:
    """WAL lets readers run while a worker writes; foreign keys make deletes cascade."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
