"""Signed-in sessions the server can end: at sign-out, and when the password changes.

Flask's session is a signed cookie, so the server must keep something to take one back. Each
sign-in gets a random id, held in the cookie and recorded (as its SHA-256) in ``user_session``;
a request whose id has no live row is signed out. Signing out deletes that browser's row, so
a copy of its cookie (the "keep me signed in" one included) opens nothing afterwards, while
the user's other browsers stay signed in. A password change ends every other row.

Each session also carries a stamp derived from the password hash, so one that began before a
change or reset of the password is signed out even before its row is looked at. "Keep me
signed in" makes the session itself permanent rather than using Flask-Login's remember cookie,
which carries neither id nor stamp; such a cookie, if a browser still has one, is refused.
"""
import hashlib
import hmac
import secrets

from flask import current_app, flash, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete

from interview.auth.models import UserSession
from interview.extensions import db
from interview.models import User, utcnow
from interview.privacy.retention import as_utc

STAMP_KEY = "password_stamp"
SESSION_ID_KEY = "session_id"


def password_stamp(user: User) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, user.password_hash.encode(), hashlib.sha256).hexdigest()[:32]


def _id_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def sign_in(user: User, remember: bool = False) -> None:
    now = utcnow()
    session_id = secrets.token_urlsafe(32)
    # Expired rows of anyone are dropped here, so the table holds live sessions only.
    db.session.execute(delete(UserSession).where(UserSession.expires_at < now))
    db.session.add(UserSession(id_hash=_id_hash(session_id), user_id=user.id, created_at=now,
                               expires_at=now + current_app.permanent_session_lifetime))
    db.session.commit()
    session.clear()  # nothing from before signing in carries over (session fixation)
    login_user(user)
    session[STAMP_KEY] = password_stamp(user)
    session[SESSION_ID_KEY] = session_id
    session.permanent = remember


def sign_out() -> None:
    """End this browser's session on the server, then in the cookie."""
    session_id = session.get(SESSION_ID_KEY)
    if session_id:
        db.session.execute(delete(UserSession).where(UserSession.id_hash == _id_hash(session_id)))
        db.session.commit()
    _forget_here()


def end_sessions_of(user: User, keep_this_one: bool = False) -> None:
    """End every session of ``user`` on the server (caller commits); with ``keep_this_one``,
    all but the current browser's."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    session_id = session.get(SESSION_ID_KEY) if keep_this_one else None
    if session_id:
        statement = statement.where(UserSession.id_hash != _id_hash(session_id))
    db.session.execute(statement)


def restamp(user: User) -> None:
    """After the signed-in user changed their own password: keep this session, end the others."""
    session[STAMP_KEY] = password_stamp(user)
    end_sessions_of(user, keep_this_one=True)
    db.session.commit()


def _forget_here() -> None:
    logout_user()
    session.pop(STAMP_KEY, None)
    session.pop(SESSION_ID_KEY, None)


def _is_live(session_id: str | None, user: User) -> bool:
    if not session_id:
        return False
    row = db.session.get(UserSession, _id_hash(session_id))
    return row is not None and row.user_id == user.id and as_utc(row.expires_at) > utcnow()


def end_stale_session() -> None:
    """Before each request: sign out a session that was ended on the server (signed out,
    expired) or whose password has changed since it began."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return
    stamp = session.get(STAMP_KEY)
    stamp_matches = stamp is not None and hmac.compare_digest(stamp, password_stamp(current_user))
    if stamp_matches and _is_live(session.get(SESSION_ID_KEY), current_user):
        return
    _forget_here()
    flash("Your password was changed, so you were signed out here. Sign in with the new password."
          if stamp and not stamp_matches else "Please sign in again.", "info")
