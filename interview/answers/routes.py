"""One answer's pages: its report (or progress while it is analysed), its recording, its
analysis status, and deleting it. Text and recording blueprints only capture answers."""
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from interview.access import Viewer, viewable_attempt_or_404
from interview.answers import reports, services, wheel_report
from interview.feedback import services as feedback
from interview.sharing.selection import record_recruiter_view
from interview.models import AttemptStatus, Modality

bp = Blueprint("answers", __name__)
bp.add_app_template_global(wheel_report.wheel_view)  # the wheel and affect partials


@bp.app_template_global()
def answer_again_url(attempt) -> str | None:
    """Templates: where the signed-in user can answer this attempt's question again, or None."""
    return services.retry_url(attempt, current_user)


@bp.route("/attempts/<int:attempt_id>/report")
@login_required
def report(attempt_id: int):
    """The owner's report; the same report, read-only, for the instructor of the owner's class
    (session answers) or a recruiter the owner shares it with."""
    attempt, viewer = viewable_attempt_or_404(attempt_id, current_user)
    if viewer == Viewer.RECRUITER:
        record_recruiter_view(current_user, attempt)
    feedback.opened_by(attempt, viewer)  # the owner has now seen its feedback
    if attempt.modality == Modality.TEXT:
        return render_template("answers/text_report.html", report=reports.build_text_report(attempt),
                               viewer=viewer)
    if attempt.status != AttemptStatus.COMPLETE:
        if viewer != Viewer.OWNER:
            abort(404)
        return render_template("answers/progress.html", attempt=attempt)
    return render_template(f"answers/{attempt.modality}_report.html",
                           report=reports.build_recorded_report(attempt), viewer=viewer)


@bp.route("/text/attempts/<int:attempt_id>")
@login_required
def text_report(attempt_id: int):
    """Where text reports used to live: kept so that old links still work."""
    attempt = services.owned_attempt_or_404(attempt_id, current_user.id)
    return redirect(url_for("answers.report", attempt_id=attempt.id), 301)


@bp.route("/api/attempts/<int:attempt_id>")
@login_required
def status(attempt_id: int):
    return jsonify(services.status_of(services.owned_attempt_or_404(attempt_id, current_user.id)))


@bp.route("/attempts/<int:attempt_id>/recording")
@login_required
def recording(attempt_id: int):
    attempt, _ = viewable_attempt_or_404(attempt_id, current_user)
    return services.recording_response(attempt)


@bp.route("/attempts/<int:attempt_id>/delete", methods=["POST"])
@login_required
def delete(attempt_id: int):
    attempt = services.owned_attempt_or_404(attempt_id, current_user.id)
    services.delete_attempt(attempt)  # CSRFProtect has already checked the form's token
    flash("That answer and its scores are deleted.", "info")
    return redirect(url_for("main.history"))
