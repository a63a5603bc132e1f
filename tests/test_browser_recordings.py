"""Video and audio answers in a real Chromium, with its fake camera and microphone fed from the
labelled fixture clips: live overlay, recording, upload, background analysis, the report.

Runs the real committed face and speech models behind a live server with its job thread.
"""
import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, make_live_server, sign_in_after_sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CLIP = FIXTURES / "av" / "happy_1.webm"


@pytest.fixture(scope="module")
def fake_devices(tmp_path_factory):
    """The fixture clip as Chromium's fake camera (MJPEG, looped) and microphone (WAV)."""
    folder = tmp_path_factory.mktemp("devices")
    video, audio = folder / "camera.mjpeg", folder / "microphone.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(CLIP), "-an", "-q:v", "5", str(video)], check=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(CLIP), "-vn", "-ac", "1", "-ar", "48000", str(audio)],
                   check=True)
    return video, audio


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    yield from make_live_server(tmp_path_factory.mktemp("live_rec"), jobs=True)


@pytest.fixture(scope="module")
def browser(fake_devices):
    playwright_api = pytest.importorskip("playwright.sync_api")
    video, audio = fake_devices
    args = CHROMIUM_ARGS + ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                            f"--use-file-for-fake-video-capture={video}",
                            f"--use-file-for-fake-audio-capture={audio}"]
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield browser
        browser.close()


def signed_in_page(browser, live_server, email):
    context = browser.new_context(permissions=["camera", "microphone"])
    page = context.new_page()
    page.set_default_timeout(90_000)  # the first frame and the first job load the models
    page.goto(live_server.url + "/auth/signup")
    page.fill("#display_name", "Camera Person")
    page.fill("#email", email)
    page.fill("#password", "a good password")
    page.fill("#confirm", "a good password")
    page.click("#submit")
    sign_in_after_sign_up(page)
    page.goto(live_server.url + "/privacy/consent/video?next=/questions")
    page.click("#consent button[type=submit]")
    page.wait_for_url("**/questions")
    return page


def keep_screenshot(page, name):
    """POISE_SCREENSHOTS=folder keeps full-page screenshots, for a person to look at."""
    if os.environ.get("POISE_SCREENSHOTS"):
        page.screenshot(path=str(Path(os.environ["POISE_SCREENSHOTS"]) / f"{name}.png"), full_page=True)


def record_and_send(page, seconds=3.5):
    page.wait_for_selector("#start:not([disabled])")
    page.click("#start")
    page.wait_for_timeout(int(seconds * 1000))
    page.click("#stop")
    page.wait_for_selector("#send:not([disabled])")
    page.click("#send")
    page.wait_for_url("**/attempts/*/report", timeout=180_000)


def test_video_answer_with_live_overlay_and_report(browser, live_server):
    page = signed_in_page(browser, live_server, "video@example.com")
    page.goto(live_server.url + "/record/video/1")
    # The live overlay found and drew a face from the fake camera.
    page.wait_for_function("() => document.getElementById('overlay').dataset.faces >= 1")
    keep_screenshot(page, "video_recording")
    record_and_send(page)
    page.wait_for_selector("#face-chart .main-svg")
    keep_screenshot(page, "video_report")
    assert page.locator(".heatmap img").count() == 1
    face_rows = page.locator("#face table.compare").first.locator("tbody tr")
    assert face_rows.count() == 7
    assert "happy" in page.inner_text("#face").lower()
    assert page.locator("#replay-video").count() == 1
    # Clicking the chart seeks the replay.
    page.locator("#face-chart").scroll_into_view_if_needed()
    box = page.locator("#face-chart .nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5)
    page.wait_for_function("() => document.getElementById('replay-video').currentTime > 1.0", timeout=10_000)
    assert "estimates" in page.inner_text("main")
    # The user's own attempts at the question, this one marked, and a way to try again.
    assert page.locator("#attempts tbody tr.current").count() == 1
    assert page.get_attribute("#try-again", "href") == "/record/video/1"


def test_audio_answer_with_level_meter_and_report(browser, live_server):
    page = signed_in_page(browser, live_server, "audio@example.com")
    page.goto(live_server.url + "/record/audio/2")
    # Start is enabled once the microphone's stream has reached the level meter; a click before
    # that could come before the meter listens for it and leave its audio suspended.
    page.wait_for_selector("#start:not([disabled])")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # a first interaction, after which browsers let the level meter's audio run; a person whose
    # first click came too early clicks again, and so does the test (the meter must still move)
    for _ in range(10):
        page.click("h1")
        try:
            page.wait_for_function("() => document.getElementById('level').value > 0", timeout=9000)
            break
        except PlaywrightTimeout:
            continue
    else:
        raise AssertionError("the level meter never moved")
    record_and_send(page)
    page.wait_for_selector("#voice-chart .main-svg")
    keep_screenshot(page, "audio_report")
    delivery = page.inner_text("#delivery")
    assert "Speaking rate" in delivery and "syllables/min" in delivery and "typical" in delivery
    page.goto(live_server.url + "/history")
    page.wait_for_selector("#trend-audio .main-svg")
    keep_screenshot(page, "history")


def leaving_asks_first(page) -> bool:
    """Try to close the page; True if the browser asked first (the question is answered 'stay')."""
    from playwright.sync_api import Error as PlaywrightError

    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.close(run_before_unload=True)
    deadline = time.monotonic() + 5
    while not asked and not page.is_closed() and time.monotonic() < deadline:
        try:
            page.wait_for_timeout(100)  # lets Playwright deliver the dialog or the close
        except PlaywrightError:
            break
    if not asked and not page.is_closed():
        page.remove_listener("dialog", stay)
    return asked == ["beforeunload"] and not page.is_closed()


def record(page, seconds):
    page.wait_for_selector("#start:not([disabled])")
    page.click("#start")
    page.wait_for_timeout(int(seconds * 1000))
    page.click("#stop")
    page.wait_for_selector("#send:not([disabled])")


def assert_ready_to_record_again(page, message):
    page.wait_for_selector("#start:not([disabled])")
    assert message in page.inner_text("#status") and "flash-error" in page.get_attribute("#status", "class")


def test_refused_or_failed_uploads_leave_the_page_ready_and_leaving_asks_first(browser, live_server):
    page = signed_in_page(browser, live_server, "refused@example.com")
    page.goto(live_server.url + "/record/audio/1")
    page.wait_for_selector("#start:not([disabled])")
    assert not leaving_asks_first(page) and page.is_closed()  # nothing recorded yet: no question
    page = page.context.new_page()
    page.set_default_timeout(90_000)
    page.goto(live_server.url + "/record/audio/1")

    # The real server refuses a recording under a second.
    record(page, 0.3)
    assert leaving_asks_first(page)  # recorded, not sent
    page.click("#send")
    assert_ready_to_record_again(page, "Record again")
    assert page.is_disabled("#send") and page.is_disabled("#again")

    # Leaving while the upload is in flight asks first; a refusal then leaves it ready again.
    held = []
    page.route("**/api/attempts", lambda route: held.append(route))
    record(page, 1.5)
    page.click("#send")
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('Uploading')")
    assert page.is_disabled("#start") and leaving_asks_first(page)
    held[0].fulfill(status=422, json={"error": "This recording could not be read."})
    assert_ready_to_record_again(page, "This recording could not be read. Press Start to record again.")
    page.unroute("**/api/attempts")

    # A network failure keeps the recording: send it again, or record again.
    page.route("**/api/attempts", lambda route: route.abort())
    record(page, 1.5)
    page.click("#send")
    assert_ready_to_record_again(page, "The upload failed")
    assert page.is_enabled("#send") and page.is_enabled("#again")
    assert leaving_asks_first(page)  # the recording is still only here
    page.click("#again")
    assert page.is_disabled("#send")
    assert not leaving_asks_first(page) and page.is_closed()  # nothing left to lose: no question
