"""What a candidate shares with recruiters: chosen answers or a benchmark profile, by a
recruiter's email or by a link that expires; every view is recorded for the candidate."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from interview.extensions import db
from interview.models.core import Attempt, User, utcnow


class Share(db.Model):
    """kind "answers": exactly the attempts in its items. kind "profile": for each question and
    mode, the candidate's latest completed attempt, unless an item pins the one they pick."""

    __tablename__ = "share"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    # By email: the recruiter's address, matched to their account (now or when they sign up).
    recipient_email: Mapped[str | None] = mapped_column(String(254), index=True)
    # By link: only the token's hash is stored; the link works until expires_at.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    owner: Mapped[User] = relationship()
    items: Mapped[list["ShareItem"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    views: Mapped[list["ShareView"]] = relationship(
        order_by="ShareView.viewed_at.desc()", cascade="all, delete-orphan", passive_deletes=True)


class ShareItem(db.Model):
    __tablename__ = "share_item"
    __table_args__ = (UniqueConstraint("share_id", "attempt_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    share_id: Mapped[int] = mapped_column(ForeignKey("share.id", ondelete="CASCADE"), index=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"), index=True)

    attempt: Mapped[Attempt] = relationship()


class ShareView(db.Model):
    __tablename__ = "share_view"

    id: Mapped[int] = mapped_column(primary_key=True)
    share_id: Mapped[int] = mapped_column(ForeignKey("share.id", ondelete="CASCADE"), index=True)
    viewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    viewer_label: Mapped[str] = mapped_column(String(254))   # who, as the candidate should read it
    viewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
