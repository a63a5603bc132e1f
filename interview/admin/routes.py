"""Admin pages: who has which role, and one-time links for people who forgot their password."""
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from interview.auth import passwords
from interview.auth.decorators import role_required
from interview.extensions import db
from interview.models import Role, User

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    people = db.session.scalars(select(User).order_by(User.created_at)).all()
    return render_template("admin/users.html", users=people, roles=list(Role))


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@role_required(Role.ADMIN)
def set_role(user_id: int):
    user = db.get_or_404(User, user_id)
    role = request.form.get("role", "")
    if role not in set(Role):
        abort(400)
    if user.id == current_user.id and role != Role.ADMIN:
        flash("You cannot remove your own admin role.", "error")
        return redirect(url_for("admin.users"))
    user.role = role
    db.session.commit()
    flash(f"{user.email} is now {role}.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/reset-link", methods=["POST"])
@role_required(Role.ADMIN)
def reset_link(user_id: int):
    """Issue a one-time password-reset link to hand to the person (by any channel you trust)."""
    user = db.get_or_404(User, user_id)
    link = passwords.issue_reset_link(user)
    response = make_response(render_template("admin/reset_link.html", user=user, link=link,
                                             hours=int(passwords.LINK_LIFETIME.total_seconds() // 3600)))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
