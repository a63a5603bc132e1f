"""Feedback pages: an instructor's comments and rubric marks on a session answer, and the
rubric of a class. Every URL answers 404 to anyone but the instructor it belongs to; the
report pages show the feedback (see templates/answers/_feedback.html)."""
import math

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from interview.feedback import rubric, services
from interview.feedback.forms import CriterionForm, marks_form

bp = Blueprint("feedback", __name__)
CLASS_PAGE = "classes.class_page"


def back_to_report(attempt_id: int, anchor: str = "feedback"):
    return redirect(url_for("answers.report", attempt_id=attempt_id, _anchor=anchor), 303)


@bp.app_template_global()
def feedback_panel(attempt, viewer):
    return services.feedback_panel(attempt, viewer)


@bp.app_template_global()
def new_feedback_among(attempts) -> set[int]:
    """Ids of those answers with feedback their owner has not seen (for lists of answers)."""
    return services.attempts_with_new_feedback([attempt.id for attempt in attempts])


@bp.app_template_filter("clock")
def clock(seconds: float) -> str:
    """Seconds as m:ss, the way a player shows them."""
    if not math.isfinite(seconds):
        return "–"
    whole = max(int(seconds), 0)
    return f"{whole // 60}:{whole % 60:02d}"


@bp.post("/attempts/<int:attempt_id>/comments")
@login_required
def add_comment(attempt_id: int):
    attempt, _ = services.instructed_attempt_or_404(attempt_id, current_user)
    form = services.comment_form(attempt)
    if not form.validate_on_submit():
        return render_template("feedback/not_saved.html", attempt=attempt, form=form,
                               errors=[e for errors in form.errors.values() for e in errors]), 400
    comment = services.add_comment(attempt, current_user, form.body.data, form.at_seconds.data)
    flash(f"Comment posted; {attempt.user.display_name} is told.", "success")
    return back_to_report(attempt.id, f"comment-{comment.id}")


@bp.post("/attempts/<int:attempt_id>/comments/<int:comment_id>/delete")
@login_required
def delete_comment(attempt_id: int, comment_id: int):
    attempt, _ = services.instructed_attempt_or_404(attempt_id, current_user)
    services.delete_comment(attempt, comment_id, current_user)  # CSRFProtect checked the token
    flash("Comment deleted.", "info")
    return back_to_report(attempt.id)


@bp.post("/attempts/<int:attempt_id>/marks")
@login_required
def save_marks(attempt_id: int):
    attempt, classroom = services.instructed_attempt_or_404(attempt_id, current_user)
    current = {cid: mark.score for cid, mark in services.marks_on(attempt).items()}
    form = marks_form(rubric.ordered(classroom), current)
    unknown = form.unknown_marks(request.form.keys())
    if unknown or not form.validate_on_submit():
        errors = [e for errors in form.errors.values() for e in errors]
        if unknown:
            errors.append("Some marks are for criteria that are not in this class's rubric.")
        return render_template("feedback/not_saved.html", attempt=attempt, form=None, errors=errors), 400
    changed = services.save_marks(attempt, current_user, form.marks())
    flash(f"Marks saved; {attempt.user.display_name} is told." if changed else "Marks saved.", "success")
    return back_to_report(attempt.id, "rubric-marks")


@bp.route("/classes/<int:classroom_id>/rubric", methods=["GET", "POST"])
@login_required
def edit_rubric(classroom_id: int):
    """The rubric's criteria in order, each editable, and a form to add one."""
    classroom = rubric.taught_classroom_or_404(classroom_id, current_user)
    form = CriterionForm(prefix="new")
    if form.validate_on_submit():
        try:
            rubric.add_criterion(classroom, form.name.data, form.description.data)
        except rubric.RubricRefusal as refusal:
            form.name.errors.append(str(refusal))
        else:
            flash(f"“{form.name.data.strip()}” added to the rubric.", "success")
            return redirect(url_for("feedback.edit_rubric", classroom_id=classroom.id), 303)
    return render_rubric(classroom, new_form=form)


def render_rubric(classroom, new_form=None, edited=None):
    """The rubric page; ``edited`` is a criterion's form that failed, shown with its errors."""
    forms = {c.id: CriterionForm(prefix=f"c{c.id}", obj=c, formdata=None) for c in rubric.ordered(classroom)}
    if edited is not None:
        forms[edited[0]] = edited[1]
    new_form = new_form or CriterionForm(prefix="new", formdata=None)
    failed = bool(new_form.errors) or edited is not None
    return render_template("feedback/rubric.html", classroom=classroom, criteria=rubric.ordered(classroom),
                           forms=forms, new_form=new_form, max_criteria=rubric.MAX_CRITERIA,
                           class_url=class_page_url(classroom)), 400 if failed else 200


def class_page_url(classroom) -> str | None:
    """The class's own page (the classes blueprint), where there is one."""
    if CLASS_PAGE not in current_app.view_functions:
        return None
    return url_for(CLASS_PAGE, class_id=classroom.id)


@bp.post("/classes/<int:classroom_id>/rubric/<int:criterion_id>")
@login_required
def update_criterion(classroom_id: int, criterion_id: int):
    classroom = rubric.taught_classroom_or_404(classroom_id, current_user)
    criterion = rubric.criterion_or_404(classroom, criterion_id)
    form = CriterionForm(prefix=f"c{criterion.id}")
    if form.validate_on_submit():
        try:
            rubric.update_criterion(classroom, criterion, form.name.data, form.description.data)
        except rubric.RubricRefusal as refusal:
            form.name.errors.append(str(refusal))
        else:
            flash(f"“{criterion.name}” saved.", "success")
            return redirect(url_for("feedback.edit_rubric", classroom_id=classroom.id), 303)
    return render_rubric(classroom, edited=(criterion.id, form))


@bp.post("/classes/<int:classroom_id>/rubric/<int:criterion_id>/delete")
@login_required
def remove_criterion(classroom_id: int, criterion_id: int):
    classroom = rubric.taught_classroom_or_404(classroom_id, current_user)
    criterion = rubric.criterion_or_404(classroom, criterion_id)
    rubric.remove_criterion(classroom, criterion)
    flash(f"“{criterion.name}” removed, with its marks.", "info")
    return redirect(url_for("feedback.edit_rubric", classroom_id=classroom.id), 303)


@bp.post("/classes/<int:classroom_id>/rubric/<int:criterion_id>/move")
@login_required
def move_criterion(classroom_id: int, criterion_id: int):
    classroom = rubric.taught_classroom_or_404(classroom_id, current_user)
    criterion = rubric.criterion_or_404(classroom, criterion_id)
    steps = {"up": -1, "down": 1}
    if request.form.get("direction") not in steps:
        return render_template("error.html", status=400, message="Move a criterion up or down."), 400
    rubric.move_criterion(classroom, criterion, steps[request.form["direction"]])
    return redirect(url_for("feedback.edit_rubric", classroom_id=classroom.id, _anchor=f"criterion-{criterion.id}"), 303)
