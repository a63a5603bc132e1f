"""The candidate's sharing pages: every share they made, making one, and revoking one."""
from flask import flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from interview.sharing import services
from interview.sharing.blueprint import bp
from interview.sharing.forms import LATEST, AnswersShareForm, ConfirmForm, profile_form


@bp.route("/sharing")
@login_required
def overview():
    """What the candidate shares, with whom, until when, and who viewed it when."""
    return render_template("sharing/overview.html", shares=services.overview(current_user), form=ConfirmForm())


@bp.route("/sharing/answers/new", methods=["GET", "POST"])
@login_required
def new_answers_share():
    attempts = services.shareable_attempts(current_user)
    form = AnswersShareForm(owner_email=current_user.email)
    form.attempts.choices = [SelectChoice(str(a.id), services.attempt_label(a)) for a in attempts]
    if form.validate_on_submit():
        created = services.share_answers(current_user, form.attempts.data, form.recipient_email(),
                                         form.link_days())
        return _shared(created)
    return render_template("sharing/new_answers.html", form=form, attempts=attempts), 400 if form.errors else 200


@bp.route("/sharing/profile/new", methods=["GET", "POST"])
@login_required
def new_profile_share():
    groups = services.profile_groups(current_user)
    form = profile_form(groups, owner_email=current_user.email)
    if form.validate_on_submit():
        pinned = [int(field.data) for field in form.pin_fields if field.data != LATEST]
        created = services.share_profile(current_user, pinned, form.recipient_email(), form.link_days())
        return _shared(created)
    return render_template("sharing/new_profile.html", form=form, groups=groups), 400 if form.errors else 200


def _shared(created: services.NewShare):
    """A share by email goes back to the overview; a link is shown once, on a page no cache keeps."""
    share = created.share
    if created.link_token is None:
        flash(f"Shared with {share.recipient_email}. They see it when signed in to Poise with a recruiter "
              f"account for that address{' (they were emailed too)' if created.emailed else ''}. "
              "You can revoke it at any time.", "success")
        return redirect(url_for("sharing.overview"))
    link = url_for("sharing.link_home", token=created.link_token, _external=True)
    response = make_response(render_template("sharing/link_created.html", share=share, link=link))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/sharing/<int:share_id>/revoke", methods=["POST"])
@login_required
def revoke(share_id: int):
    share = services.owned_share_or_404(share_id, current_user)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.revoke(share)
        flash("Revoked: no one can open that share any more.", "success")
    return redirect(url_for("sharing.overview"))
