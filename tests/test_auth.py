from interview.auth import services as accounts
from interview.extensions import db
from interview.models import Attempt, Score, User
from tests.conftest import csrf_token_from, post_text_answer


def sign_up(client, email="grace@example.com", password="longenough1", path="/auth/signup", name="Grace"):
    page = client.get("/auth/signup")
    return client.post(path, data={"display_name": name, "email": email, "password": password,
                                   "confirm": password, "csrf_token": csrf_token_from(page)})


def test_signup_creates_a_candidate_who_then_signs_in(client, app):
    response = sign_up(client, email="Grace@Example.com")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login?next=/questions"
    with app.app_context():
        user = accounts.find_user_by_email("grace@example.com")
        assert user.role == "candidate"
        assert user.password_hash != "longenough1" and user.check_password("longenough1")
    login_page = client.get(response.headers["Location"]).data.decode()
    assert "Your account is ready" in login_page and 'value="Grace@Example.com"' in login_page
    signed_in = client.post("/auth/login?next=/questions", data={
        "email": "grace@example.com", "password": "longenough1", "csrf_token": csrf_token_from(client.get("/"))})
    assert signed_in.headers["Location"] == "/questions"
    assert client.get("/questions").status_code == 200


def test_signup_rejects_a_short_password(client, auth):
    page = client.get("/auth/signup")
    response = client.post("/auth/signup", data={
        "display_name": "X", "email": "new@example.com", "password": "short",
        "confirm": "short", "csrf_token": csrf_token_from(page),
    })
    assert response.status_code == 400
    assert b"at least 8" in response.data


def test_form_without_csrf_token_is_refused(client, auth):
    auth.create()
    response = client.post("/auth/login", data={"email": "ada@example.com", "password": "correct horse"})
    assert response.status_code == 400
    assert b"expired" in response.data


def test_wrong_password(client, auth):
    auth.create()
    response = auth.login(password="wrong password")
    assert response.status_code == 401
    assert b"Wrong email or password" in response.data


def test_pages_need_sign_in(client):
    for path in ("/questions", "/history", "/text/questions/1", "/text/attempts/1", "/auth/account"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], path


def test_login_does_not_redirect_off_site(client, auth):
    auth.create()
    page = client.get("/auth/login")
    response = client.post("/auth/login?next=//evil.example/steal", data={
        "email": "ada@example.com", "password": "correct horse", "csrf_token": csrf_token_from(page),
    })
    assert response.headers["Location"] == "/"


def test_session_cookie_is_httponly_and_samesite(client, auth):
    auth.create()
    response = auth.login()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_delete_account_removes_every_answer(client, auth, app, fake_model):
    user_id = auth.signup_and_login()
    assert post_text_answer(client).status_code == 302
    page = client.get("/auth/account")
    response = client.post("/auth/account", data={"password": "correct horse",
                                                  "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id) is None
        assert db.session.query(Attempt).count() == 0
        assert db.session.query(Score).count() == 0


def test_delete_account_needs_the_password(client, auth, app):
    user_id = auth.signup_and_login()
    page = client.get("/auth/account")
    response = client.post("/auth/account", data={"password": "not it at all",
                                                  "csrf_token": csrf_token_from(page)})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(User, user_id) is not None


def test_only_admins_manage_roles(client, auth, app):
    target = auth.create(email="bob@example.com", name="Bob")
    auth.signup_and_login()
    assert client.get("/admin/users").status_code == 403
    client.post("/auth/logout", data={"csrf_token": csrf_token_from(client.get("/"))})
    auth.signup_and_login(email="root@example.com", role="admin")
    page = client.get("/admin/users")
    assert page.status_code == 200
    response = client.post(f"/admin/users/{target}/role",
                           data={"role": "recruiter", "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, target).role == "recruiter"


def test_signing_up_from_an_invitation_carries_on_to_it(client):
    """A join link opened before having an account: sign in page -> create account -> sign in -> the link."""
    login_page = client.get("/auth/login?next=/join/ABCD2345").data.decode()
    assert 'href="/auth/signup?next=/join/ABCD2345"' in login_page
    response = sign_up(client, email="sam@example.com", path="/auth/signup?next=/join/ABCD2345")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login?next=/join/ABCD2345"
    signed_in = client.post(response.headers["Location"], data={
        "email": "sam@example.com", "password": "longenough1", "csrf_token": csrf_token_from(client.get("/"))})
    assert signed_in.headers["Location"] == "/join/ABCD2345"


def test_signing_up_never_follows_a_next_off_the_site(client):
    response = sign_up(client, email="sam@example.com", path="/auth/signup?next=https://evil.example.com/")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login?next=/questions"
