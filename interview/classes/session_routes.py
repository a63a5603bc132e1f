"""Making a session from a set, and its owner's page to change or delete it. A class's
session is for that class's current students; a session with no class is a recruiter's, for
the candidates they invite."""
from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from interview.classes import mock_sessions as sessions
from interview.classes.assignments import state_of
from interview.classes.blueprint import bp
from interview.classes.forms import DeleteForm, NewSessionForm, SessionForm
from interview.classes.mock_sessions import SessionChangeRefused
from interview.classes.question_sets import owned_set_or_404
from interview.models import utcnow

DEFAULT_OPEN_DAYS = 7


@bp.route("/sets/<int:set_id>/sessions/new", methods=["GET", "POST"])
@login_required
def new_session(set_id: int):
    question_set = owned_set_or_404(set_id, current_user)
    questions = [item.question for item in question_set.items]
    form = NewSessionForm(formdata=None, data=_new_session_defaults(question_set.name, questions)) \
        if request.method == "GET" else NewSessionForm()
    form.classroom_id.choices = sessions.audience_choices(current_user)
    page = {"form": form, "question_set": question_set, "questions": questions, "mock": None}
    if request.method == "GET" or not questions or not form.classroom_id.choices:
        return render_template("classes/session_form.html", **page), 200 if request.method == "GET" else 400
    if not sessions.rows_match(form, questions):
        _start_again(form, sessions.item_rows(questions))
        return render_template("classes/session_form.html", **page), 409
    if not form.validate():
        return render_template("classes/session_form.html", **page), 400
    try:
        mock = sessions.create_session(current_user, question_set, form)
    except SessionChangeRefused as refusal:
        flash(str(refusal), "error")
        return render_template("classes/session_form.html", **page), 409
    told = " Its students have been told." if mock.classroom_id else ""
    flash(f"The session “{mock.title}” is ready.{told}", "success")
    return redirect(url_for("classes.edit_session", session_id=mock.id))


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit_session(session_id: int):
    """The owner's view of a session: its settings and questions, to change."""
    mock = sessions.owned_session_or_404(session_id, current_user)
    if request.method == "GET":
        form = SessionForm(formdata=None, data=sessions.session_settings(mock))
        return _session_page(mock, form)
    form = SessionForm()
    if not sessions.rows_match(form, [item.question for item in mock.items]):
        _start_again(form, sessions.session_settings(mock)["items"])
        return _session_page(mock, form, status=409)
    if not form.validate():
        return _session_page(mock, form, status=400)
    try:
        sessions.update_session(mock, form)
    except SessionChangeRefused as refusal:
        flash(str(refusal), "error")
        return _session_page(mock, form, status=409)
    flash("Session saved.", "success")
    return redirect(url_for("classes.edit_session", session_id=mock.id))


@bp.route("/sessions/<int:session_id>/delete", methods=["POST"])
@login_required
def delete_session(session_id: int):
    mock = sessions.owned_session_or_404(session_id, current_user)
    form = DeleteForm()
    if not form.validate():
        edit = SessionForm(formdata=None, data=sessions.session_settings(mock))
        return _session_page(mock, edit, form, 400)
    classroom_id = mock.classroom_id
    sessions.delete_session(mock)
    flash("Session deleted. Answers given in it stay with the people who gave them.", "success")
    if classroom_id:
        return redirect(url_for("classes.class_page", class_id=classroom_id))
    return redirect(url_for("classes.sets_page"))


def _start_again(form: SessionForm, rows: list[dict]) -> None:
    """A page opened before the questions changed: show them as they are now, keeping the
    title and dates typed."""
    flash("The questions changed while you were editing: here they are as they are now. "
          "Check them, then save again.", "error")
    while form.items.entries:
        form.items.pop_entry()
    for row in rows:
        form.items.append_entry(row)
    form.set_mode_choices()


def _new_session_defaults(title: str, questions: list) -> dict:
    """Open from now (to the minute) for a week, every question in the set's order."""
    opens = utcnow().replace(second=0, microsecond=0, tzinfo=None)
    return {"title": title, "opens_at": opens, "closes_at": opens + timedelta(days=DEFAULT_OPEN_DAYS),
            "items": sessions.item_rows(questions)}


def _session_page(mock, form: SessionForm, delete_form: DeleteForm | None = None, status: int = 200):
    return render_template("classes/session_form.html", form=form, mock=mock, question_set=None,
                           questions=[item.question for item in mock.items], state=state_of(mock),
                           delete_form=delete_form or DeleteForm(formdata=None),
                           invitations_url=sessions.invitations_url(mock, current_user)), status
