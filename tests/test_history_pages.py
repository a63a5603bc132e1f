"""The history page comes in pages (issue 15, finding 9): 50 answers a page with next and
previous links, the question filter applied on the server across every page, and the trend
charts still following every finished answer."""
import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from interview.extensions import db
from interview.models import Attempt, AttemptStatus, Score, User

PER_PAGE = 50


def add_answers(app, email, count, questions=(1, 2, 3)) -> list[int]:
    """``count`` finished written answers, one minute apart (the newest last), cycling through
    ``questions``; each with its five traits, as the text analysis stores them."""
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    traits = ("openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism")
    with app.app_context():
        user_id = db.session.query(User.id).filter_by(email=email).scalar()
        attempts = []
        for n in range(count):
            question_id = questions[n % len(questions)]
            attempt = Attempt(user_id=user_id, question_id=question_id, modality="text", source="typed",
                              status=AttemptStatus.COMPLETE, progress=100, word_count=120,
                              answer_text="An answer. " * 20, created_at=start + timedelta(minutes=n))
            attempt.scores = [Score(user_id=user_id, question_id=question_id, modality="text",
                                    name=name, value=40.0 + i) for i, name in enumerate(traits)]
            attempts.append(attempt)
        db.session.add_all(attempts)
        db.session.commit()
        return [a.id for a in attempts]


def row_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-question-id="\d+" data-attempt-id="(\d+)"', html)]


def trend_points(html: str) -> int:
    data = json.loads(re.search(r'<script type="application/json" id="trend-data">(.*?)</script>', html, re.S)[1])
    return sum(len(trend["points"]) for trend in data.values())


@pytest.fixture
def answers(app, auth):
    auth.signup_and_login()
    return add_answers(app, "ada@example.com", 120)


def test_a_page_holds_fifty_answers_newest_first(client, answers):
    html = client.get("/history").data.decode()
    assert row_ids(html) == answers[::-1][:PER_PAGE]
    assert 'rel="next"' in html and "page=2" in html and 'rel="prev"' not in html
    assert "Page 1 of 3" in html


def test_the_pages_meet_without_gaps_or_overlaps(client, answers):
    seen = []
    for page in (1, 2, 3):
        seen += row_ids(client.get(f"/history?page={page}").data.decode())
    assert seen == answers[::-1]
    last = client.get("/history?page=3").data.decode()
    assert len(row_ids(last)) == 20 and 'rel="next"' not in last and 'rel="prev"' in last


@pytest.mark.parametrize("page", ["4", "0", "-1", str(2**63), "99999999999999999999"])
def test_a_page_past_the_end_is_not_found(client, answers, page):
    assert client.get(f"/history?page={page}").status_code == 404


def test_a_page_that_is_not_a_number_is_the_first(client, answers):
    assert row_ids(client.get("/history?page=x").data.decode()) == answers[::-1][:PER_PAGE]


def test_the_trend_charts_still_follow_every_answer(client, answers):
    assert trend_points(client.get("/history?page=2").data.decode()) == len(answers)


def test_the_question_filter_spans_every_page(client, answers):
    html = client.get("/history?question=2").data.decode()
    wanted = answers[1::3][::-1]  # question 2: the 2nd, 5th, ... answer; 40 of them
    assert row_ids(html) == wanted and 'rel="next"' not in html
    assert re.search(r'<option value="2" selected>', html)


def test_the_filter_is_kept_across_pages(app, client, auth):
    auth.signup_and_login()
    ids = add_answers(app, "ada@example.com", 130, questions=(1, 2))
    first = client.get("/history?question=1").data.decode()
    assert "question=1" in re.search(r'<a [^>]*rel="next"[^>]*>', first)[0]
    second = row_ids(client.get("/history?question=1&page=2").data.decode())
    assert second == ids[0::2][::-1][PER_PAGE:2 * PER_PAGE]


def test_a_question_never_answered_shows_no_rows(client, answers):
    response = client.get("/history?question=9")
    assert response.status_code == 200 and row_ids(response.data.decode()) == []


def test_no_one_else_s_answers_appear(app, client, auth):
    auth.create(email="bob@example.com", name="Bob")
    add_answers(app, "bob@example.com", 5)
    auth.signup_and_login()
    html = client.get("/history").data.decode()
    assert row_ids(html) == [] and "You have not answered any question yet" in html


def test_four_hundred_answers_make_a_small_page(app, client, auth):
    auth.signup_and_login()
    add_answers(app, "ada@example.com", 400)
    size = len(client.get("/history").data)
    assert size < 120_000, size
