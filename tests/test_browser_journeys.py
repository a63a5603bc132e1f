"""The two journeys of issue 14, end to end in a real Chromium against the real app, its real
committed models and its job thread:

- an instructor builds a class, a rubric, a question set and a session; a student joins, answers
  one question on video (the fake camera and microphone) and one in writing; the instructor
  comments at a moment of the replay and marks the rubric; the student is told, and reads both,
  the comment showing under the replay at its moment;
- two candidates share a written answer with a recruiter, who compares them; one revokes, and
  the recruiter's next visits to what it shared answer 404 while the other's still answer.
"""
import re
import time
from datetime import datetime, timedelta, timezone

import pytest

from tests.test_browser import fixture_essays, sign_up
from tests.test_browser_recordings import (browser, fake_devices, keep_screenshot, live_server,  # noqa: F401 (fixtures)
                                           record, signed_in_page)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a good password"
ANALYSIS_TIMEOUT_S = 240  # the first video job loads TensorFlow and both models


def make_account(live_server, email, name, role):
    from interview.auth.services import create_user

    with live_server.app.app_context():
        return create_user(email, name, PASSWORD, role).id


def user_id_of(live_server, email):
    from interview.auth.services import find_user_by_email

    with live_server.app.app_context():
        return find_user_by_email(email).id


def sign_in(browser, live_server, email):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(60_000)
    page.goto(live_server.url + "/auth/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_load_state("load")
    assert "/auth/login" not in page.url, page.inner_text("main")
    return page


def id_in(url, pattern):
    found = re.search(pattern, url)
    assert found, (pattern, url)
    return int(found.group(1))


def wait_for_analysis(live_server, attempt_id, timeout_s=ANALYSIS_TIMEOUT_S):
    """Polls the database until the job thread has finished the answer; fails on a failed job."""
    from interview.extensions import db
    from interview.models import Attempt

    deadline = time.monotonic() + timeout_s
    while True:
        with live_server.app.app_context():
            attempt = db.session.get(Attempt, attempt_id)
            status, error = attempt.status, attempt.error_message
        assert status != "failed", error
        if status == "complete":
            return
        assert time.monotonic() < deadline, f"attempt {attempt_id} still {status} after {timeout_s} s"
        time.sleep(1)


def session_attempt_id(live_server, user_id, item_id):
    from sqlalchemy import select

    from interview.extensions import db
    from interview.models import Attempt

    with live_server.app.app_context():
        ids = db.session.scalars(select(Attempt.id).where(Attempt.user_id == user_id,
                                                          Attempt.session_item_id == item_id)).all()
    assert len(ids) == 1, ids
    return ids[0]


def long_essays():
    """Fixture essays of 60 words or more, in their file's order."""
    return [essay for essay in fixture_essays() if len(essay.split()) >= 60]


def answer_in_writing(page, essay):
    page.wait_for_load_state("load")  # the word count's script
    page.fill("#answer", essay)
    page.wait_for_function("() => parseInt(document.getElementById('word-count').textContent) >= 60")
    page.click("#submit")


# --- Journey 1: the instructor and the student. ---

def instructor_builds_a_class_and_a_session(teacher, live_server):
    """Class, rubric, set and session through the pages; returns (class id, criterion id,
    invite link, session id, session title)."""
    teacher.goto(live_server.url + "/classes")
    teacher.fill("#new-class #name", "Interview Skills 101")
    teacher.fill("#new-class #description", "Mock interviews for the spring cohort.")
    teacher.click("#new-class [type=submit]")
    teacher.wait_for_url(re.compile(r"/classes/\d+$"))
    class_id = id_in(teacher.url, r"/classes/(\d+)$")
    invite_link = teacher.get_attribute("#invite-link", "href")
    assert invite_link.endswith("/join/" + teacher.inner_text("#join-code").strip())

    # The rubric, from the class page's link.
    teacher.click(f"a[href='/classes/{class_id}/rubric']")
    teacher.wait_for_selector("#no-criteria")
    teacher.fill("#new-name", "Structure")
    teacher.fill("#new-description", "Situation, task, action, result, in order")
    teacher.click("#add-criterion-submit")
    criterion = teacher.wait_for_selector("#criteria li.criterion")
    criterion_id = id_in(criterion.get_attribute("id"), r"criterion-(\d+)")

    # A set of two bank questions.
    teacher.goto(live_server.url + "/sets")
    teacher.fill("#new-set #name", "First round")
    teacher.click("#new-set [type=submit]")
    teacher.wait_for_url(re.compile(r"/sets/\d+$"))
    set_id = id_in(teacher.url, r"/sets/(\d+)$")
    teacher.check("#bank-1")  # Tell me about yourself.
    teacher.check("#bank-2")  # the second bank question
    teacher.click("#bank-form [type=submit]")
    teacher.wait_for_selector("#set-questions li[data-item] >> nth=1")
    assert teacher.locator("#set-questions li[data-item]").count() == 2

    # The session: question 1 on video first, question 2 in writing, open now until tomorrow.
    teacher.goto(f"{live_server.url}/sets/{set_id}/sessions/new")
    title = "Spring mock interview"
    teacher.fill("#title", title)
    teacher.select_option("#classroom_id", str(class_id))
    tomorrow = datetime.now(timezone.utc) + timedelta(days=1)
    teacher.fill("#closes_at", tomorrow.strftime("%Y-%m-%dT%H:%M"))
    rows = teacher.locator("fieldset.session-row")
    assert rows.count() == 2
    for n in range(2):
        question_id = teacher.input_value(f"#items-{n}-question_id")
        position, mode = ("1", "video") if question_id == "1" else ("2", "text")
        teacher.fill(f"#items-{n}-position", position)
        teacher.select_option(f"#items-{n}-mode", mode)
    teacher.click("#session-form [type=submit]")
    teacher.wait_for_url(re.compile(r"/sessions/\d+/edit$"))
    session_id = id_in(teacher.url, r"/sessions/(\d+)/edit$")
    assert "Its students have been told" in teacher.inner_text(".flash-success")
    return class_id, criterion_id, invite_link, session_id, title


def student_joins_and_answers(student, live_server, invite_link, session_id, title):
    """Join by the invite link, answer the session (video, then writing); returns the session's
    item ids, in order."""
    student.goto(invite_link)
    sees = student.inner_text("#what-the-instructor-sees")
    assert "Your answers to this class's mock-interview sessions" in sees and "Not your other practice" in sees
    student.click("#confirm-join")
    student.wait_for_url("**/my-classes")
    assert title in student.inner_text("main")

    # The session is on the home page.
    student.goto(live_server.url + "/")
    session_link = student.locator(f"#assigned-sessions a[href='/sessions/{session_id}']")
    assert session_link.inner_text() == title
    assert "0/2 answered" in student.inner_text("#assigned-sessions")
    session_link.click()
    student.wait_for_url(f"**/sessions/{session_id}")
    item_ids = [int(i) for i in student.eval_on_selector_all(".session-items li", "(items) => items.map((i) => i.dataset.item)")]
    assert student.inner_text(".session-items li >> nth=0").count("video") == 1

    # Question 1, on video: the page goes straight on to the session.
    student.click("#next-question")
    student.wait_for_url(re.compile(r"/record/video/1\?session_item=\d+"))
    student.wait_for_function("() => document.getElementById('overlay').dataset.faces >= 1")  # the camera shows a face
    record(student, 3.5)
    student.click("#send")
    student.wait_for_url(f"**/sessions/{session_id}", timeout=180_000)
    assert student.inner_text("#session-progress").startswith("1 of 2 questions answered")

    # Question 2, in writing.
    student.click("#next-question")
    student.wait_for_url(re.compile(r"/text/questions/\d+\?session_item=\d+"))
    answer_in_writing(student, long_essays()[0])
    student.wait_for_url(f"**/sessions/{session_id}")
    assert student.inner_text("#session-progress").startswith("2 of 2 questions answered")
    assert "You have answered every question" in student.inner_text(".flash-success")
    assert student.locator("#next-question").count() == 0
    keep_screenshot(student, "journey_session_done")
    return item_ids


def test_instructor_comments_and_marks_a_session_answer_and_the_student_reads_it(browser, live_server):
    make_account(live_server, "teacher@example.com", "Ms Teacher", "instructor")
    teacher = sign_in(browser, live_server, "teacher@example.com")
    class_id, criterion_id, invite_link, session_id, title = instructor_builds_a_class_and_a_session(
        teacher, live_server)

    student = signed_in_page(browser, live_server, "student@example.com")  # camera, microphone, consent
    student_id = user_id_of(live_server, "student@example.com")
    video_item, text_item = student_joins_and_answers(student, live_server, invite_link, session_id, title)
    attempt_id = session_attempt_id(live_server, student_id, video_item)
    wait_for_analysis(live_server, attempt_id)

    # The instructor's dashboard: both answers, the video one opening its report.
    teacher.goto(f"{live_server.url}/classes/{class_id}/dashboard")
    row = teacher.locator(f"#session-{session_id} tr[data-student='{student_id}']")
    assert row.locator("td").nth(1).inner_text() == "2/2"
    assert row.locator(f"td[data-item='{text_item}'] a").inner_text() == "complete"
    row.locator(f"td[data-item='{video_item}'] a").click()
    teacher.wait_for_url(f"**/attempts/{attempt_id}/report")
    assert teacher.get_attribute("#feedback", "data-viewer") == "instructor"

    # A comment at 0:02 of the replay.
    teacher.wait_for_function("() => document.getElementById('replay-video').readyState >= 1")
    teacher.wait_for_selector("#moment-picker:not([hidden])")
    teacher.evaluate("document.getElementById('replay-video').currentTime = 2.2")
    teacher.wait_for_function("() => document.getElementById('comment-at-now').textContent === 'Comment at 0:02'")
    teacher.click("#comment-at-now")
    assert teacher.input_value("#comment-at_seconds") == "2.2"
    assert teacher.inner_text("#comment-moment") == "At 0:02"
    comment = "Here you look down at your notes: keep your eyes on the camera."
    teacher.fill("#comment-body", comment)
    teacher.click("#comment-submit")
    teacher.wait_for_url(re.compile(rf"/attempts/{attempt_id}/report#comment-\d+$"))
    assert comment in teacher.inner_text("#comment-list")

    # The rubric.
    teacher.select_option(f"#marks-form #mark_{criterion_id}", "4")
    teacher.click("#save-marks")
    teacher.wait_for_url(f"**/attempts/{attempt_id}/report#rubric-marks")
    assert "Marks saved" in teacher.inner_text(".flash-success")
    assert teacher.input_value(f"#mark_{criterion_id}") == "4"
    keep_screenshot(teacher, "journey_instructor_feedback")

    # The student is told, and reads both.
    student.goto(live_server.url + "/history")
    badge = student.locator(f"#new-feedback-{attempt_id}")
    assert badge.is_visible()
    badge.locator("xpath=..").locator("a").click()
    student.wait_for_url(f"**/attempts/{attempt_id}/report")
    assert student.get_attribute("#feedback", "data-viewer") == "owner"
    assert student.is_visible("#feedback-new")
    item = student.locator("#comment-list li.comment")
    assert item.count() == 1
    assert item.locator(".comment-time").inner_text() == "0:02" and comment in item.inner_text()
    assert student.inner_text(f"#mark-{criterion_id} .score").startswith("4 / 5")
    assert "Structure" in student.inner_text(f"#mark-{criterion_id}")

    # The comment shows under the replay when it reaches its moment.
    student.wait_for_function("() => document.getElementById('replay-video').readyState >= 1")
    assert student.is_hidden("#comment-caption")
    student.evaluate("""() => { const video = document.getElementById('replay-video');
                                video.currentTime = 2.0; video.dispatchEvent(new Event('timeupdate')); }""")
    student.wait_for_selector("#comment-caption:not([hidden])")
    caption = student.inner_text("#comment-caption")
    assert comment in caption and caption.startswith("0:02")
    keep_screenshot(student, "journey_student_feedback")

    # Seen: the history no longer calls it new.
    student.goto(live_server.url + "/history")
    assert student.locator(f"#new-feedback-{attempt_id}").count() == 0


# --- Journey 2: two candidates and a recruiter. ---

def candidate_shares_a_written_answer(browser, live_server, email, name, essay, recruiter_email):
    """Sign up, answer question 1 in writing, share that answer with the recruiter; returns
    (page, user id, attempt id, share id)."""
    page, user_id = sign_up(browser, live_server, email, name=name)
    page.goto(live_server.url + "/text/questions/1")
    answer_in_writing(page, essay)
    page.wait_for_url("**/attempts/*/report")
    attempt_id = id_in(page.url, r"/attempts/(\d+)/report")
    assert page.locator("tr.trait").count() == 5  # the personality model read it

    page.goto(live_server.url + "/sharing")
    page.click("#share-answers")
    page.wait_for_url("**/sharing/answers/new")
    page.check(f"#share-answers-form input[name=attempts][value='{attempt_id}']")
    page.check("#recipient input[name=how][value=email]")
    page.fill("#email", recruiter_email)
    page.click("#share-submit")
    page.wait_for_url("**/sharing")
    assert f"Shared with {recruiter_email}" in page.inner_text(".flash-success")
    share = page.locator("section.share[data-status=live]")
    assert share.count() == 1 and share.locator(".recipient").inner_text() == recruiter_email
    share_id = id_in(share.get_attribute("id"), r"share-(\d+)")
    return page, user_id, attempt_id, share_id


def test_candidates_share_with_a_recruiter_who_compares_them_until_one_revokes(browser, live_server):
    recruiter_email = "hiring@company.example"
    make_account(live_server, recruiter_email, "Rita Recruiter", "recruiter")
    essays = long_essays()
    first, first_id, first_attempt, first_share = candidate_shares_a_written_answer(
        browser, live_server, "ada@example.com", "Ada Candidate", essays[1], recruiter_email)
    _, second_id, second_attempt, _ = candidate_shares_a_written_answer(
        browser, live_server, "bo@example.com", "Bo Candidate", essays[2], recruiter_email)

    # The recruiter sees both.
    recruiter = sign_in(browser, live_server, recruiter_email)
    recruiter.goto(live_server.url + "/recruiter")
    rows = recruiter.locator("#shared-candidates tr[data-candidate-id]")
    assert sorted(int(rows.nth(i).get_attribute("data-candidate-id")) for i in range(rows.count())) == \
        sorted([first_id, second_id])
    assert "Ada Candidate" in recruiter.inner_text("#shared-candidates")
    assert "Bo Candidate" in recruiter.inner_text("#shared-candidates")

    # Side by side on question 1, each reading with its model's accuracy, without bands.
    recruiter.click("#compare-questions a.compare-link[href*='question_id=1&']")
    recruiter.wait_for_url(re.compile(r"/recruiter/compare\?question_id=1&modality=text"))
    assert "Not enough candidates to compare: 2 candidates have answered" in recruiter.inner_text("#not-enough")
    headers = recruiter.locator("table.candidates-compare >> nth=0").locator("thead th[data-candidate-id]")
    assert sorted(int(headers.nth(i).get_attribute("data-candidate-id")) for i in range(2)) == \
        sorted([first_id, second_id]) and headers.count() == 2
    readings = recruiter.locator("td.reading")
    assert readings.count() >= 10  # five traits at least, for each of the two
    for i in range(readings.count()):
        reading = readings.nth(i)
        if reading.locator(".value").count():
            assert re.fullmatch(r"model \d+% accurate", reading.locator(".accuracy").inner_text()), reading.inner_text()
            assert reading.locator(".band").count() == 0 and reading.locator(".band-missing").count() == 1
    assert recruiter.locator("td.reading .accuracy").count() >= 10
    keep_screenshot(recruiter, "journey_compare")

    first_report = f"{live_server.url}/attempts/{first_attempt}/report"
    first_page = f"{live_server.url}/recruiter/candidates/{first_id}"
    second_report = f"{live_server.url}/attempts/{second_attempt}/report"
    second_page = f"{live_server.url}/recruiter/candidates/{second_id}"
    for address in (first_report, first_page, second_report, second_page):
        assert recruiter.goto(address).status == 200, address

    # Ada revokes, accepting the browser's question.
    first.goto(live_server.url + "/sharing")
    asked = []

    def accept(dialog):
        asked.append(dialog.type)
        dialog.accept()

    first.once("dialog", accept)
    first.click(f"#revoke-{first_share}")
    first.wait_for_selector(f"#share-{first_share}[data-status=revoked]")
    assert asked == ["confirm"]
    assert first.locator(f"#revoke-{first_share}").count() == 0

    # Access ends at once: Ada's report and page are gone; Bo's stay.
    for address in (first_report, first_page):
        assert recruiter.goto(address).status == 404, address
    for address in (second_report, second_page):
        assert recruiter.goto(address).status == 200, address
    recruiter.goto(live_server.url + "/recruiter")
    assert [int(i) for i in recruiter.eval_on_selector_all(
        "#shared-candidates tr[data-candidate-id]", "(rows) => rows.map((r) => r.dataset.candidateId)")] == [second_id]
