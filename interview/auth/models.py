"""The server's record of each signed-in browser.

Flask's session is a signed cookie that the server cannot take back: a copy of it keeps
working after "sign out" unless the server can tell. Each sign-in therefore gets a random id,
kept in the cookie and (as its SHA-256) in ``user_session``; a request whose id has no row is
signed out. Signing out deletes that browser's row only.
"""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from interview.extensions import db
from interview.models import utcnow


class UserSession(db.Model):
    __tablename__ = "user_session"

    # SHA-256 of the id in the cookie: a copy of the database opens no session.
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
