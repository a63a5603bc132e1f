from urllib.parse import urlsplit

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from interview.auth import services
from interview.auth.forms import DeleteAccountForm, LoginForm, SignupForm
from interview.extensions import db, login_manager
from interview.models import User

bp = Blueprint("auth", __name__, url_prefix="/auth")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


@login_manager.unauthorized_handler
def unauthorized():
    """API calls get a JSON 401; pages send the person to the sign-in form."""
    if request.path.startswith("/api/"):
        return jsonify(error="Sign in first."), 401
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


def _safe_next_url() -> str:
    """Only follow a ``next`` that stays on this site (no open redirect)."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return url_for("main.index")


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignupForm()
    if form.validate_on_submit():
        user = services.create_user(form.email.data, form.display_name.data, form.password.data)
        login_user(user)
        flash("Welcome to Poise. Pick a question to practise.", "success")
        return redirect(url_for("main.questions"))
    return render_template("auth/signup.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next_url())
        flash("Wrong email or password.", "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("main.index"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.password.data):
            flash("That password is not right; nothing was deleted.", "error")
            return render_template("auth/account.html", form=form), 400
        user = db.session.get(User, current_user.id)
        logout_user()
        services.delete_user(user)
        flash("Your account and all your answers are deleted.", "info")
        return redirect(url_for("main.index"))
    return render_template("auth/account.html", form=form)
