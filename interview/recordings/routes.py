"""Recorded interviews: the recording pages, uploads and the live overlay. Everything about
one answer once it is sent (status, report, replay, delete) lives in :mod:`interview.answers`."""
from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from flask_login import current_user, login_required

from emotion.errors import AnalysisError
from interview.extensions import db
from interview.answers.services import status_of
from interview.models import Modality, Question
from interview.recordings import live, services

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
    return jsonify(status_of(attempt) | {
        "status_url": url_for("answers.status", attempt_id=attempt.id),
        "report_url": url_for("answers.report", attempt_id=attempt.id),
    }), 201


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
