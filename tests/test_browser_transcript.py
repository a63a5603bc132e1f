"""The transcript of a spoken answer in a real Chromium (issue 16): a word plays the replay from
its start, the word being played is highlighted, the arrow keys move between words, the pace
chart seeks, and the report fits a phone. The answer is stored from the hand-built sample words
with a generated ten-second WAV as its recording; no model runs."""
import math
import struct
import wave
from dataclasses import replace

import pytest

from interview.extensions import db
from interview.models import Attempt
from tests.spoken_samples import spoken_words
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, PHONE, make_live_server, sign_up, stretch_past
from tests.test_reports import add_recorded_attempt, voice_analysis

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    yield from make_live_server(tmp_path_factory.mktemp("live_words"))


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + [
            "--autoplay-policy=no-user-gesture-required"])
        yield browser
        browser.close()


def write_tone(path, seconds=10.0, rate=16000):
    """A quiet 220 Hz tone as 16-bit mono WAV: something the player can load, seek and play."""
    samples = (int(3000 * math.sin(2 * math.pi * 220 * i / rate)) for i in range(int(seconds * rate)))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", sample) for sample in samples))


def spoken_answer_with_recording(app, user_id) -> int:
    attempt_id = add_recorded_attempt(app, user_id, "audio", 1, replace(voice_analysis(), words=spoken_words()))
    with app.app_context():
        folder = app.extensions["recording_store"].root / str(user_id)
        folder.mkdir(parents=True, exist_ok=True)
        write_tone(folder / "answer.wav")
        attempt = db.session.get(Attempt, attempt_id)
        attempt.recording_path, attempt.media_type = f"{user_id}/answer.wav", "audio/wav"
        db.session.commit()
    return attempt_id


def current_time(page) -> float:
    return page.evaluate("() => document.getElementById('replay-audio').currentTime")


def test_words_seek_the_replay_and_follow_it_on_a_phone(live_server, browser):
    page, user_id = sign_up(browser, live_server, "words@example.com", viewport=PHONE)
    attempt_id = spoken_answer_with_recording(live_server.app, user_id)
    page.goto(f"{live_server.url}/attempts/{attempt_id}/report")
    page.wait_for_function("() => document.getElementById('replay-audio').readyState >= 1")
    page.wait_for_selector("#pace-chart .main-svg")

    # Clicking a word plays from its start.
    page.click("#transcript .word[data-start='5.6']")  # "planned"
    page.wait_for_function("() => !document.getElementById('replay-audio').paused")
    page.evaluate("() => document.getElementById('replay-audio').pause()")
    assert 5.6 <= current_time(page) < 6.6

    # While it plays, the word being said is highlighted (and only that one).
    page.evaluate("""() => { const player = document.getElementById('replay-audio');
                             player.currentTime = 7.6; player.dispatchEvent(new Event('timeupdate')); }""")
    page.wait_for_function("() => document.querySelector('#transcript .word.current')?.dataset.start === '7.5'")
    assert page.locator("#transcript .word.current").count() == 1
    assert page.inner_text("#transcript .word.current") == "shipped"
    assert page.get_attribute("#transcript .word.current", "aria-current") == "true"
    # In the long pause (3.5-5.0 s) no word is highlighted.
    page.evaluate("() => { document.getElementById('replay-audio').currentTime = 4.4; }")
    page.wait_for_function("() => !document.querySelector('#transcript .word.current')")

    # The keyboard: one Tab stop, arrows move, Enter plays from the focused word.
    page.focus("#transcript .word[data-start='0.2']")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => document.activeElement.dataset.start") == "0.6"
    assert page.locator("#transcript .word[tabindex='0']").count() == 1
    page.keyboard.press("Enter")
    page.wait_for_function("() => { const t = document.getElementById('replay-audio').currentTime; return t >= 0.6 && t < 1.6; }")
    page.evaluate("() => document.getElementById('replay-audio').pause()")

    # A STAR part's time seeks too.
    page.click("#star-parts [data-part='result'] button")
    page.wait_for_function("() => { const t = document.getElementById('replay-audio').currentTime; return t >= 6.8 && t < 7.8; }")
    page.evaluate("() => document.getElementById('replay-audio').pause()")

    # Clicking the pace chart seeks to the time under the pointer.
    page.evaluate("() => { document.getElementById('replay-audio').currentTime = 0; }")
    page.locator("#pace-chart").scroll_into_view_if_needed()
    area = page.locator("#pace-chart .nsewdrag").bounding_box()
    page.mouse.click(area["x"] + area["width"] * 0.75, area["y"] + area["height"] / 2)
    page.wait_for_function("() => document.getElementById('replay-audio').currentTime > 3")
    page.evaluate("() => document.getElementById('replay-audio').pause()")

    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (width, stretch_past(page, PHONE["width"]))
