"""A real person's path, in a real Chromium: sign up, answer in writing, upload a PDF, read.

Runs the real committed personality model behind a live server on 127.0.0.1.
"""
import csv
import shutil
import threading

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from interview.questions import seed_question_bank
from tests.conftest import FIXTURES
from tests.pdf_factory import text_pdf

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def fixture_essays() -> list[str]:
    with open(FIXTURES / "text" / "essays_sample.csv", newline="", encoding="utf-8") as handle:
        return [row["TEXT"] for row in csv.DictReader(handle)]


def make_live_server(root, jobs=False):
    """The real app on 127.0.0.1 in a thread, with a fresh database (a generator: yields the URL)."""
    app = create_app({
        "INSTANCE_PATH": str(root / "instance"),
        "SECRET_KEY": "browser-test",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'live.sqlite3'}",
        "JOBS_ENABLED": jobs,
    })
    with app.app_context():
        upgrade()
        seed_question_bank()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.extensions["job_worker"].stop()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    yield from make_live_server(tmp_path_factory.mktemp("live"))


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_sign_up_answer_in_text_and_pdf_and_read_the_reports(live_server, browser, tmp_path):
    page = browser.new_page()
    page.set_default_timeout(60_000)  # the first answer loads the model
    page.goto(live_server + "/")
    page.click("text=Create a free account")
    page.fill("#display_name", "Browser Candidate")
    page.fill("#email", "browser@example.com")
    page.fill("#password", "a good password")
    page.fill("#confirm", "a good password")
    page.click("#submit")
    assert page.url.endswith("/questions")

    # A typed answer.
    page.click("li:has-text('Tell me about yourself.') >> text=Answer in writing")
    page.wait_for_load_state("load")  # the live word count's script is in place
    essay = fixture_essays()[0]
    page.fill("#answer", essay)
    page.wait_for_function("parseInt(document.getElementById('word-count').textContent) > 50")
    page.click("#submit")
    page.wait_for_url("**/attempts/*/report")
    traits = page.locator("tr.trait")
    assert traits.count() == 5
    scores = [float(traits.nth(i).locator("td.score").inner_text()) for i in range(5)]
    assert all(0 <= score <= 100 for score in scores)
    assert "accurate" in page.inner_text("#traits")
    assert page.locator("ol.words li").count() == 15

    # A PDF cover letter.
    pdf_path = tmp_path / "cover_letter.pdf"
    pdf_path.write_bytes(text_pdf([fixture_essays()[1]]))
    page.goto(live_server + "/questions")
    page.click("li:has-text('Why do you want this job?') >> text=Answer in writing")
    page.set_input_files("#document", str(pdf_path))
    page.click("#submit")
    page.wait_for_url("**/attempts/*/report")
    assert "pdf upload" in page.inner_text("body").lower()  # the tag is styled upper-case
    assert page.locator("#progress tbody tr").count() == 2  # both attempts, progress visible

    # A bad upload gets a message, not an error page.
    (tmp_path / "notes.pdf").write_text("not really a pdf")
    page.goto(live_server + "/questions")
    page.click("li:has-text('Why should we hire you?') >> text=Answer in writing")
    page.set_input_files("#document", str(tmp_path / "notes.pdf"))
    page.click("#submit")
    assert "not a PDF" in page.inner_text(".flash-error")

    page.goto(live_server + "/history")
    assert page.locator("table.history tbody tr").count() == 2
