"""A real person's path, in a real Chromium: sign up, answer in writing, upload a PDF, read.

Runs the real committed personality model behind a live server on 127.0.0.1.
"""
import csv
import shutil
import threading
from typing import NamedTuple

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


class LiveServer(NamedTuple):
    url: str
    app: object  # the Flask app, for tests that store answers directly


def make_live_server(root, jobs=False):
    """The real app on 127.0.0.1 in a thread, with a fresh database (a generator: yields a LiveServer)."""
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
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
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
    page.goto(live_server.url + "/")
    page.click("text=Create a free account")
    page.fill("#display_name", "Browser Candidate")
    page.fill("#email", "browser@example.com")
    page.fill("#password", "a good password")
    page.fill("#confirm", "a good password")
    page.click("#submit")
    sign_in_after_sign_up(page)
    assert page.url.endswith("/questions")

    # A typed answer.
    page.click("li:has-text('Tell me about yourself.') >> text=Answer in writing")
    page.wait_for_load_state("load")  # the live word count's script is in place
    essay = fixture_essays()[0]
    page.fill("#answer", essay)
    page.wait_for_function("() => parseInt(document.getElementById('word-count').textContent) > 50")
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
    page.goto(live_server.url + "/questions")
    page.click("li:has-text('Why do you want this job?') >> text=Answer in writing")
    page.set_input_files("#document", str(pdf_path))
    page.click("#submit")
    page.wait_for_url("**/attempts/*/report")
    assert "pdf upload" in page.inner_text("body").lower()  # the tag is styled upper-case
    assert page.locator("#progress tbody tr").count() == 2  # both attempts, progress visible

    # A bad upload gets a message, not an error page.
    (tmp_path / "notes.pdf").write_text("not really a pdf")
    page.goto(live_server.url + "/questions")
    page.click("li:has-text('Why should we hire you?') >> text=Answer in writing")
    page.set_input_files("#document", str(tmp_path / "notes.pdf"))
    page.click("#submit")
    assert "not a PDF" in page.inner_text(".flash-error")

    page.goto(live_server.url + "/history")
    assert page.locator("table.history tbody tr").count() == 2


# --- A new user's stumbling blocks (issue 13): phone layout, charts, the history filter. ---

PHONE = {"width": 390, "height": 844}


def sign_in_after_sign_up(page, password="a good password"):
    """Signing up leads to the sign-in form, the email filled in (it signs nobody in, so that it
    cannot tell whether an email was taken)."""
    page.wait_for_url("**/auth/login**")
    page.fill("#password", password)
    page.click("#submit")
    page.wait_for_url(lambda url: "/auth/" not in url)


def sign_up(browser, live_server, email, name="Browser Candidate", viewport=None):
    """A new page in its own context, signed up and signed in; returns (page, user id)."""
    from interview.auth.services import find_user_by_email

    page = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(60_000)
    page.goto(live_server.url + "/auth/signup")
    page.fill("#display_name", name)
    page.fill("#email", email)
    page.fill("#password", "a good password")
    page.fill("#confirm", "a good password")
    page.click("#submit")
    sign_in_after_sign_up(page)
    page.wait_for_url("**/questions")
    with live_server.app.app_context():
        return page, find_user_by_email(email).id


def stretch_past(page, width):
    """The elements whose right edge is past `width` (what makes a page scroll sideways)."""
    return page.evaluate("""(width) => [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > width + 0.5 && !e.closest('.table-wrap'))
        .slice(0, 5).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""",
                         width)


def assert_fits_a_phone(page, address):
    page.goto(address)
    page.wait_for_load_state("load")
    if page.locator(".chart:visible").count():
        page.wait_for_selector(".chart .main-svg")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (address, width, stretch_past(page, PHONE["width"]))
    links = page.locator(".site-header a, .site-header button")
    assert links.count() >= 2, address
    for i in range(links.count()):
        link = links.nth(i)
        box = link.bounding_box()
        assert link.is_visible() and box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], \
            (address, link.inner_text(), box)
        link.click(trial=True)  # visible, enabled, not covered: a tap would reach it


def test_every_page_fits_a_phone_and_the_header_links_are_reachable(live_server, browser):
    from tests.test_reports import add_recorded_attempt

    page = browser.new_context(viewport=PHONE).new_page()
    for path in ("/", "/auth/login", "/auth/signup"):
        assert_fits_a_phone(page, live_server.url + path)
    page, user_id = sign_up(browser, live_server, "phone@example.com",
                            name="Somebody With A Rather Long Display Name", viewport=PHONE)
    video_id = add_recorded_attempt(live_server.app, user_id, "video", 1)
    add_recorded_attempt(live_server.app, user_id, "video", 1)
    audio_id = add_recorded_attempt(live_server.app, user_id, "audio", 2)
    page.goto(live_server.url + "/text/questions/1")
    page.fill("#answer", fixture_essays()[2])
    page.click("#submit")
    page.wait_for_url("**/attempts/*/report")
    text_report = page.url
    for address in (text_report, "/", "/questions", "/text/questions/1", f"/attempts/{video_id}/report",
                    f"/attempts/{audio_id}/report", "/history", "/record/video/1", "/record/audio/1",
                    "/auth/account"):
        assert_fits_a_phone(page, address if address.startswith("http") else live_server.url + address)


CHART_STATE = """(id) => {
  const chart = document.getElementById(id);
  return {
    traces: chart._fullData.map((t) => ({ name: t.name, stack: t.stackgroup || null, connectgaps: t.connectgaps,
                                          nulls: t.y.filter((v) => v === null).length })),
    x: chart._fullLayout.xaxis.title.text, y: chart._fullLayout.yaxis.title.text,
    shaded: (chart._fullLayout.shapes || []).length,
    // each drawn line: how many separate pieces its SVG path has (a gap splits it)
    pieces: [...chart.querySelectorAll('.scatterlayer .trace')].map((trace) =>
      [...trace.querySelectorAll('path.js-line')].reduce((n, path) => n + (path.getAttribute('d').match(/M/g) || []).length, 0)),
  };
}"""


def test_report_charts_show_gaps_as_gaps_with_units_and_plain_legends(live_server, browser):
    from tests.test_reports import add_recorded_attempt

    page, user_id = sign_up(browser, live_server, "charts@example.com")
    attempt_id = add_recorded_attempt(live_server.app, user_id, "video", 1)  # no face 1.5-2.5 s, one silent window
    page.goto(f"{live_server.url}/attempts/{attempt_id}/report")
    page.wait_for_selector("#face-chart .main-svg")
    page.wait_for_selector("#voice-chart .main-svg")
    for chart_id in ("face-chart", "voice-chart"):
        state = page.evaluate(CHART_STATE, chart_id)
        assert state["x"] == "Time in the answer (s)" and state["y"] == "Probability (%)", state
        assert len(state["traces"]) == 7 and state["shaded"] == 1, state
        for trace in state["traces"]:
            assert trace["stack"] is None and trace["connectgaps"] is False, trace
            assert trace["nulls"] >= 1 and "_" not in trace["name"] and trace["name"][0].isupper(), trace
        assert state["pieces"] and all(pieces == 2 for pieces in state["pieces"]), state  # broken, not dropped to 0
    assert page.evaluate(CHART_STATE, "face-chart")["traces"][0]["nulls"] == 3


def test_history_charts_one_unit_each_and_the_filter_covers_the_table(live_server, browser):
    from tests.test_reports import add_recorded_attempt

    page, user_id = sign_up(browser, live_server, "history@example.com")
    for modality, question_id in (("video", 1), ("audio", 1), ("audio", 2), ("audio", 2)):
        add_recorded_attempt(live_server.app, user_id, modality, question_id)
    page.goto(live_server.url + "/history")
    page.wait_for_selector("#trend-audio .main-svg")
    axes = {}
    for chart_id in page.eval_on_selector_all(".trend-group .chart", "(charts) => charts.map((c) => c.id)"):
        state = page.evaluate(CHART_STATE, chart_id)
        axes.setdefault(chart_id.split("-")[1], []).append(state["y"])
        assert state["x"] == "Attempt (oldest first)", state
        assert all("_" not in trace["name"] for trace in state["traces"]), state
    assert axes == {"video": ["Share of the answer (%)", "Syllables per minute"],
                    "audio": ["Share of the answer (%)", "Syllables per minute", "Semitones"]}
    rows = page.locator("#answers tbody tr")
    assert rows.count() == 4
    page.select_option("#trend-question", "2")
    assert page.locator("#answers tbody tr:visible").count() == 2
    assert page.is_hidden("#trend-video") and page.is_visible("#trend-audio")
    assert page.evaluate("document.getElementById('trend-audio-2')._fullData[0].x.length") == 2
    page.select_option("#trend-question", "")
    assert page.locator("#answers tbody tr:visible").count() == 4 and page.is_visible("#trend-video")
