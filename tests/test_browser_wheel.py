"""The Plutchik wheel and valence/arousal in a real Chromium (issue 18): the wheel is drawn with
its lit petals, the valence/arousal charts are drawn, a narrative phrase seeks the replay, and
the report fits a phone. The answer is stored from hand-built readings with a generated
five-second video as its recording; no model runs."""
import subprocess

import pytest

from interview.extensions import db
from interview.models import Attempt
from tests.test_browser import PHONE, make_live_server, sign_up, stretch_past
from tests.test_browser_transcript import browser  # noqa: F401  (Chromium that may autoplay the replay)
from tests.test_reports import add_recorded_attempt
from tests.test_wheel_report import video_with_wheel

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    yield from make_live_server(tmp_path_factory.mktemp("live_wheel"))


def video_answer_with_recording(app, user_id) -> int:
    attempt_id = add_recorded_attempt(app, user_id, "video", 1, video_with_wheel())
    with app.app_context():
        folder = app.extensions["recording_store"].root / str(user_id)
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=5",
                        "-c:v", "libvpx", "-b:v", "200k", str(folder / "answer.webm")], check=True)
        attempt = db.session.get(Attempt, attempt_id)
        attempt.recording_path, attempt.media_type = f"{user_id}/answer.webm", "video/webm"
        db.session.commit()
    return attempt_id


def test_the_wheel_and_affect_are_drawn_and_seek_on_a_phone(live_server, browser):
    page, user_id = sign_up(browser, live_server, "wheel@example.com", viewport=PHONE)
    attempt_id = video_answer_with_recording(live_server.app, user_id)
    page.goto(f"{live_server.url}/attempts/{attempt_id}/report")
    page.wait_for_function("() => document.getElementById('replay-video').readyState >= 1")

    # The wheel: eight petals, three lit, drawn at a readable size.
    assert page.locator("#wheel svg.wheel .petal").count() == 8
    lit = page.eval_on_selector_all("#wheel .petal.lit", "(petals) => petals.map((p) => p.dataset.primary)")
    assert lit == ["joy", "surprise", "anger"]
    box = page.locator("#wheel svg.wheel").bounding_box()
    assert box["width"] > 250 and box["height"] > 250
    joy = page.locator("#wheel .petal[data-primary='joy'] path").first
    assert float(joy.get_attribute("fill-opacity")) > 0.3
    assert page.locator("#wheel .petal[data-primary='trust'] path").first.get_attribute("fill") == "url(#wheel-unreadable)"

    # The valence/arousal charts: two lines over time, a path with its start and end, per channel.
    for channel in ("face", "voice"):
        page.wait_for_function(f"() => document.querySelectorAll('#affect-{channel}-chart .scatterlayer .trace').length === 2")
        page.wait_for_function(f"() => document.querySelectorAll('#affect-{channel}-plane .scatterlayer .trace').length === 3")
    assert "unpleasant,activated" in page.inner_text("#affect-face-plane")

    # A phrase seeks the replay to its moment.
    page.click("#wheel-narrative button[data-seek='3.0']")
    page.wait_for_function("() => !document.getElementById('replay-video').paused")
    page.evaluate("() => document.getElementById('replay-video').pause()")
    assert 3.0 <= page.evaluate("() => document.getElementById('replay-video').currentTime") < 4.0

    # Clicking the valence/arousal chart seeks to the time under the pointer.
    page.evaluate("() => { document.getElementById('replay-video').currentTime = 0; }")
    page.locator("#affect-face-chart").scroll_into_view_if_needed()
    area = page.locator("#affect-face-chart .nsewdrag").bounding_box()
    page.mouse.click(area["x"] + area["width"] * 0.75, area["y"] + area["height"] / 2)
    page.wait_for_function("() => document.getElementById('replay-video').currentTime > 2.5")
    page.evaluate("() => document.getElementById('replay-video').pause()")

    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (width, stretch_past(page, PHONE["width"]))
