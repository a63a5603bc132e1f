"""The text interview through the web layer, with a fake model (the real one has its own tests)."""
import io

import pytest

from interview.extensions import db
from interview.models import Attempt, Question, Score
from tests.conftest import ESSAY_LIKE_ANSWER, csrf_token_from, post_text_answer
from tests.pdf_factory import encrypted_pdf, text_pdf


def test_question_bank_is_seeded_with_categories(client, auth, app):
    auth.signup_and_login()
    with app.app_context():
        questions = db.session.query(Question).all()
        assert len(questions) >= 20
        assert {"behavioural", "motivation", "teamwork", "leadership", "conflict", "failure"} <= {
            q.category for q in questions}
    page = client.get("/questions")
    assert b"Tell me about yourself." in page.data


def test_typed_answer_gives_a_report(client, auth, fake_model, app):
    auth.signup_and_login()
    response = post_text_answer(client)
    assert response.status_code == 302
    report = client.get(response.headers["Location"])
    assert report.status_code == 200
    for trait in (b"Openness", b"Conscientiousness", b"Extraversion", b"Agreeableness", b"Neuroticism"):
        assert trait in report.data
    assert b"60% accurate" in report.data  # the model's confidence is shown
    assert b'<span class="word">people</span>' in report.data  # top words (stop words removed)
    assert b'<span class="word">the</span>' not in report.data
    with app.app_context():
        attempt = db.session.query(Attempt).one()
        assert attempt.status == "complete" and attempt.source == "typed"
        assert len(attempt.scores) == 5


def test_pdf_answer_gives_a_report(client, auth, fake_model):
    auth.signup_and_login()
    pdf = text_pdf([ESSAY_LIKE_ANSWER])
    response = post_text_answer(client, answer="", document=(io.BytesIO(pdf), "letter.pdf"))
    assert response.status_code == 302
    report = client.get(response.headers["Location"])
    assert b"PDF upload" in report.data


@pytest.mark.parametrize("answer, message", [
    ("", b"Write your answer"),
    ("Too short to say anything.", b"at least 50"),
    ("word " * 5001, b"the limit is 5000"),
    (("Je pense que mon exp\u00e9rience dans une petite entreprise m'a appris \u00e0 travailler "
      "avec des gens tr\u00e8s diff\u00e9rents et \u00e0 trouver des solutions simples. ") * 5,
     b"does not look like English"),
])
def test_bad_text_gets_a_clear_message_and_keeps_the_answer(client, auth, fake_model, answer, message, app):
    auth.signup_and_login()
    response = post_text_answer(client, answer=answer)
    assert response.status_code in (400, 422)
    assert message in response.data
    if answer.strip():
        assert answer.split()[0].encode() in response.data  # what was typed is still in the box
    with app.app_context():
        assert db.session.query(Attempt).count() == 0
    assert fake_model.calls == 0


@pytest.mark.parametrize("data, filename, message", [
    (b"%PDF-1.4 broken", "cv.pdf", b"damaged"),
    (b"hello, I am a text file", "cv.pdf", b"not a PDF"),
    (b"", "cv.pdf", b"Write your answer"),
])
def test_bad_pdf_gets_a_clear_message(client, auth, fake_model, data, filename, message):
    auth.signup_and_login()
    response = post_text_answer(client, answer="", document=(io.BytesIO(data), filename))
    assert response.status_code == 422
    assert message in response.data


def test_encrypted_pdf_message(client, auth, fake_model):
    auth.signup_and_login()
    response = post_text_answer(client, answer="",
                                document=(io.BytesIO(encrypted_pdf(ESSAY_LIKE_ANSWER)), "cv.pdf"))
    assert response.status_code == 422 and b"password-protected" in response.data


def test_huge_upload_is_413_with_a_readable_page(client, auth, app, fake_model):
    auth.signup_and_login()
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    big = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024)
    response = post_text_answer(client, answer="", document=(io.BytesIO(big), "big.pdf"))
    assert response.status_code == 413
    assert b"too large" in response.data and b"1 MB" in response.data


def test_unknown_question_is_404(client, auth):
    auth.signup_and_login()
    assert client.get("/text/questions/9999").status_code == 404


def test_other_users_cannot_see_or_delete_an_attempt(client, auth, app, fake_model):
    auth.signup_and_login()
    report_url = post_text_answer(client).headers["Location"]
    attempt_id = int(report_url.split("/")[-2])
    client.post("/auth/logout", data={"csrf_token": csrf_token_from(client.get("/"))})

    auth.signup_and_login(email="eve@example.com")
    assert client.get(report_url).status_code == 404
    token = csrf_token_from(client.get("/history"))
    assert client.post(f"/attempts/{attempt_id}/delete", data={"csrf_token": token}).status_code == 404
    assert b"Tell me about yourself" not in client.get("/history").data
    with app.app_context():
        assert db.session.get(Attempt, attempt_id) is not None


def test_owner_deletes_an_attempt_and_its_scores(client, auth, app, fake_model):
    auth.signup_and_login()
    attempt_id = int(post_text_answer(client).headers["Location"].split("/")[-2])
    token = csrf_token_from(client.get("/history"))
    assert client.post(f"/attempts/{attempt_id}/delete", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(Attempt, attempt_id) is None
        assert db.session.query(Score).count() == 0


def test_report_compares_with_other_candidates_only(client, auth, app, monkeypatch):
    from tests.conftest import FakeTextAnalyzer

    # Two other candidates score 20 and 30 on extraversion; our user scores 80.
    for email, base in (("a@example.com", 20.0), ("b@example.com", 30.0), ("me@example.com", 80.0)):
        monkeypatch.setattr("interview.text.services.get_text_analyzer",
                            lambda base=base: FakeTextAnalyzer(base))
        auth.signup_and_login(email=email)
        response = post_text_answer(client)
        if email != "me@example.com":
            client.post("/auth/logout", data={"csrf_token": csrf_token_from(client.get("/"))})
    report = client.get(response.headers["Location"]).data.decode()
    extraversion_row = report.split('data-trait="extraversion"')[1].split("</tr>")[0]
    assert '<td class="score">80</td>' in extraversion_row
    assert "25" in extraversion_row and "(2)" in extraversion_row  # mean of 20 and 30, 2 candidates
    assert "2 candidates" in report


def test_history_shows_progress_over_attempts(client, auth, fake_model):
    auth.signup_and_login()
    post_text_answer(client, question_id=1)
    second = post_text_answer(client, question_id=2)
    report = client.get(second.headers["Location"]).data
    assert b"Tell me about yourself." in report
    assert b"Walk me through your CV" in report
    assert b"This is your first written answer" not in report
