"""Signed-in sessions that end when the password changes.

Each session carries a stamp derived from the password hash. Changing or resetting the
password changes the hash, so every other session (another browser, a stolen cookie) stops
matching and is signed out at its next request; the session that made the change is given the
new stamp. "Keep me signed in" makes the session itself permanent rather than using
Flask-Login's remember cookie, which carries no stamp and would outlive a password change.
"""
import hashlib
import hmac

from flask import current_app, flash, request, session
from flask_login import current_user, login_user, logout_user

from interview.models import User

STAMP_KEY = "password_stamp"


def password_stamp(user: User) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, user.password_hash.encode(), hashlib.sha256).hexdigest()[:32]


def sign_in(user: User, remember: bool = False) -> None:
    login_user(user)
    session[STAMP_KEY] = password_stamp(user)
    session.permanent = remember


def restamp(user: User) -> None:
    """After the signed-in user changed their own password: keep this session."""
    session[STAMP_KEY] = password_stamp(user)


def end_stale_session() -> None:
    """Before each request: sign out a session whose password has changed since it began."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return
    stamp = session.get(STAMP_KEY)
    if stamp is not None and hmac.compare_digest(stamp, password_stamp(current_user)):
        return
    logout_user()
    session.pop(STAMP_KEY, None)
    flash("Your password was changed, so you were signed out here. Sign in with the new password."
          if stamp else "Please sign in again.", "info")
