"""Accounts: creation, look-up, sign-in checks and deletion.

Sign-in and sign-up answer alike whether or not an email has an account, in what they say and
in the work they do: an unknown email's password is checked against a throw-away hash of the
same method, and signing up with a taken email hashes the password too, then tells the
account's owner instead of the person signing up.
"""
import logging
import secrets
import threading
from functools import cache

from flask import Flask, current_app, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from interview.extensions import db
from interview.models import Role, User
from interview.notify import notify, send_email

log = logging.getLogger(__name__)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(email: str, display_name: str, password: str, role: str = Role.CANDIDATE) -> User:
    if role not in set(Role):
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(Role)}")
    if find_user_by_email(email):
        raise ValueError(f"an account with email {email} already exists")
    user = User(email=normalise_email(email), display_name=display_name.strip(), role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


@cache
def _stand_in_hash() -> str:
    """A hash of a random password, made like every user's, checked when no user has the
    email: an unknown email then costs the same time as a wrong password."""
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_stand_in_hash(), password)
        return None
    return user if user.check_password(password) else None


def register(email: str, display_name: str, password: str) -> User | None:
    """Sign-up: the new account, or None when the email already has one (its owner is told;
    the password typed is hashed all the same, so that both cost the same time)."""
    owner = find_user_by_email(email)
    if owner is None:
        try:
            return create_user(email, display_name, password)
        except IntegrityError:  # someone took the email a moment ago
            db.session.rollback()
            owner = find_user_by_email(email)
    else:
        generate_password_hash(password)
    _tell_owner_of_sign_up(owner)
    return None


SIGN_UP_WITH_YOUR_EMAIL = ("Someone tried to create a Poise account with your email address. Nothing changed: "
                           "your account and password stay as they are. If it was you, sign in, or use "
                           "\"Forgot your password?\" on the sign-in page.")


def _tell_owner_of_sign_up(owner: User) -> None:
    notify(owner, SIGN_UP_WITH_YOUR_EMAIL, link=url_for("auth.login"))
    db.session.commit()
    if not current_app.config.get("SMTP_HOST"):
        return
    # The email goes after the answer: a mail server's delay must not show which emails are taken.
    app = current_app._get_current_object()
    threading.Thread(target=_email_owner, args=(app, owner.email), name="poise-signup-mail", daemon=True).start()


def _email_owner(app: Flask, email: str) -> None:
    with app.app_context():
        try:
            send_email(email, "Someone tried to sign up to Poise with your email", SIGN_UP_WITH_YOUR_EMAIL)
        except Exception:  # a background thread: log, never raise into nothing
            log.exception("could not email the owner of an account about a sign-up attempt")


def delete_user(user: User) -> None:
    """Delete the account with every attempt, score and recording."""
    user_id = user.id
    db.session.delete(user)  # attempts, scores and totals cascade in the database
    db.session.commit()
    current_app.extensions["recording_store"].delete_user_folder(user_id)
