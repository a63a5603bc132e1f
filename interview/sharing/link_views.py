"""Pages opened with a share link, by anyone who holds a live one, signed in or not: the shared
answers read-only, their reports without owner controls, and their replays. A link that does
not exist, expired or was revoked answers 404 and says nothing more. Each page view is logged
for the candidate."""
from flask import abort, render_template, url_for
from flask_login import current_user

from interview.access import Viewer
from interview.answers import reports
from interview.answers.services import recording_response
from interview.models import AttemptStatus, Modality
from interview.sharing.blueprint import bp
from interview.sharing.selection import live_link_share, record_link_view, share_attempts, shared_attempt

# Nothing opened with a token is cached, indexed, or sends the token on in a Referer header.
PRIVATE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


def _live_share_or_404(token: str):
    share = live_link_share(token)
    if share is None:
        abort(404)
    return share


def _viewer():
    return current_user if current_user.is_authenticated else None


@bp.route("/shared/<token>")
def link_home(token: str):
    share = _live_share_or_404(token)
    record_link_view(share, _viewer())
    page = render_template("sharing/link_home.html", share=share, token=token, attempts=share_attempts(share))
    return page, 200, PRIVATE_HEADERS


@bp.route("/shared/<token>/answers/<int:attempt_id>")
def link_report(token: str, attempt_id: int):
    """The answer's report as a recruiter sees it: no attempts of the owner's, no answer-again
    controls; the replay plays through the link's own recording route."""
    share = _live_share_or_404(token)
    attempt = shared_attempt(share, attempt_id)
    if attempt is None or attempt.status != AttemptStatus.COMPLETE:
        abort(404)
    record_link_view(share, _viewer())
    context = {"viewer": Viewer.RECRUITER, "shared_link_home": url_for("sharing.link_home", token=token)}
    if attempt.modality == Modality.TEXT:
        page = render_template("answers/text_report.html", report=reports.build_text_report(attempt), **context)
    else:
        page = render_template(f"answers/{attempt.modality}_report.html", **context,
                               report=reports.build_recorded_report(attempt),
                               recording_url=url_for("sharing.link_recording", token=token, attempt_id=attempt.id))
    return page, 200, PRIVATE_HEADERS


@bp.route("/shared/<token>/answers/<int:attempt_id>/recording")
def link_recording(token: str, attempt_id: int):
    attempt = shared_attempt(_live_share_or_404(token), attempt_id)
    if attempt is None:
        abort(404)
    response = recording_response(attempt)
    response.headers.update(PRIVATE_HEADERS)
    return response
