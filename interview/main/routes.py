from flask import Blueprint, render_template
from flask_login import current_user, login_required

from interview.classes.assignments import assigned_sessions, is_open, progress_in
from interview.main import services

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    sessions = []
    if current_user.is_authenticated:
        sessions = [(s, progress_in(current_user, s), is_open(s)) for s in assigned_sessions(current_user)]
    return render_template("main/index.html", assigned_sessions=sessions)


@bp.route("/questions")
@login_required
def questions():
    return render_template("main/questions.html", categories=services.questions_by_category())


@bp.route("/history")
@login_required
def history():
    attempts = services.user_attempts(current_user.id)
    trends = services.trends(attempts)
    questions = {a.question_id: a.question.text for a in sorted(attempts, key=lambda a: a.question_id)}
    return render_template("main/history.html", attempts=attempts, trends=trends, questions=questions)
