"""Classes and mock-interview sessions as a student sees them: a session's page, joining a
class by its code or invite link, the classes one is in, and leaving one.

The instructor's pages (instructor_routes) and the set owner's (set_routes, session_routes) are
views of the same blueprint; importing them here registers them with it.
"""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from interview.classes import instructor_routes, session_routes, set_routes  # noqa: F401 (their views)
from interview.classes import services
from interview.classes.assignments import (answers_in, assigned_sessions, is_assigned, is_open,
                                           progress_in, state_of)
from interview.classes.blueprint import bp
from interview.classes.forms import ConfirmForm, JoinForm
from interview.classes.mock_sessions import invitations_url
from interview.extensions import db
from interview.models import MockSession, Modality, SessionItem

__all__ = ["answer_url", "bp"]


def answer_url(item: SessionItem) -> str:
    """Where a session's question is answered, in its mode."""
    if item.mode == Modality.TEXT:
        return url_for("text.answer", question_id=item.question_id, session_item=item.id)
    return url_for("recordings.record", modality=item.mode, question_id=item.question_id, session_item=item.id)


@bp.app_context_processor
def class_helpers() -> dict:
    """For the nav and the home page; each runs its query only where a template calls it."""
    return {"instructed_classes": lambda: services.instructed_classes(current_user),
            "in_a_class": lambda: services.is_in_any_class(current_user), "session_state": state_of}


@bp.route("/sessions/<int:session_id>")
@login_required
def session(session_id: int):
    """One session's questions in order, what has been answered, and the next question. Its
    owner is sent to their own view of it."""
    mock = db.get_or_404(MockSession, session_id)
    if mock.owner_id == current_user.id:
        return redirect(owner_view_url(mock))
    if not is_assigned(current_user, mock):
        abort(404)
    return render_template("classes/session.html", session=mock, answers=answers_in(current_user, mock),
                           progress=progress_in(current_user, mock), is_open=is_open(mock),
                           state=state_of(mock), answer_url=answer_url)


def owner_view_url(mock: MockSession) -> str:
    """A class's session: its dashboard. A recruiter's: its invitations (the sharing feature's
    page), else its settings."""
    if mock.classroom_id is not None:
        return url_for("classes.dashboard", class_id=mock.classroom_id, _anchor=f"session-{mock.id}")
    return invitations_url(mock, current_user) or url_for("classes.edit_session", session_id=mock.id)


@bp.route("/my-classes")
@login_required
def my_classes():
    return _my_classes_page(JoinForm(formdata=None))


@bp.route("/join", methods=["GET", "POST"])
@login_required
def join_by_code():
    """The code a student types, checked, leads to the same page as the invite link."""
    form = JoinForm()
    if not form.validate_on_submit():
        return _my_classes_page(form, 400) if form.is_submitted() else redirect(url_for("classes.my_classes"))
    code = services.normalize_code(form.code.data)
    if services.class_by_code(code) is None:
        form.code.errors.append("No class has this code. Check it with your instructor.")
        return _my_classes_page(form, 404)
    return redirect(url_for("classes.join", code=code))


@bp.route("/join/<code>", methods=["GET", "POST"])
@login_required
def join(code: str):
    """The invite link: what joining means, then a button to confirm it."""
    classroom = services.class_by_code(services.normalize_code(code))
    if classroom is None:
        form = JoinForm(formdata=None)
        form.code.errors = ["This invite link or code does not lead to a class. It may have been replaced: "
                            "ask your instructor for the current one."]
        return _my_classes_page(form, 404)
    if classroom.instructor_id == current_user.id:
        flash("This is your own class: share this link with your students.", "info")
        return redirect(url_for("classes.class_page", class_id=classroom.id))
    form = ConfirmForm()
    already = services.is_current_member(classroom, current_user)
    if form.validate_on_submit():
        if not already:
            services.join(classroom, current_user)
            flash(f"You joined {classroom.name}. Its mock interviews appear on your home page.", "success")
        return redirect(url_for("classes.my_classes"))
    return render_template("classes/join.html", classroom=classroom, form=form, already=already)


@bp.route("/my-classes/<int:class_id>/leave", methods=["GET", "POST"])
@login_required
def leave(class_id: int):
    member = services.current_membership_or_404(class_id, current_user)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.leave(member)
        flash(f"You left {member.classroom.name}. Its instructor no longer sees your answers.", "success")
        return redirect(url_for("classes.my_classes"))
    return render_template("classes/leave.html", classroom=member.classroom, form=form)


def _my_classes_page(form: JoinForm, status: int = 200):
    classes = services.member_classes(current_user)
    sessions: dict[int, list[MockSession]] = {}
    for mock in assigned_sessions(current_user):
        sessions.setdefault(mock.classroom_id, []).append(mock)
    return render_template("classes/my_classes.html", classes=classes, sessions=sessions, form=form,
                           state_of=state_of), status
