"""Instructors' tables: classes and who is in them, question sets, mock-interview sessions,
and the feedback given on answers (comments at a moment, rubric marks)."""
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from interview.extensions import db
from interview.models.core import Question, User, utcnow


class Classroom(db.Model):
    """A class an instructor runs; students join with its code or invite link."""

    __tablename__ = "classroom"

    id: Mapped[int] = mapped_column(primary_key=True)
    instructor_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    instructor: Mapped[User] = relationship()
    memberships: Mapped[list["ClassMembership"]] = relationship(
        back_populates="classroom", cascade="all, delete-orphan", passive_deletes=True)
    rubric: Mapped[list["RubricCriterion"]] = relationship(
        order_by="RubricCriterion.position", cascade="all, delete-orphan", passive_deletes=True)


class ClassMembership(db.Model):
    """A student in a class. Leaving keeps the row (left_at) so the history stays honest, but
    the instructor's access to the student's answers ends at once."""

    __tablename__ = "class_membership"
    __table_args__ = (UniqueConstraint("classroom_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classroom.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    classroom: Mapped[Classroom] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()


class QuestionSet(db.Model):
    """An instructor's or recruiter's reusable list of questions."""

    __tablename__ = "question_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    items: Mapped[list["QuestionSetItem"]] = relationship(
        order_by="QuestionSetItem.position", cascade="all, delete-orphan", passive_deletes=True)


class QuestionSetItem(db.Model):
    __tablename__ = "question_set_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_set_id: Mapped[int] = mapped_column(ForeignKey("question_set.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    position: Mapped[int] = mapped_column(Integer)

    question: Mapped[Question] = relationship()


class MockSession(db.Model):
    """A mock interview: ordered questions, each with its mode and time limit, open between two
    dates, for a class (all its current students) or for the candidates a recruiter invites."""

    __tablename__ = "mock_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    classroom_id: Mapped[int | None] = mapped_column(ForeignKey("classroom.id", ondelete="CASCADE"), index=True)
    question_set_id: Mapped[int | None] = mapped_column(ForeignKey("question_set.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(120))
    opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    retakes_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    classroom: Mapped[Classroom | None] = relationship()
    items: Mapped[list["SessionItem"]] = relationship(
        back_populates="session", order_by="SessionItem.position", cascade="all, delete-orphan",
        passive_deletes=True)


class SessionItem(db.Model):
    __tablename__ = "session_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("mock_session.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    position: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(10))          # video, audio or text
    time_limit_seconds: Mapped[int] = mapped_column(Integer, default=120)

    session: Mapped[MockSession] = relationship(back_populates="items")
    question: Mapped[Question] = relationship()


class SessionInvite(db.Model):
    """A recruiter's invitation to practise a session, by email; the link carries a token whose
    hash only is stored."""

    __tablename__ = "session_invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("mock_session.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    session: Mapped[MockSession] = relationship()


class AnswerComment(db.Model):
    """An instructor's comment on an answer, pinned to a moment of a recording (or to the whole
    answer when at_seconds is None)."""

    __tablename__ = "answer_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    at_seconds: Mapped[float | None] = mapped_column(Float)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author: Mapped[User] = relationship()


class RubricCriterion(db.Model):
    """One criterion of a class's rubric, scored 1-5 on each answer."""

    __tablename__ = "rubric_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classroom.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str | None] = mapped_column(String(300))


class RubricMark(db.Model):
    __tablename__ = "rubric_mark"
    __table_args__ = (UniqueConstraint("attempt_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("rubric_criterion.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    score: Mapped[int] = mapped_column(Integer)            # 1-5
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    criterion: Mapped[RubricCriterion] = relationship()
