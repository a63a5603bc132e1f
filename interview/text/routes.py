from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from emotion.errors import AnalysisError, EmptyInput, UnreadableDocument
from interview.documents import extract_pdf_text
from interview.extensions import db
from interview.classes.assignments import SessionRefusal, may_answer_outside_sessions, requested_item
from interview.models import Modality, Question
from interview.text import services
from interview.text.forms import TextAnswerForm

bp = Blueprint("text", __name__, url_prefix="/text")


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@login_required
def answer(question_id: int):
    question = db.get_or_404(Question, question_id)
    try:
        item = requested_item(current_user, request.args.get("session_item"), Modality.TEXT, question.id)
    except SessionRefusal as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("main.index"))
    if item is None and not may_answer_outside_sessions(current_user, question):
        abort(404)
    form = TextAnswerForm()
    page = {"form": form, "question": question, "session_item": item}
    if not form.validate_on_submit():
        return render_template("text/answer.html", **page), 400 if form.is_submitted() else 200
    try:
        text, source = _answer_text(form)
        attempt = services.score_text_answer(
            current_user, question, text, source,
            current_app.config["ANSWER_MIN_WORDS"], current_app.config["ANSWER_MAX_WORDS"], item,
        )
    except AnalysisError as error:
        flash(str(error), "error")
        return render_template("text/answer.html", **page), 422
    if item is not None:  # a session goes on to its next question
        return redirect(url_for("classes.session", session_id=item.session_id))
    return redirect(url_for("answers.report", attempt_id=attempt.id))


def _answer_text(form: TextAnswerForm) -> tuple[str, str]:
    if form.has_typed_answer():
        return form.answer.data, "typed"
    if form.has_document():
        limit_mb = current_app.config["PDF_MAX_MB"]
        data = form.document.data.read(limit_mb * 1024 * 1024 + 1)
        if len(data) > limit_mb * 1024 * 1024:
            raise UnreadableDocument(f"This PDF is larger than {limit_mb} MB. Upload a smaller file.")
        text = extract_pdf_text(
            data, current_app.config["PDF_MAX_PAGES"], current_app.config["PDF_TIMEOUT_SECONDS"]
        )
        return text, "pdf"
    raise EmptyInput("Write your answer in the box, or choose a PDF to upload.")
