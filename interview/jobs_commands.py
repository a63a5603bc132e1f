"""``flask jobs worker`` (a queue worker, with POISE_QUEUE_URL) and ``flask jobs failed``."""
import click
from flask import current_app
from flask.cli import AppGroup

from interview.job_queries import failed_attempts

jobs_cli = AppGroup("jobs", help="Background analysis jobs.")


@jobs_cli.command("worker")
@click.option("--concurrency", default=1, show_default=True, help="Analyses run at once (one child each).")
def run_queue_worker(concurrency: int) -> None:
    """Run analyses from the queue at POISE_QUEUE_URL until stopped (Ctrl-C or SIGTERM)."""
    from interview import queue

    app = current_app._get_current_object()
    if not app.config["QUEUE_URL"]:
        raise click.UsageError("Set POISE_QUEUE_URL (redis://host:6379/0) to run a queue worker.")
    queue.use_app(app)
    queue.worker_runner(app, concurrency)
    queue.point_at(app)
    app.extensions["job_worker"].start()  # puts stale attempts back and enqueues strays
    queue.celery.worker_main(["worker", "--pool=threads", f"--concurrency={concurrency}", "--loglevel=INFO",
                              "--without-gossip", "--without-mingle"])


@jobs_cli.command("failed")
@click.option("--limit", default=50, show_default=True)
def list_failed(limit: int) -> None:
    """The latest failed analyses, newest first, with their reasons."""
    attempts = failed_attempts(limit)
    for attempt in attempts:
        when = attempt.completed_at.strftime("%Y-%m-%d %H:%M") if attempt.completed_at else "-"
        click.echo(f"{attempt.id}\t{when}\t{attempt.modality}\t{attempt.error_message}")
    if not attempts:
        click.echo("No failed analyses.")
