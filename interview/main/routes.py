from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from interview.main import services

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    return render_template("main/index.html")


@bp.route("/questions")
@login_required
def questions():
    return render_template("main/questions.html", categories=services.questions_by_category())


@bp.route("/history")
@login_required
def history():
    attempts = services.user_attempts(current_user.id)
    trends = services.trends(attempts)
    questions = {a.question_id: a.question.text for a in attempts if a.status == "complete"}
    return render_template("main/history.html", attempts=attempts, trends=trends, trend_questions=questions)


@bp.route("/attempts/<int:attempt_id>/delete", methods=["POST"])
@login_required
def delete_attempt(attempt_id: int):
    attempt = services.owned_attempt_or_404(attempt_id, current_user.id)
    services.delete_attempt(attempt)  # CSRFProtect has already checked the form's token
    flash("That answer and its scores are deleted.", "info")
    return redirect(url_for("main.history"))
