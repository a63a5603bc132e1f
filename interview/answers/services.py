"""Look-ups and changes on one answer, only ever for its owner."""
from flask import abort, current_app

from interview.extensions import db
from interview.models import Attempt
from interview.scoring import forget_scores


def owned_attempt_or_404(attempt_id: int, user_id: int) -> Attempt:
    """404, not 403, for someone else's attempt: do not even confirm that it exists."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user_id:
        abort(404)
    return attempt


def delete_attempt(attempt: Attempt) -> None:
    """The attempt, its scores, its share of the cohort totals and its recording, all gone."""
    recording = attempt.recording_path
    forget_scores(attempt)
    db.session.delete(attempt)
    db.session.commit()
    current_app.extensions["recording_store"].delete(recording)


def recording_response(attempt: Attempt):
    """The attempt's recording as a seekable file response; 404 when it has none, or it is gone
    (deleted after the retention period, or never finished)."""
    from flask import send_file

    from interview.storage import recording_store

    if not attempt.recording_path:
        abort(404)
    try:
        path = recording_store().path(attempt.recording_path)
    except FileNotFoundError:
        abort(404)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype=attempt.media_type, conditional=True, max_age=0)


def status_of(attempt: Attempt) -> dict:
    """Where a recorded answer's analysis stands, as the recorder page polls it."""
    return {"id": attempt.id, "status": attempt.status, "progress": attempt.progress,
            "error": attempt.error_message}


def retry_url(attempt: Attempt, user) -> str | None:
    """Where ``user`` can answer this attempt's question again in the same mode: inside its
    session when it was a session answer (if still open and retakes are allowed), else as free
    practice when the question is one they may practise; None when there is nowhere."""
    from flask import url_for

    from interview.classes.assignments import is_assigned, is_open, may_answer_outside_sessions
    from interview.classes.routes import answer_url

    item = attempt.session_item
    if item is not None:
        session = item.session
        if session.retakes_allowed and is_open(session) and is_assigned(user, session):
            return answer_url(item)
        return None
    if not may_answer_outside_sessions(user, attempt.question):
        return None
    if attempt.modality == "text":
        return url_for("text.answer", question_id=attempt.question_id)
    if not current_app.config["EMOTION_FEATURES_ENABLED"]:
        return None
    return url_for("recordings.record", modality=attempt.modality, question_id=attempt.question_id)
