"""Issue 15, finding 3: sign-in is rate-limited per account and per address, sign-up and reset
requests per address, and neither sign-in nor sign-up tells anyone which emails have accounts."""
import shutil
import socket
import subprocess
import time

import pytest
from flask_migrate import upgrade

from interview.extensions import db
from tests.test_auth_sessions import is_sent_to_sign_in, sign_out
from tests.conftest import AuthActions, csrf_token_from


# --- rate limits ------------------------------------------------------------------------------------

def log_in(client, email="ada@example.com", password="correct horse"):
    return AuthActions(None, client).login(email, password)


def test_five_wrong_passwords_pause_the_account_the_right_one_included(app, client, auth):
    auth.create()
    auth.create(email="bob@example.com", name="Bob")
    for _ in range(5):
        assert log_in(client, password="a wrong guess").status_code == 401
    paused = log_in(client)  # the right password, at once after the guesses
    assert paused.status_code == 429 and b"Too many wrong passwords" in paused.data
    assert int(paused.headers["Retry-After"]) == 15 * 60
    assert b"<html" in paused.data.lower()  # the page, not a bare error
    assert log_in(client, email="ADA@example.com ").status_code == 429  # the same account, typed differently
    assert log_in(client, email="bob@example.com").status_code == 302  # other accounts are not paused


def test_a_success_costs_nothing(app, client, auth):
    auth.create()
    for _ in range(8):
        assert log_in(client).status_code == 302
        sign_out(client)
    for _ in range(4):
        assert log_in(client, password="a typo").status_code == 401
    assert log_in(client).status_code == 302


def test_unknown_emails_are_paused_like_known_ones(app, client, auth):
    for _ in range(5):
        assert log_in(client, email="nobody@example.com").status_code == 401
    assert log_in(client, email="nobody@example.com").status_code == 429


def test_failed_sign_ins_are_limited_per_address(app, client, auth):
    app.config["SIGNIN_LIMIT_PER_ADDRESS"] = "3 per 15 minutes"
    auth.create()
    for i in range(3):
        assert log_in(client, email=f"guess{i}@example.com").status_code == 401
    refused = log_in(client)
    assert refused.status_code == 429 and b"from your network" in refused.data
    elsewhere = app.test_client()
    page = elsewhere.get("/auth/login")
    assert elsewhere.post("/auth/login", environ_base={"REMOTE_ADDR": "10.0.0.9"}, data={
        "email": "ada@example.com", "password": "correct horse", "csrf_token": csrf_token_from(page)}).status_code == 302


def test_sign_ups_are_limited_per_address(app, client):
    app.config["SIGNUP_LIMIT_PER_ADDRESS"] = "2 per hour"
    for i in range(2):
        assert sign_up(client, f"new{i}@example.com").status_code == 302
    refused = sign_up(client, "new2@example.com")
    assert refused.status_code == 429 and b"Too many new accounts" in refused.data


def test_reset_requests_are_limited_per_address(app, client, monkeypatch):
    from interview.auth import passwords

    app.config.update(SMTP_HOST="127.0.0.1", FORGOT_LIMIT_PER_ADDRESS="2 per hour")
    monkeypatch.setattr(passwords, "email_reset_link_later", lambda email: None)
    for _ in range(2):
        assert ask_for_reset(client).status_code == 200
    refused = ask_for_reset(client)
    assert refused.status_code == 429 and b"Too many reset requests" in refused.data


def test_limits_can_be_switched_off(tmp_path, monkeypatch):
    from app import create_app

    monkeypatch.setenv("POISE_RATELIMIT", "0")
    assert create_app({"INSTANCE_PATH": str(tmp_path)}).config["RATELIMIT_ENABLED"] is False
    monkeypatch.setenv("POISE_RATELIMIT_STORAGE_URL", "redis://cache.example:6379/1")
    assert create_app({"INSTANCE_PATH": str(tmp_path)}).config["RATELIMIT_STORAGE_URI"] == "redis://cache.example:6379/1"


@pytest.fixture
def redis_url(tmp_path):
    """A real Redis server of our own on a free port, gone after the test."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (scripts/setup.sh --dev installs it)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            with socket.socket() as attempt:
                if attempt.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


def worker_app(tmp_path, name, storage):
    """One serving process's app, as a gunicorn worker builds it, on a shared database."""
    from app import create_app

    return create_app({"INSTANCE_PATH": str(tmp_path / name), "TESTING": True, "SECRET_KEY": "test-secret",
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
                       "RECORDINGS_DIR": str(tmp_path / "recordings"), "JOBS_ENABLED": False,
                       "RATELIMIT_STORAGE_URI": storage})


@pytest.mark.parametrize("storage", ["memory", "redis"])
def test_with_redis_the_counts_hold_in_every_worker(tmp_path, request, storage):
    """Guesses sent to one worker pause the account in a worker started afterwards, when the
    counts are in Redis; in memory each process counts on its own."""
    uri = request.getfixturevalue("redis_url") if storage == "redis" else "memory://"
    first = worker_app(tmp_path, "first", uri)
    with first.app_context():
        upgrade()
        AuthActions(first, None).create()
    for _ in range(5):
        assert log_in(first.test_client(), password="a wrong guess").status_code == 401
    second = worker_app(tmp_path, "second", uri)
    expected = 429 if storage == "redis" else 302
    assert log_in(second.test_client()).status_code == expected
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()


def test_with_redis_down_each_worker_still_counts_on_its_own(tmp_path):
    app = worker_app(tmp_path, "alone", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    with app.app_context():
        upgrade()
        AuthActions(app, None).create()
    client = app.test_client()
    for _ in range(5):
        assert log_in(client, password="a wrong guess").status_code == 401
    assert log_in(client).status_code == 429
    with app.app_context():
        db.engine.dispose()


def sign_up(client, email, password="a good password", name="Someone"):
    page = client.get("/auth/signup")
    return client.post("/auth/signup", data={"display_name": name, "email": email, "password": password,
                                             "confirm": password, "csrf_token": csrf_token_from(page)})


def ask_for_reset(client, email="ada@example.com"):
    page = client.get("/auth/forgot")
    return client.post("/auth/forgot", data={"email": email, "csrf_token": csrf_token_from(page)})


# --- the same answer whether or not an email has an account -----------------------------------------

def test_an_unknown_email_costs_one_password_check_of_the_same_method(app, auth, monkeypatch):
    from interview.auth import services
    from interview.models import User

    checked = []
    real_check = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda hashed, password: checked.append(hashed)
                        or real_check(hashed, password))
    auth.create()
    with app.app_context():
        assert services.authenticate("nobody@example.com", "whatever it is") is None
        method_of_users = db.session.scalar(db.select(User.password_hash)).split("$")[0]
    assert len(checked) == 1 and checked[0].split("$")[0] == method_of_users


def test_wrong_password_and_unknown_email_get_the_same_answer(client, auth):
    auth.create()
    known, unknown = log_in(client, password="a wrong guess"), log_in(client, email="nobody@example.com")
    assert known.status_code == unknown.status_code == 401
    assert b"Wrong email or password" in known.data and b"Wrong email or password" in unknown.data


def test_signing_up_with_a_taken_email_answers_like_a_new_one_and_tells_the_owner(app, client, auth):
    from interview.models import Notice, User

    auth.create()
    taken, new = sign_up(client, "ada@example.com"), sign_up(app.test_client(), "new@example.com")
    assert taken.status_code == new.status_code == 302
    assert taken.headers["Location"] == new.headers["Location"]
    taken_page = client.get(taken.headers["Location"]).data.decode()
    assert "already exists" not in taken_page and "Your account is ready" in taken_page
    assert is_sent_to_sign_in(client.get("/auth/account"))  # nobody was signed in
    with app.app_context():
        ada = db.session.scalar(db.select(User).where(User.email == "ada@example.com"))
        assert ada.check_password("correct horse") and ada.display_name == "Ada"
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 2
        notices = db.session.scalars(db.select(Notice.message).where(Notice.user_id == ada.id)).all()
        assert any("tried to create a Poise account with your email" in message for message in notices)
