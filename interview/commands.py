"""Command-line tasks: ``flask questions seed`` and ``flask users create``."""
import click
from flask.cli import AppGroup
from interview.auth import services as accounts
from interview.models import Role
from interview.questions import seed_question_bank

questions_cli = AppGroup("questions", help="Manage the interview question bank.")
users_cli = AppGroup("users", help="Manage accounts.")


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
