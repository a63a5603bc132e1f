"""Changing a password, and one-time links that reset a forgotten one.

A link carries a random token (``secrets.token_urlsafe``); only its SHA-256 is stored
(``PasswordReset``), so a copy of the database cannot be used to reset anyone's password. A
link works once, for one hour; using one cancels every other outstanding link of that user.
Links are issued by an admin (page or ``flask users reset-link``) or, when the deployment has
a mail server, emailed from the "Forgot your password?" page.
"""
import hashlib
import logging
import secrets
import threading
from datetime import timedelta
from enum import StrEnum

from flask import Flask, current_app
from sqlalchemy import func, select, update

from interview.auth.services import find_user_by_email
from interview.auth.sessions import end_sessions_of
from interview.extensions import db
from interview.models import PasswordReset, User, utcnow
from interview.notify import absolute, notify, send_email
from interview.privacy.retention import as_utc

log = logging.getLogger(__name__)

LINK_LIFETIME = timedelta(hours=1)
# At most this many links a user per hour from the forgot page, so that it cannot be used to
# flood someone's inbox.
EMAILED_LINKS_PER_HOUR = 3
MIN_LENGTH, MAX_LENGTH = 8, 128


class LinkProblem(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def change_password(user: User, new_password: str) -> None:
    user.set_password(new_password)
    notify(user, "Your password was changed. If that was not you, ask your administrator for a reset link.",
           subject="Your Poise password was changed")
    db.session.commit()


def issue_reset_link(user: User, site: str | None = None) -> str:
    """A new one-time link for ``user``, as a full address on ``site`` (by default the
    configured PUBLIC_URL, else the address of the current request)."""
    token = secrets.token_urlsafe(32)
    db.session.add(PasswordReset(user_id=user.id, token_hash=token_hash(token),
                                 expires_at=utcnow() + LINK_LIFETIME))
    db.session.commit()
    path = current_app.url_map.bind("localhost").build("auth.reset_password", {"token": token})
    return absolute(path) if site is None else site.rstrip("/") + path


def email_reset_link_later(email: str) -> threading.Thread:
    """The forgot page's work, done after the response: email a link if an account uses
    ``email``. The page answers the same, equally fast, whether or not one does, so that it
    cannot tell anyone which addresses have accounts."""
    app = current_app._get_current_object()
    thread = threading.Thread(target=_email_reset_link, args=(app, email, absolute("/")),
                              name="poise-reset-mail", daemon=True)
    thread.start()
    return thread


def _email_reset_link(app: Flask, email: str, site: str) -> None:
    with app.app_context():
        try:
            user = find_user_by_email(email)
            if user is None or recent_links(user) >= EMAILED_LINKS_PER_HOUR:
                return
            link = issue_reset_link(user, site)
            send_email(user.email, "Reset your Poise password",
                       "Someone (we hope you) asked to reset the password of your Poise account.\n\n"
                       f"Open this link to choose a new password. It works once, within one hour:\n{link}\n\n"
                       "If you did not ask, ignore this email: your password stays as it is.")
        except Exception:  # a background thread: log, never raise into nothing
            log.exception("could not send a password-reset email")


def recent_links(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.created_at > utcnow() - timedelta(hours=1))) or 0


def find_reset(token: str) -> tuple[PasswordReset | None, LinkProblem | None]:
    """The reset a link's token names, or what is wrong with the link."""
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == token_hash(token)))
    if reset is None:
        return None, LinkProblem.UNKNOWN
    if reset.used_at is not None:
        return reset, LinkProblem.USED
    if as_utc(reset.expires_at) <= utcnow():
        return reset, LinkProblem.EXPIRED
    return reset, None


def reset_password(reset: PasswordReset, new_password: str) -> User:
    """Set the new password, spend this link and cancel the user's other outstanding ones."""
    user = db.session.get(User, reset.user_id)
    user.set_password(new_password)
    end_sessions_of(user)  # every browser signed in with the old password
    db.session.execute(update(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
                       .values(used_at=utcnow()))
    notify(user, "Your password was reset with a one-time link.")
    db.session.commit()
    return user


def mail_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))
