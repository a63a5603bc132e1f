"""The classes feature's one blueprint. Its views live in three modules, by who uses them:
routes (students: sessions, joining, leaving), instructor_routes (a class, its dashboard,
figures and export) and set_routes / session_routes (question sets and the sessions made from
them); ``interview.classes.routes`` imports the others so that registering it registers all."""
from flask import Blueprint, current_app, url_for

bp = Blueprint("classes", __name__)


def served_url(endpoint: str, **values) -> str | None:
    """A sibling feature's page (the feedback feature's rubric, the sharing feature's
    invitations) where this build serves it, else None: these pages never break without it."""
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None
