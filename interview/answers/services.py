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


def status_of(attempt: Attempt) -> dict:
    """Where a recorded answer's analysis stands, as the recorder page polls it."""
    return {"id": attempt.id, "status": attempt.status, "progress": attempt.progress,
            "error": attempt.error_message}
