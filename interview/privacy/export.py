"""Download my data: one zip archive with every answer (as JSON) and every recording file.

The archive is written to an anonymous temporary file (recordings can be large, so never in
memory) and streamed from there; the file disappears once the response is sent.
"""
import json
import tempfile
import zipfile
from datetime import datetime
from pathlib import PurePosixPath
from typing import IO

from sqlalchemy import select

from interview.extensions import db
from interview.models import AnswerComment, Attempt, Notice, RubricMark, Share, User, utcnow
from interview.privacy.retention import as_utc
from interview.results import readable
from interview.sharing.selection import share_attempts
from interview.storage import recording_store

README = """Your data from Poise, as it was on {when} (UTC).

account.json       your account: name, email, role, when you joined, your emotion-readings
                   switch and when you agreed to record with your camera and microphone.
answers/ID.json    one file per answer you gave (ID is the answer's number), with:
                   question, mode (text, audio or video), dates, your written text, every score
                   computed from it, the stored analysis results ("results"), the comments and
                   rubric marks instructors left on it, and the shares that showed it to
                   recruiters with who viewed them and when.
recordings/ID.EXT  the recording of answer ID, where it is still kept. Recordings are deleted
                   {days} days after the answer unless you chose to keep them; an answer whose
                   recording was deleted says when in "recording".
shares.json        everything you shared with recruiters, live, expired or revoked, with its views.
notices.json       the notices Poise left you in the app.

Scores: emotions and Big Five traits are 0-100; the delivery measures are in the units their
names say (seconds, syllables per second, semitones, decibels). Emotion readings are
estimates for practice, never facts about you. If you switched emotion readings off, the
readings computed before you did are still stored (only hidden), so they are included here.
Times are UTC, in ISO 8601.
"""


def iso(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat() if moment else None


def build_archive(user: User, retention_days: int) -> IO[bytes]:
    """A temporary file holding the user's archive, rewound to its start."""
    handle = tempfile.TemporaryFile(suffix=".zip")
    shares = [share_record(share) for share in owned_shares(user)]
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(when=iso(utcnow()), days=retention_days))
        write_json(archive, "account.json", account_record(user))
        write_json(archive, "shares.json", shares)
        write_json(archive, "notices.json", notice_records(user))
        for attempt in user_attempts(user):
            shown_in = [share for share in shares if attempt.id in share["answers"]]
            write_json(archive, f"answers/{attempt.id}.json", answer_record(attempt, shown_in))
            add_recording(archive, attempt)
    handle.seek(0)
    return handle


def write_json(archive: zipfile.ZipFile, name: str, value) -> None:
    archive.writestr(name, json.dumps(value, indent=2, ensure_ascii=False))


def add_recording(archive: zipfile.ZipFile, attempt: Attempt) -> None:
    if not attempt.recording_path:
        return
    try:
        path = recording_store().path(attempt.recording_path)
    except FileNotFoundError:
        return
    if path.exists():  # recordings are compressed already: stored as they are
        archive.write(path, recording_name(attempt), compress_type=zipfile.ZIP_STORED)


def recording_name(attempt: Attempt) -> str:
    return f"recordings/{attempt.id}{PurePosixPath(attempt.recording_path).suffix}"


def user_attempts(user: User) -> list[Attempt]:
    return list(db.session.scalars(select(Attempt).where(Attempt.user_id == user.id)
                                   .order_by(Attempt.created_at, Attempt.id)))


def owned_shares(user: User) -> list[Share]:
    return list(db.session.scalars(select(Share).where(Share.owner_id == user.id).order_by(Share.id)))


def account_record(user: User) -> dict:
    return {"name": user.display_name, "email": user.email, "role": user.role,
            "joined_at": iso(user.created_at), "emotion_readings_enabled": user.emotion_readings_enabled,
            "camera_consent_at": iso(user.camera_consent_at),
            "microphone_consent_at": iso(user.microphone_consent_at)}


def answer_record(attempt: Attempt, shares: list[dict]) -> dict:
    return {
        "id": attempt.id,
        "question": {"id": attempt.question_id, "text": attempt.question.text,
                     "category": attempt.question.category},
        "mode": attempt.modality, "source": attempt.source, "status": attempt.status,
        "created_at": iso(attempt.created_at), "completed_at": iso(attempt.completed_at),
        "error": attempt.error_message,
        "session": attempt.session_item.session.title if attempt.session_item else None,
        "text": attempt.answer_text, "word_count": attempt.word_count,
        "scores": [{"name": s.name, "value": s.value, "model_accuracy": s.confidence} for s in attempt.scores],
        "results": readable(attempt.details, attempt.modality) or None,
        "recording": recording_record(attempt),
        "comments": comment_records(attempt), "rubric_marks": rubric_records(attempt),
        "shares": [{key: value for key, value in share.items() if key != "answers"} for share in shares],
    }


def recording_record(attempt: Attempt) -> dict | None:
    if attempt.recording_path:
        return {"file": recording_name(attempt), "media_type": attempt.media_type,
                "kept_by_choice": attempt.keep_recording}
    if attempt.recording_deleted_at:
        return {"file": None, "deleted_at": iso(attempt.recording_deleted_at)}
    return None


def comment_records(attempt: Attempt) -> list[dict]:
    comments = db.session.scalars(select(AnswerComment).where(AnswerComment.attempt_id == attempt.id)
                                  .order_by(AnswerComment.created_at, AnswerComment.id))
    return [{"author": comment.author.display_name, "at_seconds": comment.at_seconds, "body": comment.body,
             "created_at": iso(comment.created_at)} for comment in comments]


def rubric_records(attempt: Attempt) -> list[dict]:
    marks = db.session.scalars(select(RubricMark).where(RubricMark.attempt_id == attempt.id)
                               .order_by(RubricMark.id))
    return [{"criterion": mark.criterion.name, "score": mark.score, "out_of": 5,
             "author": _name(mark.author_id), "updated_at": iso(mark.updated_at)} for mark in marks]


def _name(user_id: int) -> str | None:
    user = db.session.get(User, user_id)
    return user.display_name if user else None


def share_record(share: Share) -> dict:
    return {"id": share.id, "kind": share.kind, "recipient_email": share.recipient_email,
            "by_link": share.token_hash is not None, "created_at": iso(share.created_at),
            "expires_at": iso(share.expires_at), "revoked_at": iso(share.revoked_at),
            "answers": [attempt.id for attempt in share_attempts(share)],
            "views": [{"viewer": view.viewer_label, "viewed_at": iso(view.viewed_at)} for view in share.views]}


def notice_records(user: User) -> list[dict]:
    notices = db.session.scalars(select(Notice).where(Notice.user_id == user.id).order_by(Notice.created_at))
    return [{"message": notice.message, "link": notice.link, "created_at": iso(notice.created_at),
             "read_at": iso(notice.read_at)} for notice in notices]
