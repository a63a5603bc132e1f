"""Core tables: users, questions, attempts (answers) and the scores they produce."""
from datetime import datetime, timezone
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, event, false, true
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from interview.extensions import db


# The largest id a row can have (a 32-bit integer key on PostgreSQL): anything above names nothing.
MAX_ID = 2**31 - 1


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes for timezone-aware columns; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@event.listens_for(Engine, "connect")
def _postgres_sessions_in_utc(dbapi_connection, _record) -> None:
    """Times are stored and printed as UTC (SQLite hands them back as stored). PostgreSQL would
    hand them back in its server's time zone, so every session of ours runs in UTC."""
    if not type(dbapi_connection).__module__.startswith("psycopg"):
        return
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True  # a SET inside the pool's first transaction would roll back
    dbapi_connection.execute("SET TIME ZONE 'UTC'")
    dbapi_connection.autocommit = autocommit


class Role(StrEnum):
    CANDIDATE = "candidate"
    RECRUITER = "recruiter"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


class Modality(StrEnum):
    TEXT = "text"
    AUDIO = "audio"
    VIDEO = "video"


class AttemptStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETE = "complete"
    FAILED = "failed"


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20), default=Role.CANDIDATE)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The candidate's own switch: False means emotion readings are neither computed nor shown.
    emotion_readings_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # When the person agreed to what recording with each device means (None: not yet asked).
    camera_consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    microphone_consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    attempts: Mapped[list["Attempt"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class Question(db.Model):
    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(500), unique=True)
    category: Mapped[str] = mapped_column(String(40), index=True)
    # Recording length for the audio and video interviews.
    time_limit_seconds: Mapped[int] = mapped_column(Integer, default=45)
    # False for a question an instructor or recruiter wrote for their own sessions: it is not
    # listed in the public bank. Its author is kept while their account exists.
    in_bank: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Attempt(db.Model):
    """One answer to one question in one modality, and where its analysis stands."""

    __tablename__ = "attempt"
    __table_args__ = (
        Index("ix_attempt_user_modality_created", "user_id", "modality", "created_at"),
        Index("ix_attempt_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    modality: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default=AttemptStatus.PENDING)
    source: Mapped[str] = mapped_column(String(10))  # typed, pdf, recording
    answer_text: Mapped[str | None] = mapped_column(Text)
    word_count: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict | None] = mapped_column(JSON)  # modality-specific extras (top words...)
    error_message: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Recorded answers: where the file is (relative to the recording store) and its real type.
    recording_path: Mapped[str | None] = mapped_column(String(200))
    media_type: Mapped[str | None] = mapped_column(String(40))
    # Background analysis: how far it is, how often it was tried, when its worker last beat.
    progress: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    tries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # An answer given inside a mock-interview session (see interview.models.classes).
    session_item_id: Mapped[int | None] = mapped_column(ForeignKey("session_item.id", ondelete="SET NULL"), index=True)
    # Retention: the recording is deleted after the retention period unless the owner keeps it;
    # the report's numbers stay.
    keep_recording: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    recording_deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The owner last opened this answer's feedback (comments, rubric marks) at this time.
    feedback_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(back_populates="attempts")
    question: Mapped[Question] = relationship()
    session_item: Mapped["SessionItem | None"] = relationship()  # noqa: F821 (interview.models.classes)
    scores: Mapped[list["Score"]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", passive_deletes=True
    )


class Score(db.Model):
    """One named number from a model (a trait, an emotion, a delivery measure)."""

    __tablename__ = "score"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempt.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    modality: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(40))
    value: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float | None] = mapped_column(Float)

    attempt: Mapped[Attempt] = relationship(back_populates="scores")


ALL_QUESTIONS = 0  # ScoreTotal.question_id for a candidate's totals over every question


class ScoreTotal(db.Model):
    """Running sum and count of one candidate's scores, per question and over all questions.

    Kept in step with ``score`` in the same transaction (see ``interview.scoring``), so the
    cohort average reads one row per candidate instead of every score ever stored. The primary
    key is the cohort query's access path; WITHOUT ROWID keeps the sums inside that index.
    ``question_id`` is 0 (``ALL_QUESTIONS``) for the all-questions row, hence no foreign key.
    """

    __tablename__ = "score_total"
    __table_args__ = {"sqlite_with_rowid": False}

    modality: Mapped[str] = mapped_column(String(10), primary_key=True)
    question_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    total: Mapped[float] = mapped_column(Float, default=0.0)
    count: Mapped[int] = mapped_column(Integer, default=0)
