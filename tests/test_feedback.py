"""Feedback on class-session answers: the instructor's comments at a moment and rubric marks, the
student reading them (with a "new feedback" badge until they open the report), the notices,
and 404 for everyone else on every feedback URL."""
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from interview.extensions import db
from interview.models import (AnswerComment, Attempt, ClassMembership, Classroom, MockSession, Notice,
                              RubricCriterion, RubricMark, Score, SessionItem, Share, ShareItem)
from interview.results import stored
from interview.scoring import record_scores
from tests.conftest import csrf_token_from
from tests.test_results import FACE_PROBABILITIES, VOICE_PROBABILITIES, video_result

PASSWORD = "correct horse"
# video_result(): the face timeline lasts 0.4 s, the voice 4.0 s; a moment may be up to 4.5 s.
LAST_MOMENT = 4.5


@dataclass
class World:
    """One class with a rubric, a student in it with a video and a written session answer,
    and a second class of another instructor with its own rubric."""

    classroom: int
    video: int
    text: int
    clarity: int
    structure: int
    other_classroom: int
    other_criterion: int
    student: int


def as_user(app, email):
    """A fresh client signed in as ``email``."""
    client = app.test_client()
    page = client.get("/auth/login")
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD,
                                                "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302, response.data[:300]
    return client


def token(client):
    return csrf_token_from(client.get("/"))


def post(client, url, **data):
    return client.post(url, data={"csrf_token": token(client), **data})


def _answer(user_id, item_id, modality):
    attempt = Attempt(user_id=user_id, question_id=1, modality=modality, status="complete",
                      session_item_id=item_id, source="typed" if modality == "text" else "recording")
    if modality == "text":
        attempt.answer_text, attempt.word_count = "An answer about teamwork.", 4
        attempt.details = {"model": "fake", "top_words": [["teamwork", 1]]}
        names = [("openness", 60.0)]
    else:
        attempt.details = stored(video_result())
        names = ([("face_" + name, value * 100) for name, value in FACE_PROBABILITIES.items()]
                 + [("voice_" + name, value * 100) for name, value in VOICE_PROBABILITIES.items()])
    attempt.scores = [Score(user_id=user_id, question_id=1, modality=modality, name=name, value=value)
                      for name, value in names]
    db.session.add(attempt)
    db.session.flush()
    record_scores(attempt)
    return attempt


def _classroom(instructor_id, code, criteria):
    classroom = Classroom(instructor_id=instructor_id, name=f"Class {code}", join_code=code)
    classroom.rubric = [RubricCriterion(position=i, name=name, description=f"{name}, done well")
                        for i, name in enumerate(criteria)]
    db.session.add(classroom)
    db.session.flush()
    return classroom


@pytest.fixture
def world(app, auth) -> World:
    teacher = auth.create("teach@example.com", PASSWORD, "Grace", role="instructor")
    other_teacher = auth.create("other@example.com", PASSWORD, "Alan", role="instructor")
    student = auth.create("ada@example.com", PASSWORD, "Ada")
    auth.create("stranger@example.com", PASSWORD, "Sam")
    auth.create("hire@example.com", PASSWORD, "Rita", role="recruiter")
    with app.app_context():
        classroom = _classroom(teacher, "ABC123", ["Clarity", "Structure"])
        other = _classroom(other_teacher, "XYZ789", ["Eye contact"])
        db.session.add(ClassMembership(classroom_id=classroom.id, user_id=student))
        now = datetime.now(timezone.utc)
        session = MockSession(owner_id=teacher, classroom_id=classroom.id, title="Mock 1",
                              opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1))
        session.items = [SessionItem(question_id=1, position=0, mode="video"),
                         SessionItem(question_id=1, position=1, mode="text")]
        db.session.add(session)
        db.session.flush()
        video = _answer(student, session.items[0].id, "video")
        text = _answer(student, session.items[1].id, "text")
        db.session.commit()
        return World(classroom.id, video.id, text.id, classroom.rubric[0].id, classroom.rubric[1].id,
                     other.id, other.rubric[0].id, student)


@pytest.fixture
def teacher(app, world):
    return as_user(app, "teach@example.com")


@pytest.fixture
def student(app, world):
    return as_user(app, "ada@example.com")


@pytest.fixture
def sent(monkeypatch):
    """Emails notify() would send: (to, subject)."""
    emails = []
    monkeypatch.setattr("interview.notify.send_email", lambda to, subject, body: emails.append((to, subject)))
    return emails


def comments(app, attempt_id):
    with app.app_context():
        return [(c.at_seconds, c.body) for c in db.session.scalars(
            db.select(AnswerComment).where(AnswerComment.attempt_id == attempt_id).order_by(AnswerComment.id))]


def marks(app, attempt_id):
    with app.app_context():
        return {m.criterion_id: m.score for m in db.session.scalars(
            db.select(RubricMark).where(RubricMark.attempt_id == attempt_id))}


def notices(app, user_id):
    with app.app_context():
        return [(n.message, n.link) for n in db.session.scalars(
            db.select(Notice).where(Notice.user_id == user_id).order_by(Notice.id))]


def feedback_data(html):
    match = re.search(r'<script type="application/json" id="feedback-data">(.*?)</script>', html, re.S)
    assert match, "the page has no feedback data"
    return json.loads(match.group(1))


# The instructor gives feedback ------------------------------------------------------------

def test_the_instructor_sees_the_feedback_panel_on_a_session_answer(teacher, world):
    html = teacher.get(f"/attempts/{world.video}/report").data.decode()
    assert 'id="comment-form"' in html and 'id="comment-at-now"' in html and 'id="comment-at_seconds"' in html
    assert f'max="{LAST_MOMENT}"' in html
    assert 'id="marks-form"' in html and "Clarity" in html and "Structure" in html
    assert f'href="/classes/{world.classroom}/rubric"' in html
    assert 'src="/static/feedback.js"' in html


def test_a_comment_at_a_moment_is_saved_and_the_student_is_told_once(app, teacher, world, sent):
    response = post(teacher, f"/attempts/{world.video}/comments",
                    **{"comment-body": "Slow down here.", "comment-at_seconds": "1.26"})
    assert response.status_code == 303
    assert re.search(rf"/attempts/{world.video}/report#comment-\d+$", response.headers["Location"])
    assert comments(app, world.video) == [(1.3, "Slow down here.")]
    with app.app_context():
        question = db.session.get(Attempt, world.video).question.text
    assert notices(app, world.student) == [
        (f"Grace commented on your answer to “{question}”", f"/attempts/{world.video}/report#feedback")]
    assert sent == [("ada@example.com", "New feedback on your answer")]
    html = teacher.get(f"/attempts/{world.video}/report").data.decode()
    assert "Slow down here." in html and 'data-seek="1.3"' in html and ">0:01</button>" in html


def test_a_comment_on_the_whole_answer_has_no_moment(app, teacher, world):
    for attempt_id in (world.video, world.text):
        assert post(teacher, f"/attempts/{attempt_id}/comments", **{"comment-body": "Good overall."}).status_code == 303
        assert comments(app, attempt_id) == [(None, "Good overall.")]
    html = teacher.get(f"/attempts/{world.text}/report").data.decode()
    assert "Good overall." in html and "Whole answer" in html
    assert 'id="comment-at_seconds"' not in html  # a written answer has no moments


@pytest.mark.parametrize("body, at, attempt", [
    ("", "", "video"),
    ("   ", "1", "video"),
    ("x" * 2001, "", "video"),
    ("Fine.", "-1", "video"),
    ("Fine.", str(LAST_MOMENT + 0.1), "video"),
    ("Fine.", "nan", "video"),
    ("Fine.", "inf", "video"),
    ("Fine.", "soon", "video"),
    ("Fine.", "2", "text"),
])
def test_an_invalid_comment_is_refused_and_kept_for_another_try(app, teacher, world, body, at, attempt):
    attempt_id = getattr(world, attempt)
    response = post(teacher, f"/attempts/{attempt_id}/comments", **{"comment-body": body, "comment-at_seconds": at})
    assert response.status_code == 400
    assert 'id="feedback-errors"' in response.data.decode() and 'id="comment-form"' in response.data.decode()
    assert comments(app, attempt_id) == []
    assert notices(app, world.student) == []


def test_a_comment_of_2000_characters_at_the_last_moment_is_taken(app, teacher, world):
    response = post(teacher, f"/attempts/{world.video}/comments",
                    **{"comment-body": "x" * 2000, "comment-at_seconds": str(LAST_MOMENT)})
    assert response.status_code == 303
    assert comments(app, world.video) == [(LAST_MOMENT, "x" * 2000)]


def test_feedback_posts_need_the_csrf_token(app, teacher, world):
    assert teacher.post(f"/attempts/{world.video}/comments", data={"comment-body": "Hi"}).status_code == 400
    assert teacher.post(f"/attempts/{world.video}/marks", data={f"mark_{world.clarity}": "3"}).status_code == 400
    assert teacher.post(f"/classes/{world.classroom}/rubric", data={"new-name": "Pace"}).status_code == 400
    assert comments(app, world.video) == [] and marks(app, world.video) == {}


def test_the_instructor_deletes_their_own_comment_only_through_its_answer(app, teacher, world):
    post(teacher, f"/attempts/{world.video}/comments", **{"comment-body": "Oops."})
    with app.app_context():
        comment_id = db.session.scalar(db.select(AnswerComment.id))
    assert post(teacher, f"/attempts/{world.text}/comments/{comment_id}/delete").status_code == 404
    assert comments(app, world.video) == [(None, "Oops.")]
    assert post(teacher, f"/attempts/{world.video}/comments/{comment_id}/delete").status_code == 303
    assert comments(app, world.video) == []
    assert post(teacher, f"/attempts/{world.video}/comments/{comment_id}/delete").status_code == 404


def test_rubric_marks_are_saved_together_and_the_student_is_told_once_per_change(app, teacher, world, sent):
    url = f"/attempts/{world.video}/marks"
    response = post(teacher, url, **{f"mark_{world.clarity}": "4", f"mark_{world.structure}": "2"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#rubric-marks")
    assert marks(app, world.video) == {world.clarity: 4, world.structure: 2}
    assert len(notices(app, world.student)) == 1 and len(sent) == 1
    message = notices(app, world.student)[0][0]
    assert message.startswith("Grace marked your answer to “") and message.endswith("” on the class rubric")

    post(teacher, url, **{f"mark_{world.clarity}": "4", f"mark_{world.structure}": "2"})
    assert len(notices(app, world.student)) == 1  # nothing changed: nobody is told

    post(teacher, url, **{f"mark_{world.clarity}": "5", f"mark_{world.structure}": ""})
    assert marks(app, world.video) == {world.clarity: 5}
    assert len(notices(app, world.student)) == 2 and len(sent) == 2

    html = teacher.get(f"/attempts/{world.video}/report").data.decode()
    assert re.search(rf'<option selected value="5">5</option>|<option value="5" selected>5</option>', html)


@pytest.mark.parametrize("score", ["0", "6", "3.5", "high"])
def test_a_mark_outside_1_to_5_is_refused(app, teacher, world, score):
    response = post(teacher, f"/attempts/{world.video}/marks",
                    **{f"mark_{world.clarity}": score, f"mark_{world.structure}": "3"})
    assert response.status_code == 400
    assert marks(app, world.video) == {} and notices(app, world.student) == []


def test_a_mark_on_another_class_criterion_is_refused(app, teacher, world):
    response = post(teacher, f"/attempts/{world.video}/marks",
                    **{f"mark_{world.clarity}": "3", f"mark_{world.other_criterion}": "5"})
    assert response.status_code == 400
    assert "not in this class" in response.data.decode()
    assert marks(app, world.video) == {}


# The student reads it ---------------------------------------------------------------------

def _give_feedback(teacher, world):
    """Two comments (one at 2 s, one on the whole answer) and one mark (Clarity 4)."""
    for response in (
        post(teacher, f"/attempts/{world.video}/comments", **{"comment-body": "Great <b>smile</b>.", "comment-at_seconds": "2"}),
        post(teacher, f"/attempts/{world.video}/comments", **{"comment-body": "Clear story overall."}),
        post(teacher, f"/attempts/{world.video}/marks", **{f"mark_{world.clarity}": "4"}),
    ):
        assert response.status_code == 303, response.data[:300]


def test_the_student_sees_comments_at_their_moments_and_the_marks(teacher, student, world):
    _give_feedback(teacher, world)
    html = student.get(f"/attempts/{world.video}/report").data.decode()
    assert 'id="feedback"' in html and "Feedback from your instructor" in html
    assert "Great &lt;b&gt;smile&lt;/b&gt;." in html and "<b>smile</b>" not in html
    assert 'data-seek="2.0"' in html and ">0:02</button>" in html
    assert "Clear story overall." in html and "Whole answer" in html
    assert html.index("Clear story overall.") < html.index("Great &lt;b&gt;")  # whole-answer first
    data = feedback_data(html)
    assert [(c["at"], c["body"]) for c in data["comments"]] == [(2.0, "Great <b>smile</b>.")]
    assert data["latest_moment"] == LAST_MOMENT
    assert 'id="marks-table"' in html and "Clarity" in html and "4 / 5" in html
    assert "Structure" not in html  # not marked: not shown
    assert 'id="comment-form"' not in html and 'id="marks-form"' not in html
    assert 'src="/static/feedback.js"' in html


def test_new_feedback_is_flagged_until_the_student_opens_the_report(app, teacher, student, world):
    history = student.get("/history").data.decode()
    assert "new feedback" not in history
    _give_feedback(teacher, world)
    history = student.get("/history").data.decode()
    assert f'id="new-feedback-{world.video}"' in history and f'id="new-feedback-{world.text}"' not in history

    first = student.get(f"/attempts/{world.video}/report").data.decode()
    assert 'id="feedback-new"' in first and first.count('class="badge-new">new<') == 3  # 2 comments, 1 mark
    assert "new feedback" not in student.get("/history").data.decode()
    assert 'id="feedback-new"' not in student.get(f"/attempts/{world.video}/report").data.decode()
    with app.app_context():
        assert db.session.get(Attempt, world.video).feedback_seen_at is not None

    post(teacher, f"/attempts/{world.video}/marks", **{f"mark_{world.clarity}": "5"})
    assert f'id="new-feedback-{world.video}"' in student.get("/history").data.decode()
    again = student.get(f"/attempts/{world.video}/report").data.decode()
    assert again.count('class="badge-new">new<') == 1  # only the changed mark


def test_the_instructor_opening_the_report_does_not_clear_the_students_badge(app, teacher, student, world):
    _give_feedback(teacher, world)
    teacher.get(f"/attempts/{world.video}/report")
    assert f'id="new-feedback-{world.video}"' in student.get("/history").data.decode()


def test_the_student_of_a_session_answer_without_feedback_is_told_there_is_none_yet(student, world):
    html = student.get(f"/attempts/{world.text}/report").data.decode()
    assert "has not commented on this answer yet" in html and 'id="no-marks"' in html


def test_an_answer_outside_any_class_has_no_feedback_section(app, client, auth, fake_model):
    from tests.conftest import post_text_answer

    auth.signup_and_login("solo@example.com", PASSWORD)
    response = post_text_answer(client)
    html = client.get(response.headers["Location"]).data.decode()
    assert "Big Five" in html and 'id="feedback"' not in html


def test_a_recruiter_viewing_a_shared_answer_sees_no_feedback(app, teacher, world):
    _give_feedback(teacher, world)
    with app.app_context():
        db.session.add(Share(owner_id=world.student, kind="answers", recipient_email="hire@example.com",
                             items=[ShareItem(attempt_id=world.video)]))
        db.session.commit()
    recruiter = as_user(app, "hire@example.com")
    page = recruiter.get(f"/attempts/{world.video}/report")
    assert page.status_code == 200  # the share works...
    html = page.data.decode()
    assert 'id="feedback"' not in html and "smile" not in html and "Clarity" not in html  # ...feedback stays private
    assert "feedback-data" not in html


# Who may: everyone else gets 404 ----------------------------------------------------------

def feedback_urls(world):
    return [
        ("post", f"/attempts/{world.video}/comments", {"comment-body": "Hi", "comment-at_seconds": "1"}),
        ("post", f"/attempts/{world.text}/comments", {"comment-body": "Hi"}),
        ("post", f"/attempts/{world.video}/comments/{world.existing_comment}/delete", {}),
        ("post", f"/attempts/{world.video}/marks", {f"mark_{world.clarity}": "3"}),
        ("get", f"/classes/{world.classroom}/rubric", {}),
        ("post", f"/classes/{world.classroom}/rubric", {"new-name": "Pace"}),
        ("post", f"/classes/{world.classroom}/rubric/{world.clarity}", {f"c{world.clarity}-name": "Renamed"}),
        ("post", f"/classes/{world.classroom}/rubric/{world.clarity}/move", {"direction": "down"}),
        ("post", f"/classes/{world.classroom}/rubric/{world.clarity}/delete", {}),
    ]


@pytest.fixture
def commented(app, teacher, world):
    post(teacher, f"/attempts/{world.video}/comments", **{"comment-body": "Kept.", "comment-at_seconds": "1"})
    with app.app_context():
        world.existing_comment = db.session.scalar(db.select(AnswerComment.id))
    return world


def assert_nothing_changed(app, world):
    assert comments(app, world.video) == [(1.0, "Kept.")] and comments(app, world.text) == []
    assert marks(app, world.video) == {}
    with app.app_context():
        assert [(c.name, c.position) for c in db.session.get(Classroom, world.classroom).rubric] == [
            ("Clarity", 0), ("Structure", 1)]


@pytest.mark.parametrize("email", ["other@example.com", "ada@example.com", "hire@example.com",
                                   "stranger@example.com"])
def test_everyone_but_the_classes_instructor_gets_404_on_every_feedback_url(app, commented, email):
    outsider = as_user(app, email)
    for method, url, data in feedback_urls(commented):
        response = outsider.get(url) if method == "get" else post(outsider, url, **data)
        assert response.status_code == 404, (email, url)
    assert_nothing_changed(app, commented)


def test_signed_out_visitors_are_sent_to_sign_in(app, commented):
    visitor = app.test_client()
    for method, url, data in feedback_urls(commented):
        response = visitor.get(url) if method == "get" else post(visitor, url, **data)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url
    assert_nothing_changed(app, commented)


def test_the_instructor_loses_access_when_the_student_leaves_the_class(app, teacher, commented):
    world = commented
    with app.app_context():
        membership = db.session.scalar(db.select(ClassMembership).where(ClassMembership.user_id == world.student))
        membership.left_at = datetime.now(timezone.utc)
        db.session.commit()
    assert teacher.get(f"/attempts/{world.video}/report").status_code == 404
    for method, url, data in feedback_urls(world)[:4]:
        assert post(teacher, url, **data).status_code == 404, url
    assert_nothing_changed(app, world)
    assert teacher.get(f"/classes/{world.classroom}/rubric").status_code == 200  # the class is still theirs
    html = as_user(app, "ada@example.com").get(f"/attempts/{world.video}/report").data.decode()
    assert "Kept." in html  # what was said stays with the student


def test_the_other_classes_rubric_is_404_to_this_instructor(teacher, world):
    assert teacher.get(f"/classes/{world.other_classroom}/rubric").status_code == 404
    assert post(teacher, f"/classes/{world.classroom}/rubric/{world.other_criterion}", **{
        f"c{world.other_criterion}-name": "Mine now"}).status_code == 404
    assert post(teacher, f"/classes/{world.classroom}/rubric/{world.other_criterion}/delete").status_code == 404
    assert teacher.get("/classes/999999/rubric").status_code == 404


# The rubric page ----------------------------------------------------------------------------

def rubric_of(app, classroom_id):
    with app.app_context():
        return [(c.name, c.description, c.position) for c in db.session.get(Classroom, classroom_id).rubric]


def test_the_instructor_adds_edits_orders_and_removes_criteria(app, teacher, world):
    url = f"/classes/{world.classroom}/rubric"
    page = teacher.get(url)
    assert page.status_code == 200 and 'id="criterion-add"' in page.data.decode()
    assert post(teacher, url, **{"new-name": " Pace ", "new-description": "Neither rushed nor slow"}).status_code == 303
    assert rubric_of(app, world.classroom)[-1] == ("Pace", "Neither rushed nor slow", 2)

    assert post(teacher, f"{url}/{world.clarity}", **{f"c{world.clarity}-name": "Clear answer",
                                                        f"c{world.clarity}-description": ""}).status_code == 303
    assert rubric_of(app, world.classroom)[0] == ("Clear answer", None, 0)

    assert post(teacher, f"{url}/{world.clarity}/move", direction="down").status_code == 303
    assert [name for name, _, _ in rubric_of(app, world.classroom)] == ["Structure", "Clear answer", "Pace"]
    assert post(teacher, f"{url}/{world.structure}/move", direction="up").status_code == 303  # already first
    assert post(teacher, f"{url}/{world.structure}/move", direction="sideways").status_code == 400

    post(teacher, f"/attempts/{world.video}/marks", **{f"mark_{world.clarity}": "4", f"mark_{world.structure}": "2"})
    assert post(teacher, f"{url}/{world.clarity}/delete").status_code == 303
    assert rubric_of(app, world.classroom) == [("Structure", "Structure, done well", 0),
                                               ("Pace", "Neither rushed nor slow", 1)]
    assert marks(app, world.video) == {world.structure: 2}  # the removed criterion's marks went with it
    html = teacher.get(url).data.decode()
    assert html.index("Structure") < html.index("Pace")


@pytest.mark.parametrize("name, description, message", [
    ("", "", "Name the criterion."),
    ("x" * 81, "", "under 80 characters"),
    ("Pace", "y" * 301, "under 300 characters"),
    ("clarity", "", "already has a criterion named"),
])
def test_an_invalid_criterion_is_refused_with_its_reason(app, teacher, world, name, description, message):
    before = rubric_of(app, world.classroom)
    response = post(teacher, f"/classes/{world.classroom}/rubric", **{"new-name": name, "new-description": description})
    assert response.status_code == 400 and message in response.data.decode()
    response = post(teacher, f"/classes/{world.classroom}/rubric/{world.structure}",
                    **{f"c{world.structure}-name": name, f"c{world.structure}-description": description})
    assert response.status_code == 400 and message in response.data.decode()
    assert rubric_of(app, world.classroom) == before


def test_a_rubric_holds_at_most_12_criteria(app, teacher, world):
    url = f"/classes/{world.classroom}/rubric"
    for number in range(10):
        assert post(teacher, url, **{"new-name": f"Criterion {number}"}).status_code == 303
    assert 'id="criterion-add"' not in teacher.get(url).data.decode()
    response = post(teacher, url, **{"new-name": "One more"})
    assert response.status_code == 400 and "at most 12" in response.data.decode()
    assert len(rubric_of(app, world.classroom)) == 12


def test_a_class_without_a_rubric_points_its_instructor_to_define_one(app, teacher, world):
    with app.app_context():
        classroom = db.session.get(Classroom, world.classroom)
        classroom.rubric.clear()
        db.session.commit()
    html = teacher.get(f"/attempts/{world.video}/report").data.decode()
    assert 'id="define-rubric"' in html and 'id="marks-form"' not in html
    assert post(teacher, f"/attempts/{world.video}/marks", **{f"mark_{world.clarity}": "3"}).status_code == 400
