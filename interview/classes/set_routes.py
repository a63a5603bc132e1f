"""Question sets, for instructors and recruiters: the list of one's sets and sessions, and one
set's page (its questions in order, picked from the bank or written for it). Every page about
one set answers 404 to anyone but its owner."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from interview.auth.decorators import role_required
from interview.classes import question_sets as sets
from interview.classes.blueprint import bp
from interview.classes.forms import BankQuestionsForm, DeleteForm, OwnQuestionForm, QuestionSetForm
from interview.classes.mock_sessions import owned_sessions
from interview.classes.question_sets import SET_ROLES, SetChangeRefused

MOVES = {"up": -1, "down": 1}


@bp.route("/sets", methods=["GET", "POST"])
@role_required(*SET_ROLES)
def sets_page():
    form = QuestionSetForm()
    if form.validate_on_submit():
        question_set = sets.create_set(current_user, form.name.data)
        flash("Set created: now add its questions.", "success")
        return redirect(url_for("classes.set_page", set_id=question_set.id))
    return render_template("classes/sets.html", sets=sets.owned_sets(current_user), form=form,
                           sessions=owned_sessions(current_user)), 400 if form.errors else 200


@bp.route("/sets/<int:set_id>")
@login_required
def set_page(set_id: int):
    return _set_page(sets.owned_set_or_404(set_id, current_user))


@bp.route("/sets/<int:set_id>/rename", methods=["POST"])
@login_required
def rename_set(set_id: int):
    question_set = sets.owned_set_or_404(set_id, current_user)
    form = QuestionSetForm()
    if not form.validate():
        return _set_page(question_set, 400, rename=form)
    sets.rename_set(question_set, form.name.data)
    flash("Saved.", "success")
    return redirect(url_for("classes.set_page", set_id=set_id))


@bp.route("/sets/<int:set_id>/bank", methods=["POST"])
@login_required
def add_bank_questions(set_id: int):
    question_set = sets.owned_set_or_404(set_id, current_user)
    form = _bank_form(question_set, formdata=request.form)
    if not form.validate():
        return _set_page(question_set, 400, bank=form)
    try:
        added = sets.add_bank_questions(question_set, form.question_ids.data)
    except SetChangeRefused as refusal:
        form.question_ids.errors.append(str(refusal))
        return _set_page(question_set, 400, bank=form)
    flash(f"{added} question{'s' if added != 1 else ''} added.", "success")
    return redirect(url_for("classes.set_page", set_id=set_id))


@bp.route("/sets/<int:set_id>/own", methods=["POST"])
@login_required
def add_own_question(set_id: int):
    question_set = sets.owned_set_or_404(set_id, current_user)
    form = OwnQuestionForm()
    if not form.validate():
        return _set_page(question_set, 400, own=form)
    try:
        question = sets.add_own_question(question_set, current_user, form.text.data, form.category.data,
                                         form.time_limit.data)
    except SetChangeRefused as refusal:
        form.text.errors.append(str(refusal))
        return _set_page(question_set, 400, own=form)
    if question.in_bank or question.author_id != current_user.id:
        flash("That question already exists, so the set uses it as it is (category and time limit included; "
              "each session sets its own time limits).", "info")
    else:
        flash("Question added.", "success")
    return redirect(url_for("classes.set_page", set_id=set_id))


@bp.route("/sets/<int:set_id>/items/<int:item_id>/move", methods=["POST"])
@login_required
def move_item(set_id: int, item_id: int):
    question_set = sets.owned_set_or_404(set_id, current_user)
    item = sets.item_or_404(question_set, item_id)
    step = MOVES.get(request.form.get("direction", ""))
    if step is None:
        flash("Move a question up or down.", "error")
        return _set_page(question_set, 400)
    sets.move_item(question_set, item, step)
    return redirect(url_for("classes.set_page", set_id=set_id, _anchor="set-questions"))


@bp.route("/sets/<int:set_id>/items/<int:item_id>/remove", methods=["POST"])
@login_required
def remove_item(set_id: int, item_id: int):
    question_set = sets.owned_set_or_404(set_id, current_user)
    sets.remove_item(question_set, sets.item_or_404(question_set, item_id))
    flash("Question taken out of the set. Sessions made from it keep their questions.", "success")
    return redirect(url_for("classes.set_page", set_id=set_id, _anchor="set-questions"))


@bp.route("/sets/<int:set_id>/delete", methods=["POST"])
@login_required
def delete_set(set_id: int):
    question_set = sets.owned_set_or_404(set_id, current_user)
    form = DeleteForm()
    if not form.validate():
        return _set_page(question_set, 400, delete=form)
    sets.delete_set(question_set)
    flash("Set deleted. Sessions made from it keep their questions.", "success")
    return redirect(url_for("classes.sets_page"))


def _bank_form(question_set, formdata=None) -> BankQuestionsForm:
    form = BankQuestionsForm(formdata=formdata)
    grouped = sets.bank_questions_by_category(excluding=question_set)
    form.question_ids.choices = [(q.id, q.text) for questions in grouped.values() for q in questions]
    return form


def _set_page(question_set, status: int = 200, **forms):
    """The set's page; a form that failed comes back with its errors, the others fresh."""
    page_forms = {"rename": QuestionSetForm(formdata=None, obj=question_set),
                  "bank": _bank_form(question_set), "own": OwnQuestionForm(formdata=None),
                  "delete": DeleteForm(formdata=None)} | forms
    return render_template("classes/set_page.html", question_set=question_set, forms=page_forms,
                           bank=sets.bank_questions_by_category(excluding=question_set),
                           categories=sets.categories(), max_questions=sets.MAX_SET_QUESTIONS), status
