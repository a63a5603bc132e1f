"""Mock-interview sessions as the person answering them sees them."""
from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user, login_required

from interview.classes.assignments import answers_in, is_assigned, is_open, progress_in
from interview.extensions import db
from interview.models import MockSession, Modality, SessionItem

bp = Blueprint("classes", __name__)


def answer_url(item: SessionItem) -> str:
    """Where a session's question is answered, in its mode."""
    if item.mode == Modality.TEXT:
        return url_for("text.answer", question_id=item.question_id, session_item=item.id)
    return url_for("recordings.record", modality=item.mode, question_id=item.question_id, session_item=item.id)


@bp.route("/sessions/<int:session_id>")
@login_required
def session(session_id: int):
    """One session's questions in order, what has been answered, and the next question."""
    mock = db.get_or_404(MockSession, session_id)
    if not is_assigned(current_user, mock):
        abort(404)
    return render_template("classes/session.html", session=mock, answers=answers_in(current_user, mock),
                           progress=progress_in(current_user, mock), is_open=is_open(mock), answer_url=answer_url)
