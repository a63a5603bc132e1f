"""Cohort averages count every other candidate once, and never the user asking."""
from interview.extensions import db
from interview.models import Attempt, Score, User
from interview.answers.services import delete_attempt
from interview.scoring import cohort_averages, cohort_query, record_scores
from tests.databases import sqlite_only


def _user(email, role="candidate"):
    user = User(email=email, display_name=email, password_hash="x", role=role)
    db.session.add(user)
    db.session.flush()
    return user


def _score(user, value, question_id=1, name="openness"):
    attempt = Attempt(user_id=user.id, question_id=question_id, modality="text", source="typed",
                      status="complete")
    attempt.scores = [Score(user_id=user.id, question_id=question_id, modality="text",
                            name=name, value=value)]
    db.session.add(attempt)
    db.session.flush()
    record_scores(attempt)
    return attempt


def test_each_candidate_counts_once(app):
    with app.app_context():
        me, busy, once = _user("me@x.org"), _user("busy@x.org"), _user("once@x.org")
        _score(me, 99)
        for _ in range(10):
            _score(busy, 10)
        _score(once, 50)
        db.session.commit()
        average = cohort_averages("text", exclude_user_id=me.id)["openness"]
        assert average.candidates == 2
        assert average.mean == 30  # (10 + 50) / 2, not weighted by busy's ten attempts


def test_only_candidates_count_in_the_average(app):
    with app.app_context():
        me, other = _user("me@x.org"), _user("o@x.org")
        staff = [_user(f"{role}@x.org", role) for role in ("recruiter", "instructor", "admin")]
        _score(other, 20)
        for user in staff:
            _score(user, 90)
        db.session.commit()
        average = cohort_averages("text", exclude_user_id=me.id)["openness"]
        assert (average.mean, average.candidates) == (20, 1)
        staff[0].role = "candidate"  # a recruiter who becomes a candidate counts from then on
        db.session.commit()
        average = cohort_averages("text", exclude_user_id=me.id)["openness"]
        assert (average.mean, average.candidates) == (55, 2)


def test_per_question_average(app):
    with app.app_context():
        me, other = _user("me@x.org"), _user("o@x.org")
        _score(other, 20, question_id=1)
        _score(other, 80, question_id=2)
        db.session.commit()
        assert cohort_averages("text", me.id, question_id=2)["openness"].mean == 80
        assert cohort_averages("text", other.id) == {}


def test_deleting_an_attempt_takes_it_out_of_the_average(app):
    with app.app_context():
        me, other = _user("me@x.org"), _user("o@x.org")
        _score(other, 20)
        high = _score(other, 80)
        db.session.commit()
        assert cohort_averages("text", me.id)["openness"].mean == 50
        delete_attempt(high)
        assert cohort_averages("text", me.id)["openness"].mean == 20
        delete_attempt(db.session.query(Attempt).one())
        assert cohort_averages("text", me.id) == {}


@sqlite_only("EXPLAIN QUERY PLAN; tests/test_postgres.py reads PostgreSQL's plan")
def test_cohort_query_reads_the_totals_primary_key(app):
    """The query cohort_averages really sends (compiled from it, not written out again)."""
    with app.app_context():
        query = cohort_query("text", exclude_user_id=1).compile(
            dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
        plan = db.session.execute(db.text(f"EXPLAIN QUERY PLAN {query}")).all()
        score_total_steps = [row[-1] for row in plan if "score_total" in row[-1]]
        assert score_total_steps and all("PRIMARY KEY" in step for step in score_total_steps), plan


def test_emotion_readings_of_someone_who_switched_them_off_count_in_no_average(app):
    with app.app_context():
        me, shown, hidden = _user("me@x.org"), _user("shown@x.org"), _user("hidden@x.org")
        hidden.emotion_readings_enabled = False
        for user, value in ((shown, 20), (hidden, 80)):
            _score(user, value, name="voice_happy")
            _score(user, value, name="pause_count")
        db.session.commit()
        averages = cohort_averages("text", exclude_user_id=me.id)
        assert (averages["voice_happy"].mean, averages["voice_happy"].candidates) == (20, 1)
        assert (averages["pause_count"].mean, averages["pause_count"].candidates) == (50, 2)
