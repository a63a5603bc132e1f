"""Central error handlers: a readable page (or JSON for API calls), never a traceback."""
import logging

from flask import Blueprint, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from emotion.errors import ModelUnavailable
from interview.extensions import db

bp = Blueprint("errors", __name__)
log = logging.getLogger(__name__)

FRIENDLY_MESSAGES = {
    400: "The request could not be understood.",
    403: "You do not have access to that page.",
    404: "There is nothing here, or it is not yours to see.",
    405: "That action is not allowed here.",
    413: "That upload is too large.",
    429: "Too many requests; please wait a moment.",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _respond(status: int, message: str):
    if _wants_json():
        return jsonify(error=message), status
    return render_template("error.html", status=status, message=message), status


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    return _respond(400, "Your form expired or was sent from elsewhere. Reload the page and try again.")


@bp.app_errorhandler(ModelUnavailable)
def model_unavailable(error: ModelUnavailable):
    db.session.rollback()
    log.error("Model unavailable: %s", error)
    return _respond(503, "The analysis model is not available right now. Nothing was saved; "
                         "please try again later.")


@bp.app_errorhandler(413)
def too_large(error: HTTPException):
    from flask import current_app

    limit_mb = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    return _respond(413, f"That upload is too large: the limit is {limit_mb} MB.")


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    if isinstance(error, InternalServerError):
        return internal_error(error)
    status = error.code or 500
    return _respond(status, FRIENDLY_MESSAGES.get(status, error.description or "Error"))


@bp.app_errorhandler(OperationalError)
def database_unavailable(error: OperationalError):
    """The database could not be reached (a PostgreSQL restart, a network cut): 503 with a
    Retry-After, answered without touching the database again (no template that would load
    the signed-in user)."""
    try:
        db.session.rollback()
    except OperationalError:
        pass  # the connection is gone; the pool checks connections before their next use
    log.warning("Database unavailable on %s %s: %s", request.method, request.path, error.orig)
    message = "The database is unavailable for a moment. Nothing you saved is lost; try again in a few seconds."
    if _wants_json():
        response = jsonify(error=message)
    else:
        response = Response(f"<!doctype html><title>Try again shortly</title><p>{message}</p>", mimetype="text/html")
    response.status_code = 503
    response.headers["Retry-After"] = "5"
    return response


@bp.app_errorhandler(Exception)
def internal_error(error: Exception):
    db.session.rollback()
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return _respond(500, "Something went wrong on our side. Your saved answers are safe.")
