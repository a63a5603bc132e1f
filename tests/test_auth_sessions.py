"""Issue 15, finding 4: signing out ends the session on the server, so a copied cookie (the
keep-me-signed-in one too) opens nothing afterwards, nor after a password change."""
from datetime import timedelta

from flask_login.utils import encode_cookie
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from interview.extensions import db
from tests.conftest import AuthActions, csrf_token_from

BEFORE_USER_SESSIONS = "5c4c9677e0b4"


def sign_out(client):
    return client.post("/auth/logout", data={"csrf_token": csrf_token_from(client.get("/"))})


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str, name: str = "session"):
    """A fresh browser holding a copy of ``cookie``, asking for a page that needs signing in."""
    thief = app.test_client()
    thief.set_cookie(name, cookie)
    return thief.get("/auth/account")


def is_sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and "/auth/login" in response.headers["Location"]


def log_in_remembered(client):
    page = client.get("/auth/login")
    return client.post("/auth/login", data={"email": "ada@example.com", "password": "correct horse",
                                            "remember": "y", "csrf_token": csrf_token_from(page)})


# --- signing out ends the session -----------------------------------------------------------------

def test_a_copied_session_cookie_opens_nothing_after_sign_out(app, client, auth):
    auth.signup_and_login()
    copied = session_cookie(client)
    assert replay(app, copied).status_code == 200  # the copy works while the session lives
    assert sign_out(client).status_code == 302
    assert is_sent_to_sign_in(replay(app, copied))
    assert is_sent_to_sign_in(client.get("/auth/account"))


def test_a_copied_keep_me_signed_in_cookie_opens_nothing_after_sign_out(app, client, auth):
    auth.create()
    kept = log_in_remembered(client)
    assert kept.status_code == 302 and "Expires=" in kept.headers["Set-Cookie"]
    copied = session_cookie(client)
    sign_out(client)
    assert is_sent_to_sign_in(replay(app, copied))


def test_a_copied_cookie_opens_nothing_after_a_password_change(app, client, auth):
    auth.create()
    log_in_remembered(client)
    other = app.test_client()
    assert AuthActions(app, other).login().status_code == 302
    copied = session_cookie(other)
    page = client.get("/auth/account")
    client.post("/auth/password", data={"csrf_token": csrf_token_from(page), "current_password": "correct horse",
                                        "new_password": "a new password", "confirm": "a new password"})
    assert client.get("/auth/account").status_code == 200  # the browser that changed it stays in
    assert is_sent_to_sign_in(replay(app, copied))
    with app.app_context():  # the other browser's session is gone from the server too
        assert db.session.execute(text("SELECT COUNT(*) FROM user_session")).scalar_one() == 1


def test_a_flask_login_remember_cookie_signs_nobody_in(app, auth):
    """Sign-in never sets one; one a browser still holds (or forged from a leaked id) is refused."""
    user_id = auth.create()
    with app.test_request_context():
        remember_token = encode_cookie(str(user_id))
    assert is_sent_to_sign_in(replay(app, remember_token, name="remember_token"))


def test_signing_out_in_one_browser_leaves_the_others_signed_in(app, client, auth):
    auth.create()
    other = app.test_client()
    for browser in (client, other):
        assert AuthActions(app, browser).login().status_code == 302
    sign_out(client)
    assert other.get("/auth/account").status_code == 200
    assert is_sent_to_sign_in(client.get("/auth/account"))


def test_a_session_from_before_this_change_is_asked_to_sign_in_again(app, client, auth):
    auth.signup_and_login()
    with client.session_transaction() as cookie_session:
        cookie_session.pop("session_id")
    response = client.get("/auth/account")
    assert is_sent_to_sign_in(response)
    assert b"Please sign in again" in client.get(response.headers["Location"]).data


def test_an_expired_session_is_signed_out_and_its_row_dropped_at_the_next_sign_in(app, client, auth):
    from interview.auth.models import UserSession
    from interview.models import utcnow

    auth.signup_and_login()
    with app.app_context():
        db.session.execute(db.update(UserSession).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    assert is_sent_to_sign_in(client.get("/auth/account"))
    assert AuthActions(app, app.test_client()).login().status_code == 302
    with app.app_context():
        assert db.session.execute(text("SELECT COUNT(*) FROM user_session")).scalar_one() == 1


def test_deleting_the_account_deletes_its_sessions(app, client, auth):
    auth.signup_and_login()
    page = client.get("/auth/account")
    client.post("/auth/account", data={"password": "correct horse", "csrf_token": csrf_token_from(page)})
    with app.app_context():
        assert db.session.execute(text("SELECT COUNT(*) FROM user_session")).scalar_one() == 0


def test_the_user_session_migration_downgrades_and_upgrades(app, client, auth):
    auth.signup_and_login()
    with app.app_context():
        downgrade(revision=BEFORE_USER_SESSIONS)
        assert "user_session" not in inspect(db.engine).get_table_names()
        assert db.session.execute(text('SELECT COUNT(*) FROM "user"')).scalar_one() == 1
        upgrade()
        assert "user_session" in inspect(db.engine).get_table_names()
    # The session's row went with the downgrade: that browser signs in again.
    assert is_sent_to_sign_in(client.get("/auth/account"))
