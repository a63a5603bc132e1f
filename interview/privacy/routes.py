"""The candidate's privacy pages: consent before recording, their emotion-readings switch,
keeping a recording past the retention period, and downloading all their data."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from interview.answers.services import owned_attempt_or_404
from interview.models import utcnow
from interview.privacy import export, readings, retention
from interview.privacy.consent import DEVICES, give_consent, missing_consent

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


def _safe_next(target: str, default: str) -> str:
    parts = urlsplit(target or "")
    if target and target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


@bp.route("/consent/<modality>", methods=["GET", "POST"])
@login_required
def consent(modality: str):
    if modality not in DEVICES:
        abort(404)
    next_url = _safe_next(request.values.get("next", ""), url_for("main.questions"))
    if request.method == "POST":  # CSRFProtect has checked the token
        give_consent(current_user, modality)
        return redirect(next_url)
    return render_template("privacy/consent.html", modality=modality, devices=DEVICES[modality],
                           missing=missing_consent(current_user, modality), next_url=next_url,
                           retention_days=current_app.config["RECORDING_RETENTION_DAYS"])


@bp.route("/emotion-readings", methods=["POST"])
@login_required
def emotion_readings():
    """The user's own switch; the form sends enabled=1 or enabled=0."""
    enabled = request.form.get("enabled")
    if enabled not in ("0", "1"):
        abort(400)
    readings.set_emotion_readings(current_user, enabled == "1")
    if enabled == "1":
        flash("Emotion readings are on: new recordings are read for emotions, and your reports show them.", "success")
    else:
        flash("Emotion readings are off: new recordings are not read for emotions, and no report shows "
              "an emotion reading of yours. Delivery measures and written feedback remain.", "success")
    return redirect(url_for("auth.account", _anchor="emotion-readings"))


@bp.route("/attempts/<int:attempt_id>/keep-recording", methods=["POST"])
@login_required
def keep_recording(attempt_id: int):
    """Keep this recording past the retention period (keep=1), or let it go (keep=0)."""
    attempt = owned_attempt_or_404(attempt_id, current_user.id)
    keep = request.form.get("keep")
    if keep not in ("0", "1") or not attempt.recording_path:
        abort(400)
    retention.set_keep_recording(attempt, keep == "1")
    if keep == "1":
        flash("This recording is kept until you delete the answer.", "success")
    else:
        due = retention.deletion_due_on(attempt)
        when = f"on {due:%Y-%m-%d}" if due > utcnow() else "at the next daily clean-up"
        flash(f"This recording is no longer kept: it will be deleted {when}.", "info")
    return redirect(url_for("answers.report", attempt_id=attempt.id, _anchor="replay"))


@bp.route("/my-data.zip")
@login_required
def download():
    """Every answer, score, comment and recording of the signed-in user, in one zip."""
    archive = export.build_archive(current_user, current_app.config["RECORDING_RETENTION_DAYS"])
    name = f"poise-my-data-{utcnow():%Y-%m-%d}.zip"
    response = send_file(archive, mimetype="application/zip", as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response
