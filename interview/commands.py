"""Command-line tasks: ``flask questions seed``, ``flask users create``, ``flask users
reset-link``, ``flask recordings purge`` and ``flask recordings sweep``."""
import click
from flask import current_app
from flask.cli import AppGroup

from interview.auth import passwords
from interview.auth import services as accounts
from interview.models import Role
from interview.privacy import retention
from interview.questions import seed_question_bank
from interview.recordings import sweep

questions_cli = AppGroup("questions", help="Manage the interview question bank.")
users_cli = AppGroup("users", help="Manage accounts.")
recordings_cli = AppGroup("recordings", help="Manage recorded answers.")


@questions_cli.command("seed")
def seed_questions() -> None:
    """Add the standard questions that are not there yet (safe to run again)."""
    added, total = seed_question_bank()
    click.echo(f"Added {added} questions ({total} in the bank).")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--role", type=click.Choice([role.value for role in Role]), default=Role.CANDIDATE.value)
@click.password_option(help="Prompted for when not given (or set POISE_NEW_USER_PASSWORD).",
                       envvar="POISE_NEW_USER_PASSWORD")
def create_user(email: str, display_name: str, role: str, password: str) -> None:
    """Create an account: the way to make an admin, a recruiter or an instructor."""
    if len(password) < 8:
        raise click.BadParameter("use at least 8 characters", param_hint="password")
    try:
        user = accounts.create_user(email, display_name, password, role)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@users_cli.command("reset-link")
@click.argument("email")
def reset_link(email: str) -> None:
    """Print a one-time link that sets a new password for EMAIL's account (works for 1 hour)."""
    user = accounts.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no account uses {email}")
    link = passwords.issue_reset_link(user)
    click.echo(f"Reset link for {user.email} (works once, for one hour):\n{link}")
    if not current_app.config.get("PUBLIC_URL"):
        click.echo("Set POISE_PUBLIC_URL to the site's address to print a full link; "
                   "until then, put the path above after the address people use.")


@recordings_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
def purge_recordings(dry_run: bool) -> None:
    """Delete the recordings older than POISE_RECORDING_RETENTION_DAYS that their owners did not
    keep (the answers and their numbers stay)."""
    due = retention.purge(dry_run=dry_run)
    days = retention.retention_days()
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(f"{verb} {len(due)} recording{'' if len(due) == 1 else 's'} older than {days} days.")
    for attempt in due:
        click.echo(f"  answer {attempt.id}  {attempt.user.email}  {attempt.modality}  "
                   f"recorded {retention.as_utc(attempt.created_at):%Y-%m-%d}")


@recordings_cli.command("sweep")
@click.option("--dry-run", is_flag=True, help="Only list what would change.")
def sweep_recordings(dry_run: bool) -> None:
    """Remove recording files no answer refers to (left by a server stopped mid-upload; unfinished
    uploads only once an hour old), and finish the renames of committed ones."""
    report = sweep.sweep(dry_run=dry_run)
    verb = "Would remove" if dry_run else "Removed"
    click.echo(f"{verb} {len(report.removed)} file{'' if len(report.removed) == 1 else 's'} with no answer.")
    for relative in report.removed:
        click.echo(f"  {relative}")
    if report.finished:
        click.echo(f"{'Would finish' if dry_run else 'Finished'} saving {len(report.finished)} answered recordings.")
