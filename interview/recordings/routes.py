"""Recorded interviews: the recording pages, uploads and the live overlay. Everything about
one answer once it is sent (status, report, replay, delete) lives in :mod:`interview.answers`."""
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from emotion.errors import AnalysisError
from interview.extensions import db
from interview.answers.services import status_of
from interview.classes.assignments import SessionRefusal, may_answer_outside_sessions, requested_item
from interview.privacy.consent import consent_page_if_needed
from interview.models import Modality, Question
from interview.models.core import MAX_ID
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
    consent = consent_page_if_needed(current_user, modality, request.full_path)
    if consent is not None:
        return consent
    try:
        item = requested_item(current_user, request.args.get("session_item"), modality, question.id)
    except SessionRefusal as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("main.index"))
    if item is None and not may_answer_outside_sessions(current_user, question):
        abort(404)
    limit = item.time_limit_seconds if item else question.time_limit_seconds
    return render_template(f"recordings/{modality}.html", question=question, modality=modality,
                           session_item=item, limit_seconds=limit)


@bp.route("/api/attempts", methods=["POST"])
@login_required
def upload():
    _require_emotion_features()
    modality = request.form.get("modality", "")
    question_id = request.form.get("question_id", type=int) or 0
    question = db.session.get(Question, question_id) if 0 < question_id <= MAX_ID else None
    upload_file = request.files.get("recording")
    if modality not in RECORDED or question is None or upload_file is None:
        return jsonify(error="Send a recording, its modality (audio or video) and a question."), 400
    try:
        item = requested_item(current_user, request.form.get("session_item_id"), modality, question.id)
        if item is None and not may_answer_outside_sessions(current_user, question):
            abort(404)
        attempt = services.accept_recording(current_user, question, modality, upload_file, item)
    except SessionRefusal as refusal:
        return jsonify(error=str(refusal)), 409
    except AnalysisError as error:
        return jsonify(error=str(error)), 422
    urls = {"status_url": url_for("answers.status", attempt_id=attempt.id),
            "report_url": url_for("answers.report", attempt_id=attempt.id)}
    if item is not None:  # a session goes on to its next question without waiting for analysis
        urls["continue_url"] = url_for("classes.session", session_id=item.session_id)
    return jsonify(status_of(attempt) | urls), 201


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
