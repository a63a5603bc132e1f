from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, jsonify, make_response, redirect, render_template, request, session,
                   url_for)
from flask_login import current_user, login_required

from flask_limiter.errors import RateLimitExceeded

from interview.auth import limits, passwords, services
from interview.auth.forms import (ChangePasswordForm, DeleteAccountForm, ForgotPasswordForm, LoginForm,
                                  ResetPasswordForm, SignupForm)
from interview.auth.sessions import end_stale_session, restamp, sign_in, sign_out
from interview.extensions import db, login_manager
from interview.models import User

bp = Blueprint("auth", __name__, url_prefix="/auth")
SIGNED_UP_EMAIL = "signed_up_email"  # fills in the sign-in form right after signing up
bp.before_app_request(end_stale_session)
bp.register_error_handler(RateLimitExceeded, limits.too_many_attempts)


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


def _safe_next_url(default: str | None = None) -> str:
    """Only follow a ``next`` that stays on this site (no open redirect)."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default or url_for("main.index")


SIGNED_UP = ("Your account is ready: sign in with {email} and the password you chose. (If that address already "
             "had an account, nothing was created: its owner has been told, and its password stays theirs.)")


@bp.route("/signup", methods=["GET", "POST"])
@limits.signup_per_address
def signup():
    """A new account, answered exactly as a taken email is (services.register): no signing in
    on the spot, the same message, then the sign-in form with the email filled in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignupForm()
    if form.validate_on_submit():
        services.register(form.email.data, form.display_name.data, form.password.data)
        flash(SIGNED_UP.format(email=form.email.data), "success")
        session[SIGNED_UP_EMAIL] = form.email.data
        # An invitation (a class's join link, a recruiter's invite) opened before signing up
        # carries on where it was going, after signing in.
        return redirect(url_for("auth.login", next=_safe_next_url(default=url_for("main.questions"))))
    return render_template("auth/signup.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limits.signin_per_account
@limits.signin_per_address
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(email=session.pop(SIGNED_UP_EMAIL, None))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            sign_in(user, remember=form.remember.data)
            return redirect(_safe_next_url())
        flash("Wrong email or password.", "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    sign_out()
    flash("You are signed out.", "info")
    return redirect(url_for("main.index"))


def _account_page(password_form=None, delete_form=None, status: int = 200):
    page = render_template("auth/account.html", password_form=password_form or ChangePasswordForm(),
                           form=delete_form or DeleteAccountForm(),
                           retention_days=current_app.config["RECORDING_RETENTION_DAYS"])
    return page, status


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.password.data):
            flash("That password is not right; nothing was deleted.", "error")
            return _account_page(delete_form=form, status=400)
        user = db.session.get(User, current_user.id)
        sign_out()
        services.delete_user(user)
        flash("Your account and all your answers are deleted.", "info")
        return redirect(url_for("main.index"))
    return _account_page(delete_form=form)


@bp.route("/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _account_page(password_form=form, status=400)
    if not current_user.check_password(form.current_password.data):
        form.current_password.errors.append("That is not your current password; nothing was changed.")
        return _account_page(password_form=form, status=400)
    passwords.change_password(current_user, form.new_password.data)
    restamp(current_user)  # this session stays signed in; every other one ends
    flash("Your password is changed. Other browsers signed in to your account are signed out.", "success")
    return redirect(url_for("auth.account", _anchor="password"))


@bp.route("/forgot", methods=["GET", "POST"])
@limits.reset_requests_per_address
def forgot_password():
    """Emails a reset link where the deployment has a mail server; otherwise says who can help.
    The answer never depends on whether the address has an account."""
    mail = passwords.mail_configured()
    form = ForgotPasswordForm()
    if mail and form.validate_on_submit():
        passwords.email_reset_link_later(form.email.data)
        return render_template("auth/forgot.html", form=form, mail=mail, sent_to=form.email.data)
    return render_template("auth/forgot.html", form=form, mail=mail), 400 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    reset, problem = passwords.find_reset(token)
    if problem is not None:
        status = 404 if problem == passwords.LinkProblem.UNKNOWN else 410
        return _no_referrer(render_template("auth/reset.html", problem=problem,
                                            mail=passwords.mail_configured()), status)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = passwords.reset_password(reset, form.new_password.data)
        if current_user.is_authenticated:
            sign_out()
        flash(f"The password of {user.email} is set. Sign in with it.", "success")
        return redirect(url_for("auth.login"))
    return _no_referrer(render_template("auth/reset.html", form=form, problem=None), 400 if form.errors else 200)


def _no_referrer(page: str, status: int):
    """The link's token is in this page's address: never send it on to another site."""
    response = make_response(page, status)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
