"""Rate limits on the forms that can guess passwords or probe for accounts.

Sign-in counts failed attempts only (a success costs nothing), per account (the email typed,
known or not, so the limit itself says nothing about which emails exist) and per client
address; once either is reached the form is refused with 429, the right password included,
until the window has moved on. Sign-up and "forgot your password?" are limited per address.
The limits are settings (``SIGNIN_LIMIT_PER_ACCOUNT`` and the others, read at each request);
the counts live in this process, or in ``RATELIMIT_STORAGE_URI`` (Redis) shared by every
worker and machine.
"""
import hashlib

from flask import current_app, make_response, render_template, request
from flask_limiter.errors import RateLimitExceeded

from interview.auth.services import normalise_email
from interview.extensions import limiter

PAUSED_ACCOUNT = ("Too many wrong passwords for this email address. Signing in with it is paused for a while "
                  "to stop password guessing; the right password will work again after the pause.")
BUSY_ADDRESS = ("Too many failed sign-ins from your network. Sign-in from it is paused for a while "
                "to stop password guessing.")
SIGNUPS_FROM_ADDRESS = "Too many new accounts from your network. Please wait a while before creating another."
RESET_REQUESTS = "Too many reset requests from your network. Please wait a while before asking again."


def _setting(name: str):
    return lambda: current_app.config[name]


def account_key() -> str:
    """The account a sign-in is aimed at, hashed so that the counts' store holds no emails."""
    email = normalise_email(request.form.get("email", ""))[:254]
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def _failed_sign_in(response) -> bool:
    return response.status_code == 401


def _account_created(response) -> bool:
    return response.status_code == 302


signin_per_account = limiter.limit(_setting("SIGNIN_LIMIT_PER_ACCOUNT"), key_func=account_key, methods=["POST"],
                                   deduct_when=_failed_sign_in, error_message=PAUSED_ACCOUNT)
signin_per_address = limiter.limit(_setting("SIGNIN_LIMIT_PER_ADDRESS"), methods=["POST"],
                                   deduct_when=_failed_sign_in, error_message=BUSY_ADDRESS)
signup_per_address = limiter.limit(_setting("SIGNUP_LIMIT_PER_ADDRESS"), methods=["POST"],
                                   deduct_when=_account_created, error_message=SIGNUPS_FROM_ADDRESS)
reset_requests_per_address = limiter.limit(_setting("FORGOT_LIMIT_PER_ADDRESS"), methods=["POST"],
                                           error_message=RESET_REQUESTS)


def too_many_attempts(error: RateLimitExceeded):
    """The 429 page: what was paused, and for at most how long (also as Retry-After)."""
    seconds = error.limit.limit.get_expiry()
    page = render_template("auth/rate_limited.html", message=error.description,
                           minutes=max(1, round(seconds / 60)))
    response = make_response(page, 429)
    response.headers["Retry-After"] = str(seconds)
    return response
