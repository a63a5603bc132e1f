"""An instructor's pages: their classes, one class (code, invite link, students, sessions),
its dashboard, its figures and its CSV export. Every page about one class answers 404 to
anyone but that class's instructor."""
from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from interview.auth.decorators import role_required
from interview.classes import services
from interview.classes.blueprint import bp, served_url
from interview.classes.dashboard import class_grids
from interview.classes.export import class_csv, export_filename
from interview.classes.figures import class_figures, class_questions
from interview.classes.forms import ClassForm, DeleteForm
from interview.classes.mock_sessions import class_sessions
from interview.classes.question_sets import owned_sets
from interview.extensions import db
from interview.models import User

TEACHING_ROLES = services.TEACHING_ROLES
RUBRIC_PAGE = "feedback.edit_rubric"


@bp.route("/classes", methods=["GET", "POST"])
@role_required(*TEACHING_ROLES)
def instructor_classes():
    form = ClassForm()
    if form.validate_on_submit():
        classroom = services.create_class(current_user, form.name.data, form.description.data)
        flash(f"{classroom.name} is ready. Share its code or invite link with your students.", "success")
        return redirect(url_for("classes.class_page", class_id=classroom.id))
    classes = services.instructed_classes(current_user)
    return render_template("classes/instructor_classes.html", classes=classes, form=form,
                           students=services.student_counts(classes)), 400 if form.errors else 200


@bp.route("/classes/<int:class_id>")
@login_required
def class_page(class_id: int):
    classroom = services.owned_class_or_404(class_id, current_user)
    return _class_page(classroom, ClassForm(formdata=None, obj=classroom), DeleteForm(formdata=None))


@bp.route("/classes/<int:class_id>/edit", methods=["POST"])
@login_required
def edit_class(class_id: int):
    classroom = services.owned_class_or_404(class_id, current_user)
    form = ClassForm()
    if not form.validate():
        return _class_page(classroom, form, DeleteForm(formdata=None), 400)
    services.update_class(classroom, form.name.data, form.description.data)
    flash("Saved.", "success")
    return redirect(url_for("classes.class_page", class_id=classroom.id))


@bp.route("/classes/<int:class_id>/code", methods=["POST"])
@login_required
def new_code(class_id: int):
    classroom = services.owned_class_or_404(class_id, current_user)
    services.replace_join_code(classroom)
    flash("The class has a new code and invite link; the old ones no longer work. "
          "Students already in the class stay in it.", "success")
    return redirect(url_for("classes.class_page", class_id=classroom.id))


@bp.route("/classes/<int:class_id>/students/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_student(class_id: int, user_id: int):
    classroom = services.owned_class_or_404(class_id, current_user)
    member = services.current_membership_or_404(classroom.id, db.get_or_404(User, user_id))
    services.remove_student(member)
    flash(f"{member.user.display_name} is no longer in the class; you no longer see their answers.", "success")
    return redirect(url_for("classes.class_page", class_id=classroom.id))


@bp.route("/classes/<int:class_id>/delete", methods=["POST"])
@login_required
def delete_class(class_id: int):
    classroom = services.owned_class_or_404(class_id, current_user)
    form = DeleteForm()
    if not form.validate():
        return _class_page(classroom, ClassForm(formdata=None, obj=classroom), form, 400)
    services.delete_class(classroom)
    flash("The class and its sessions are deleted. Students keep their answers.", "success")
    return redirect(url_for("classes.instructor_classes"))


@bp.route("/classes/<int:class_id>/dashboard")
@login_required
def dashboard(class_id: int):
    classroom = services.owned_class_or_404(class_id, current_user)
    return render_template("classes/dashboard.html", classroom=classroom, grids=class_grids(classroom))


@bp.route("/classes/<int:class_id>/figures")
@login_required
def figures(class_id: int):
    classroom = services.owned_class_or_404(class_id, current_user)
    questions = class_questions(classroom)
    question_id = request.args.get("question", type=int)
    question = next((q for q in questions if q.id == question_id), None)
    if question_id is not None and question is None:
        return render_template("error.html", status=404, message="This class's sessions do not ask that question."), 404
    return render_template("classes/figures.html", classroom=classroom, questions=questions, question=question,
                           figures=class_figures(classroom, question.id if question else None))


@bp.route("/classes/<int:class_id>/export.csv")
@login_required
def export(class_id: int):
    classroom = services.owned_class_or_404(class_id, current_user)
    response = Response("\ufeff" + class_csv(classroom), mimetype="text/csv")  # the BOM: Excel reads UTF-8
    response.headers["Content-Disposition"] = f'attachment; filename="{export_filename(classroom)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _class_page(classroom, edit_form: ClassForm, delete_form: DeleteForm, status: int = 200):
    return render_template(
        "classes/class_page.html", classroom=classroom, edit_form=edit_form, delete_form=delete_form,
        members=services.current_members(classroom), sessions=class_sessions(classroom.id),
        sets=owned_sets(current_user), invite_url=url_for("classes.join", code=classroom.join_code, _external=True),
        rubric_url=served_url(RUBRIC_PAGE, classroom_id=classroom.id)), status

