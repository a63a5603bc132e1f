from flask import Blueprint, render_template, request
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
    question_id = request.args.get("question", type=int)
    pagination = services.history_page(current_user.id, request.args.get("page", 1, type=int), question_id)
    trends = services.trends(services.finished_attempts(current_user.id))
    return render_template("main/history.html", pagination=pagination, attempts=pagination.items,
                           trends=trends, questions=services.answered_questions(current_user.id),
                           question_id=question_id)
