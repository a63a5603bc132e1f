"""The recruiter's pages: candidates who share with them, one candidate's shared answers,
candidates side by side on a question, and invitations to practise their own sessions; plus the
page an invited candidate opens. Every page about one thing answers 404 to anyone it is not
for, so not even its existence shows."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from interview.auth.decorators import role_required
from interview.models import Modality, Role
from interview.sharing import invites
from interview.sharing.blueprint import bp
from interview.sharing.compare import MIN_CANDIDATES, build_comparison
from interview.sharing.forms import ConfirmForm, InviteForm, MAX_INVITES_AT_ONCE
from interview.sharing.recruiter import (comparable_questions, comparison_entries, shared_candidate_or_404,
                                         shared_candidates)


@bp.app_template_global()
def url_if_served(endpoint: str, **values) -> str | None:
    """A link to another feature's page (question sets, a session's settings) where this build
    serves it, else None: these pages never break for want of a sibling feature."""
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None


def _recruiter_or_404() -> None:
    if current_user.role != Role.RECRUITER:
        abort(404)


@bp.route("/recruiter")
@role_required(Role.RECRUITER)
def recruiter_home():
    candidates = shared_candidates(current_user)
    return render_template("sharing/recruiter_home.html", candidates=candidates,
                           questions=comparable_questions(candidates), sessions=invites.recruiter_sessions(current_user))


@bp.route("/recruiter/candidates/<int:user_id>")
@login_required
def shared_candidate(user_id: int):
    _recruiter_or_404()
    return render_template("sharing/candidate.html", candidate=shared_candidate_or_404(current_user, user_id))


@bp.route("/recruiter/compare")
@login_required
def compare():
    """?question_id=Q&modality=M[&candidate=ID...]: the chosen candidates (all who shared an
    answer to it when none is chosen) side by side; without a question, the questions to pick."""
    _recruiter_or_404()
    question_id = request.args.get("question_id", type=int)
    modality = request.args.get("modality", "")
    if question_id is None:
        candidates = shared_candidates(current_user)
        return render_template("sharing/compare_pick.html", questions=comparable_questions(candidates))
    if modality not in set(Modality):
        abort(404)
    question, entries = comparison_entries(current_user, question_id, modality,
                                           request.args.getlist("candidate", type=int))
    return render_template("sharing/compare.html", comparison=build_comparison(question, modality, entries),
                           min_candidates=MIN_CANDIDATES)


@bp.route("/recruiter/sessions")
@role_required(Role.RECRUITER)
def recruiter_sessions():
    sessions = invites.recruiter_sessions(current_user)
    return render_template("sharing/sessions.html", sessions=sessions, invited=invites.invite_counts(sessions))


@bp.route("/recruiter/sessions/<int:session_id>", methods=["GET", "POST"])
@login_required
def recruiter_session(session_id: int):
    """A session's questions, its invitations and their status; posting invites more people.
    The links are shown once, on the answer to the post, for a deployment that sends no email."""
    session = invites.recruiter_session_or_404(current_user, session_id)
    form = InviteForm()
    sent, already, invalid = [], [], []
    if form.validate_on_submit():
        emails, invalid = invites.split_emails(form.emails.data)
        if len(emails) > MAX_INVITES_AT_ONCE:
            form.emails.errors.append(f"Invite at most {MAX_INVITES_AT_ONCE} people at once.")
        elif emails:
            sent, already = invites.invite(session, current_user, emails)
            form = InviteForm(formdata=None) if not invalid else form
        elif not invalid:
            form.emails.errors.append("Enter at least one email address.")
    status = 400 if form.errors or invalid else 200
    page = render_template("sharing/session.html", session=session, form=form, confirm=ConfirmForm(),
                           statuses=invites.invite_statuses(session), sent=sent, already=already,
                           invalid=invalid, mail_on=invites.mail_is_set_up())
    return page, status, {"Cache-Control": "no-store"} if sent else {}


@bp.route("/recruiter/sessions/<int:session_id>/invites/<int:invite_id>/withdraw", methods=["POST"])
@login_required
def withdraw_invite(session_id: int, invite_id: int):
    session = invites.recruiter_session_or_404(current_user, session_id)
    item = invites.pending_invite_or_404(session, invite_id)
    if ConfirmForm().validate_on_submit():
        invites.withdraw(item)
        flash(f"The invitation to {item.email} is withdrawn: its link no longer works.", "success")
    return redirect(url_for("sharing.recruiter_session", session_id=session.id))


@bp.route("/invites/<token>")
@login_required
def accept_invite(token: str):
    """Opening the link, signed in to the account with the invited address, accepts it."""
    session = invites.accept(token, current_user)
    owner = invites.session_owner(session)
    flash(f"You joined “{session.title}” from {owner.display_name}. They see whether you answered, not your "
          "answers: those reach them only if you share them (Sharing).", "success")
    return redirect(url_for("classes.session", session_id=session.id))
