"""'Answer this question again' goes where the question can really be answered again."""
from datetime import datetime, timedelta, timezone

import pytest

from interview.extensions import db
from interview.models import Attempt, ClassMembership, Classroom, MockSession, Question, SessionItem
from tests.conftest import post_text_answer


def _class_session(app, student_id, retakes: bool, in_bank: bool) -> int:
    """A text question (from the bank or written for the class) in an open class session."""
    now = datetime.now(timezone.utc)
    with app.app_context():
        question = db.session.get(Question, 1) if in_bank else Question(
            text="Why this course?", category="custom", in_bank=False)
        db.session.add(question)
        classroom = Classroom(instructor_id=student_id, name="Class", join_code="ABCDEFGH")
        db.session.add(classroom)
        db.session.flush()
        db.session.add(ClassMembership(classroom_id=classroom.id, user_id=student_id))
        session = MockSession(owner_id=student_id, classroom_id=classroom.id, title="Mock",
                              opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=1),
                              retakes_allowed=retakes)
        session.items = [SessionItem(question_id=question.id, position=1, mode="text", time_limit_seconds=120)]
        db.session.add(session)
        db.session.commit()
        return session.items[0].id


def _answer_in_session(client, app, item_id):
    with app.app_context():
        question_id = db.session.get(SessionItem, item_id).question_id
    response = post_text_answer(client, question_id=f"{question_id}?session_item={item_id}")
    assert response.status_code == 302, response.data[:300]
    with app.app_context():
        return db.session.scalar(db.select(Attempt.id).where(Attempt.session_item_id == item_id))


@pytest.mark.parametrize("retakes", [True, False])
def test_a_session_answer_is_answered_again_inside_its_session_only_with_retakes(client, auth, app, fake_model, retakes):
    user_id = auth.signup_and_login()
    item_id = _class_session(app, user_id, retakes=retakes, in_bank=False)
    attempt_id = _answer_in_session(client, app, item_id)
    report = client.get(f"/attempts/{attempt_id}/report").data.decode()
    if retakes:
        assert f"session_item={item_id}" in report and "Answer this question again" in report
    else:
        assert "Answer this question again" not in report
    # The class's own question is never offered as free practice, and is not reachable there.
    with app.app_context():
        question_id = db.session.get(SessionItem, item_id).question_id
    assert f'href="/text/questions/{question_id}"' not in report
    assert client.get(f"/text/questions/{question_id}").status_code == 404


def test_a_bank_answer_is_answered_again_as_practice(client, auth, fake_model):
    auth.signup_and_login()
    location = post_text_answer(client, question_id=1).headers["Location"]
    assert 'href="/text/questions/1"' in client.get(location).data.decode()
