"""Security headers (issue 15, finding 5): a strict CSP on every response, framing refused,
no sniffing, a referrer policy, HSTS only behind TLS, and the camera and microphone allowed
only on the pages that record."""
import re
from pathlib import Path

import pytest

from app import create_app
from tests.conftest import give_recording_consent

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def assert_secured(response):
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("strict-origin-when-cross-origin", "no-referrer")
    assert "camera=()" in headers["Permissions-Policy"] and "microphone=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers  # plain HTTP, no secure cookies


def test_pages_carry_the_headers(client, auth):
    assert_secured(client.get("/"))
    auth.signup_and_login()
    assert_secured(client.get("/history"))


def test_json_answers_carry_the_headers(client, auth):
    auth.signup_and_login()
    response = client.get("/api/attempts/12345")
    assert response.is_json or response.status_code == 404
    assert_secured(response)
    assert_secured(client.post("/api/attempts", data={}))


def test_a_missing_page_carries_the_headers(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert_secured(response)


def test_a_stricter_referrer_policy_set_by_a_view_is_kept(client):
    response = client.get("/reset/not-a-real-token")
    if response.status_code != 404:
        assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("modality", ["video", "audio"])
def test_only_the_recording_pages_may_use_camera_and_microphone(client, auth, modality):
    auth.signup_and_login()
    give_recording_consent(client, modality)
    response = client.get(f"/record/{modality}/1")
    assert response.status_code == 200
    policy = response.headers["Permissions-Policy"]
    assert "camera=(self)" in policy and "microphone=(self)" in policy
    assert "camera=()" in client.get("/questions").headers["Permissions-Policy"]


def test_hsts_only_behind_tls(app, client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_hsts_with_secure_cookies(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True, "SESSION_COOKIE_SECURE": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}", "JOBS_ENABLED": False})
    assert "Strict-Transport-Security" in app.test_client().get("/vendor/none").headers


def test_behind_a_proxy_the_forwarded_scheme_is_trusted_once(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True, "BEHIND_PROXY": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}", "JOBS_ENABLED": False})
    response = app.test_client().get("/vendor/none", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers
    plain = create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True, "JOBS_ENABLED": False,
                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert "Strict-Transport-Security" not in plain.test_client().get(
        "/vendor/none", headers={"X-Forwarded-Proto": "https"}).headers


def test_no_template_has_inline_event_handlers_or_scripts():
    handler = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert not handler.search(text), template
        assert not inline_script.search(text), template


# --- In a real Chromium: the policy blocks nothing the pages need (charts, recorder, replay). ---

CSP_WATCH = """window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));"""


@pytest.mark.browser
@pytest.mark.slow
def test_pages_draw_their_charts_under_the_policy(tmp_path_factory):
    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, make_live_server, sign_up
    from tests.test_reports import add_recorded_attempt

    playwright_api = pytest.importorskip("playwright.sync_api")
    server = make_live_server(tmp_path_factory.mktemp("csp"))
    live = next(server)
    try:
        with playwright_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page, user_id = sign_up(chromium, live, "csp@example.com")
            page.add_init_script(CSP_WATCH)
            report = add_recorded_attempt(live.app, user_id, "audio", 1)
            add_recorded_attempt(live.app, user_id, "video", 1)
            for path, drawn in ((f"/attempts/{report}/report", ".main-svg"), ("/history", "#trend-audio .main-svg")):
                page.goto(live.url + path)
                page.wait_for_selector(drawn)
                assert page.evaluate("window.__cspViolations") == [], path
            page.goto(live.url + "/privacy/consent/video?next=/record/video/1")
            page.click("main button[type=submit]")
            page.goto(live.url + "/record/video/1")
            page.wait_for_selector("#recorder")
            assert page.evaluate("window.__cspViolations") == [], "/record/video/1"
            chromium.close()
    finally:
        next(server, None)
