"""Recorded interviews: the recording pages, uploads, job status, live overlay, replays."""
from flask import (Blueprint, abort, current_app, jsonify, redirect, render_template, request,
                   send_file, url_for)
from flask_login import current_user, login_required

from emotion.errors import AnalysisError
from interview.extensions import db
from interview.main.services import owned_attempt_or_404
from interview.models import AttemptStatus, Modality, Question
from interview.recordings import live, reports, services

bp = Blueprint("recordings", __name__)

RECORDED = {Modality.VIDEO.value, Modality.AUDIO.value}


def _require_emotion_features() -> None:
    if not current_app.config["EMOTION_FEATURES_ENABLED"]:
        abort(404)


@bp.route("/record/<modality>/<int:question_id>")
@login_required
def record(modality: str, question_id: int):
    _require_emotion_features()
    if modality not in RECORDED:
        abort(404)
    question = db.get_or_404(Question, question_id)
    return render_template(f"recordings/{modality}.html", question=question, modality=modality)


@bp.route("/api/attempts", methods=["POST"])
@login_required
def upload():
    _require_emotion_features()
    modality = request.form.get("modality", "")
    question = db.session.get(Question, request.form.get("question_id", type=int) or 0)
    upload_file = request.files.get("recording")
    if modality not in RECORDED or question is None or upload_file is None:
        return jsonify(error="Send a recording, its modality (audio or video) and a question."), 400
    try:
        attempt = services.accept_recording(current_user, question, modality, upload_file)
    except AnalysisError as error:
        return jsonify(error=str(error)), 422
    return jsonify(services.status_of(attempt) | {
        "status_url": url_for("recordings.status", attempt_id=attempt.id),
        "report_url": url_for("recordings.report", attempt_id=attempt.id),
    }), 201


@bp.route("/api/attempts/<int:attempt_id>")
@login_required
def status(attempt_id: int):
    return jsonify(services.status_of(owned_attempt_or_404(attempt_id, current_user.id)))


@bp.route("/api/live-frame", methods=["POST"])
@login_required
def live_frame():
    _require_emotion_features()
    frame = request.files.get("frame")
    data = frame.read(live.MAX_FRAME_BYTES + 1) if frame else b""
    if len(data) > live.MAX_FRAME_BYTES:
        return jsonify(error="Send frames as small JPEGs (320x240)."), 413
    try:
        return jsonify(live.read_frame(data))
    except AnalysisError as error:
        return jsonify(error=str(error)), 422


@bp.route("/attempts/<int:attempt_id>/recording")
@login_required
def recording(attempt_id: int):
    attempt = owned_attempt_or_404(attempt_id, current_user.id)
    if not attempt.recording_path:
        abort(404)
    try:
        path = services.recording_store().path(attempt.recording_path)
    except FileNotFoundError:
        abort(404)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype=attempt.media_type, conditional=True, max_age=0)


@bp.route("/attempts/<int:attempt_id>/report")
@login_required
def report(attempt_id: int):
    attempt = owned_attempt_or_404(attempt_id, current_user.id)
    if attempt.modality == Modality.TEXT:
        return redirect(url_for("text.report", attempt_id=attempt.id))
    if attempt.status != AttemptStatus.COMPLETE:
        return render_template("recordings/progress.html", attempt=attempt)
    return render_template(f"recordings/{attempt.modality}_report.html",
                           report=reports.build_recorded_report(attempt))
