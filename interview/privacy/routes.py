"""The candidate's privacy pages."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

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
