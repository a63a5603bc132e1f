"""Account items: changing the password, one-time reset links (CLI, admin page, email through a
real local SMTP server), sessions that end when the password changes, and notices."""
import re
from datetime import timedelta

import pytest

from interview.auth import passwords
from interview.extensions import db
from interview.models import Notice, PasswordReset, User, utcnow
from tests.conftest import AuthActions, csrf_token_from
from tests.mail_server import MailServer

RESET_LINK = re.compile(r"(?:https?://[^/\s]+)?(/auth/reset/[A-Za-z0-9_\-]+)")


def change_password(client, current, new, confirm=None):
    token = csrf_token_from(client.get("/auth/account"))
    return client.post("/auth/password", data={"csrf_token": token, "current_password": current,
                                               "new_password": new, "confirm": confirm or new})


def reset_with(client, path, new_password, confirm=None):
    page = client.get(path)
    return client.post(path, data={"csrf_token": csrf_token_from(page), "new_password": new_password,
                                   "confirm": confirm or new_password})


def password_is(app, email, password) -> bool:
    with app.app_context():
        return db.session.scalar(db.select(User).where(User.email == email)).check_password(password)


def sign_out(client):
    client.post("/auth/logout", data={"csrf_token": csrf_token_from(client.get("/"))})


# --- changing the password ----------------------------------------------------------------------

def test_change_password_needs_the_current_one_and_a_matching_long_new_one(client, auth, app):
    auth.signup_and_login()
    wrong = change_password(client, "not my password", "a new password")
    assert wrong.status_code == 400 and b"not your current password" in wrong.data
    short = change_password(client, "correct horse", "short")
    assert short.status_code == 400 and b"at least 8" in short.data
    differ = change_password(client, "correct horse", "a new password", "another password")
    assert differ.status_code == 400 and b"The two new passwords differ" in differ.data
    assert password_is(app, "ada@example.com", "correct horse")

    done = change_password(client, "correct horse", "a new password")
    assert done.status_code == 302 and done.headers["Location"].endswith("/auth/account#password")
    assert password_is(app, "ada@example.com", "a new password")
    assert client.get("/questions").status_code == 200  # this session stays signed in
    sign_out(client)
    assert auth.login(password="correct horse").status_code == 401
    assert auth.login(password="a new password").status_code == 302


def test_change_password_needs_a_csrf_token(client, auth, app):
    auth.signup_and_login()
    response = client.post("/auth/password", data={"current_password": "correct horse",
                                                   "new_password": "a new password", "confirm": "a new password"})
    assert response.status_code == 400
    assert password_is(app, "ada@example.com", "correct horse")


def test_a_password_change_signs_out_every_other_session(app, auth):
    auth.create()
    here, elsewhere = app.test_client(), app.test_client()
    for client in (here, elsewhere):
        assert AuthActions(app, client).login().status_code == 302
    assert elsewhere.get("/questions").status_code == 200
    change_password(here, "correct horse", "a new password")
    assert here.get("/questions").status_code == 200
    ended = elsewhere.get("/questions")
    assert ended.status_code == 302 and "/auth/login" in ended.headers["Location"]
    assert b"Your password was changed" in elsewhere.get(ended.headers["Location"]).data


def test_keep_me_signed_in_makes_the_session_outlive_the_browser(client, auth):
    auth.create()
    page = client.get("/auth/login")
    kept = client.post("/auth/login", data={"email": "ada@example.com", "password": "correct horse",
                                            "remember": "y", "csrf_token": csrf_token_from(page)})
    assert "Expires=" in kept.headers["Set-Cookie"] and "remember_token" not in str(kept.headers)
    sign_out(client)
    plain = auth.login()
    assert "Expires=" not in plain.headers["Set-Cookie"]


# --- reset links --------------------------------------------------------------------------------

def test_reset_through_a_link_from_the_command_line(client, auth, app, runner):
    auth.create()
    app.config["PUBLIC_URL"] = "https://poise.example.org"
    result = runner.invoke(args=["users", "reset-link", "Ada@Example.com"])
    assert result.exit_code == 0, result.output
    assert "works once, for one hour" in result.output
    path = RESET_LINK.search(result.output).group(1)
    assert f"https://poise.example.org{path}" in result.output
    form = client.get(path)
    assert form.status_code == 200 and form.headers["Referrer-Policy"] == "no-referrer"
    done = reset_with(client, path, "brand new password")
    assert done.status_code == 302 and done.headers["Location"] == "/auth/login"
    assert password_is(app, "ada@example.com", "brand new password")
    assert auth.login(password="brand new password").status_code == 302
    used = client.get(path)
    assert used.status_code == 410 and b"already used" in used.data


def test_the_command_line_refuses_an_unknown_email_and_stores_only_a_hash(auth, app, runner):
    assert runner.invoke(args=["users", "reset-link", "nobody@example.com"]).exit_code != 0
    auth.create()
    output = runner.invoke(args=["users", "reset-link", "ada@example.com"]).output
    token = RESET_LINK.search(output).group(1).rsplit("/", 1)[1]
    assert "POISE_PUBLIC_URL" in output  # no public address configured: says how to get a full link
    with app.app_context():
        stored = db.session.scalar(db.select(PasswordReset))
        assert stored.token_hash == passwords.token_hash(token) and token not in stored.token_hash
        assert timedelta(minutes=59) < stored.expires_at - stored.created_at <= timedelta(hours=1)


def test_an_admin_issues_a_reset_link_from_the_users_page(client, auth, app):
    candidate_id = auth.create()
    auth.signup_and_login(email="boss@example.com", role="admin")
    users_page = client.get("/admin/users").data.decode()
    assert f"/admin/users/{candidate_id}/reset-link" in users_page
    token = csrf_token_from(client.get("/admin/users"))
    assert client.post(f"/admin/users/{candidate_id}/reset-link").status_code == 400  # no CSRF token
    assert client.post("/admin/users/999999/reset-link", data={"csrf_token": token}).status_code == 404
    page = client.post(f"/admin/users/{candidate_id}/reset-link", data={"csrf_token": token})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    path = RESET_LINK.search(page.data.decode()).group(1)
    sign_out(client)
    assert reset_with(client, path, "chosen by ada").status_code == 302
    assert password_is(app, "ada@example.com", "chosen by ada")


def test_only_admins_issue_reset_links(client, auth, app):
    other_id = auth.create(email="bea@example.com")
    auth.signup_and_login()
    token = csrf_token_from(client.get("/"))
    assert client.post(f"/admin/users/{other_id}/reset-link", data={"csrf_token": token}).status_code == 403
    with app.app_context():
        assert db.session.query(PasswordReset).count() == 0


def issue(app, email="ada@example.com") -> str:
    with app.test_request_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        return RESET_LINK.search(passwords.issue_reset_link(user)).group(1)


def test_an_expired_link_is_refused_and_changes_nothing(client, auth, app):
    auth.create()
    path = issue(app)
    with app.app_context():
        db.session.scalar(db.select(PasswordReset)).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    page = client.get(path)
    assert page.status_code == 410 and b"expired" in page.data and b"one hour" in page.data
    token = csrf_token_from(client.get("/auth/login"))
    refused = client.post(path, data={"csrf_token": token, "new_password": "sneaky password", "confirm": "sneaky password"})
    assert refused.status_code == 410
    assert password_is(app, "ada@example.com", "correct horse")


def test_unknown_links_are_404_and_using_one_link_cancels_the_others(client, auth, app):
    auth.create()
    unknown = client.get("/auth/reset/not-a-real-token")
    assert unknown.status_code == 404 and b"not valid" in unknown.data
    first, second = issue(app), issue(app)
    assert reset_with(client, second, "second password").status_code == 302
    cancelled = client.get(first)
    assert cancelled.status_code == 410 and b"newer one was used" in cancelled.data
    assert password_is(app, "ada@example.com", "second password")


def test_a_reset_refuses_a_short_or_mismatched_password(client, auth, app):
    auth.create()
    path = issue(app)
    assert reset_with(client, path, "short").status_code == 400
    assert reset_with(client, path, "long enough one", "different one").status_code == 400
    assert client.get(path).status_code == 200  # still usable
    assert password_is(app, "ada@example.com", "correct horse")


def test_a_reset_signs_out_sessions_that_knew_the_old_password(client, auth, app):
    auth.signup_and_login()
    path = issue(app)
    other = app.test_client()
    assert reset_with(other, path, "fresh password!").status_code == 302
    assert "/auth/login" in client.get("/questions").headers["Location"]


# --- the forgot page ----------------------------------------------------------------------------

@pytest.fixture
def mail_threads(monkeypatch):
    """The forgot page emails after answering; collect its threads so a test can wait."""
    threads = []
    real = passwords.email_reset_link_later

    def recorded(email):
        threads.append(real(email))
        return threads[-1]

    monkeypatch.setattr(passwords, "email_reset_link_later", recorded)
    return threads


def ask_for_link(client, email):
    page = client.get("/auth/forgot")
    return client.post("/auth/forgot", data={"email": email, "csrf_token": csrf_token_from(page)})


def test_sign_in_page_links_to_the_forgot_page_which_without_mail_says_ask_an_admin(client, auth):
    assert b'href="/auth/forgot"' in client.get("/auth/login").data
    page = client.get("/auth/forgot")
    assert page.status_code == 200 and b"Ask your administrator" in page.data and b'name="email"' not in page.data
    auth.create()
    answer = ask_for_link(client, "ada@example.com")
    assert b"Ask your administrator" in answer.data and b"emailed" not in answer.data


def test_a_forgotten_password_is_reset_through_a_real_email(client, auth, app, mail_threads):
    auth.create()
    with MailServer() as mail:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=mail.port, PUBLIC_URL="https://poise.example.org")
        answer = ask_for_link(client, "ADA@example.com")
        assert answer.status_code == 200 and b"If an account uses" in answer.data
        for thread in mail_threads:
            thread.join(10)
    assert len(mail.messages) == 1
    message = mail.messages[0]
    assert message["To"] == "ada@example.com" and message["Subject"] == "Reset your Poise password"
    body = message.get_payload(decode=True).decode()
    assert "https://poise.example.org/auth/reset/" in body and "within one hour" in body
    path = RESET_LINK.search(body).group(1)
    assert reset_with(client, path, "from my inbox").status_code == 302
    assert password_is(app, "ada@example.com", "from my inbox")


def test_the_forgot_page_answers_the_same_whether_or_not_the_account_exists(client, auth, app, mail_threads):
    auth.create()
    with MailServer() as mail:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=mail.port)
        unknown = ask_for_link(client, "nobody@example.com")
        known = ask_for_link(client, "ada@example.com")
        for thread in mail_threads:
            thread.join(10)

    def without_secrets(response, email):
        html = response.data.decode().replace(email, "EMAIL")
        return re.sub(r'content="[^"]+"', "", html)  # the page's CSRF token differs each time

    assert unknown.status_code == known.status_code == 200
    assert without_secrets(unknown, "nobody@example.com") == without_secrets(known, "ada@example.com")
    assert [message["To"] for message in mail.messages] == ["ada@example.com"]


def test_the_forgot_page_sends_at_most_three_links_an_hour(client, auth, app, mail_threads):
    auth.create()
    with MailServer() as mail:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=mail.port)
        for _ in range(4):
            assert ask_for_link(client, "ada@example.com").status_code == 200
            mail_threads[-1].join(10)
    assert len(mail.messages) == 3


# --- notices ------------------------------------------------------------------------------------

def leave_notices(app, user_id, *messages, link=None):
    with app.app_context():
        for index, message in enumerate(messages):
            db.session.add(Notice(user_id=user_id, message=message, link=link,
                                  created_at=utcnow() - timedelta(minutes=len(messages) - index)))
        db.session.commit()


def test_notices_page_lists_newest_first_marks_them_read_and_clears_the_badge(client, auth, app):
    user_id = auth.signup_and_login()
    other_id = auth.create(email="bea@example.com")
    leave_notices(app, user_id, "Older news.", "New feedback on your answer.", link="/attempts/1/report")
    leave_notices(app, user_id, "Beware.", link="https://evil.example.com/")
    leave_notices(app, other_id, "Bea's private notice.")
    header = client.get("/questions").data.decode()
    assert 'id="unread-count"' in header and re.search(r'id="unread-count"[^>]*>3<', header)

    page = client.get("/notices").data.decode()
    assert page.index("Beware.") < page.index("New feedback") < page.index("Older news.")
    assert '<a href="/attempts/1/report">New feedback on your answer.</a>' in page
    assert "https://evil.example.com" not in page
    assert "Bea&#39;s private notice" not in page and "Bea's private notice" not in page
    assert page.count("New:") == 3
    again = client.get("/notices").data.decode()
    assert "New:" not in again and 'id="unread-count"' not in again
    with app.app_context():
        assert db.session.query(Notice).filter(Notice.user_id == other_id, Notice.read_at.is_(None)).count() == 1


def test_notices_page_without_notices_and_sign_in(client, auth):
    assert "/auth/login" in client.get("/notices").headers["Location"]
    auth.signup_and_login()
    page = client.get("/notices")
    assert page.status_code == 200 and b'id="no-notices"' in page.data
    assert b'id="nav-notices"' in page.data and b'id="unread-count"' not in page.data


def test_a_notice_is_removed_by_its_owner_only(client, auth, app):
    owner_id = auth.create(email="bea@example.com")
    leave_notices(app, owner_id, "Bea's notice.")
    user_id = auth.signup_and_login()
    leave_notices(app, user_id, "Ada's notice.")
    with app.app_context():
        theirs = db.session.scalar(db.select(Notice.id).where(Notice.user_id == owner_id))
        mine = db.session.scalar(db.select(Notice.id).where(Notice.user_id == user_id))
    token = csrf_token_from(client.get("/notices"))
    assert client.post(f"/notices/{theirs}/delete", data={"csrf_token": token}).status_code == 404
    assert client.post("/notices/999999/delete", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/notices/{mine}/delete").status_code == 400  # no CSRF token
    assert client.post(f"/notices/{mine}/delete", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert [n.message for n in db.session.scalars(db.select(Notice))] == ["Bea's notice."]


def test_a_password_change_leaves_a_notice(client, auth, app):
    auth.signup_and_login()
    change_password(client, "correct horse", "a new password")
    assert b"Your password was changed" in client.get("/notices").data
