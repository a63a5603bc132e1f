"""What PostgreSQL does differently from SQLite, pinned down: concurrent writers really run at
once (SQLite lets one write at a time), the server has a time zone of its own, and the planner
decides from statistics. The rest of the suite runs on PostgreSQL unchanged when
POISE_TEST_DATABASE_URL is set (scripts/test.sh starts a server and sets it)."""
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from interview.extensions import db
from interview.jobs import claim_next_attempt
from interview.models import Attempt, AttemptStatus, Score, ScoreTotal, User
from interview.scoring import cohort_query, record_scores
from tests.databases import on_postgres

pytestmark = pytest.mark.skipif(not on_postgres(), reason="needs a PostgreSQL server in POISE_TEST_DATABASE_URL "
                                                          "(scripts/test.sh starts one)")


def _candidate(email: str) -> User:
    user = User(email=email, display_name=email, password_hash="x", role="candidate")
    db.session.add(user)
    db.session.commit()
    return user


def _text_attempt(user_id: int, value: float) -> int:
    attempt = Attempt(user_id=user_id, question_id=1, modality="text", source="typed", status="complete")
    attempt.scores = [Score(user_id=user_id, question_id=1, modality="text", name="openness", value=value)]
    db.session.add(attempt)
    db.session.commit()
    return attempt.id


def _wait_until_a_connection_waits_for_a_lock(timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    query = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                 "AND wait_event_type = 'Lock'")
    while time.monotonic() < deadline:
        with db.engine.connect() as connection:
            if connection.execute(query).scalar_one():
                return
        time.sleep(0.05)
    raise AssertionError("the second writer never waited for the first")


def test_two_workers_saving_a_candidates_first_scores_at_once_both_count(app):
    """Both workers find no running total and insert one: the second must add to the first's
    row (an upsert), not fail on the primary key once the first commits."""
    with app.app_context():
        user_id = _candidate("ada@example.com").id
        first, second = _text_attempt(user_id, 40.0), _text_attempt(user_id, 60.0)
        record_scores(db.session.get(Attempt, first))  # inserted, not yet committed
        errors = []

        def second_worker():
            with app.app_context():
                try:
                    record_scores(db.session.get(Attempt, second))
                    db.session.commit()
                except Exception as error:  # reported below, with the test's failure
                    errors.append(error)

        worker = threading.Thread(target=second_worker)
        worker.start()
        _wait_until_a_connection_waits_for_a_lock()
        db.session.commit()
        worker.join(10)
        assert errors == []
        totals = db.session.execute(select(ScoreTotal.question_id, ScoreTotal.total, ScoreTotal.count)
                                    .order_by(ScoreTotal.question_id)).all()
        assert totals == [(0, 100.0, 2), (1, 100.0, 2)]


def test_workers_claiming_at_once_take_each_job_exactly_once(app):
    with app.app_context():
        user_id = _candidate("ada@example.com").id
        jobs = [Attempt(user_id=user_id, question_id=1, modality="audio", source="recording") for _ in range(30)]
        db.session.add_all(jobs)
        db.session.commit()
        claimed: list[int] = []
        start = threading.Barrier(4)

        def worker():
            with app.app_context():
                start.wait()
                while (attempt_id := claim_next_attempt()) is not None:
                    claimed.append(attempt_id)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(claimed) == sorted(job.id for job in jobs)
        assert db.session.scalar(select(func.count()).where(Attempt.status == AttemptStatus.RUNNING)) == 30


def test_timestamps_read_back_in_utc_whatever_the_servers_time_zone(app):
    """Pages print stored times as UTC (as SQLite hands them back); a server set to another zone
    must not shift them."""
    with app.app_context():
        database = db.engine.url.database
        db.session.execute(text(f"ALTER DATABASE \"{database}\" SET timezone = 'America/New_York'"))
        db.session.commit()
        db.engine.dispose()  # new connections start with the database's zone
        user = _candidate("ada@example.com")
        db.session.expire_all()
        assert db.session.get(User, user.id).created_at.utcoffset() == timedelta(0)
        assert db.session.execute(text("SHOW timezone")).scalar_one() == "UTC"


def _plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _plan_nodes(child)


def test_cohort_query_reads_the_totals_primary_key(app):
    """With many candidates, questions and modalities, the cohort average reads its slice of
    score_total through the primary key (the counterpart of test_scoring's SQLite plan test)."""
    with app.app_context():
        db.session.execute(text(
            "INSERT INTO \"user\" (email, display_name, password_hash, role, created_at, emotion_readings_enabled) "
            "SELECT 'c' || n || '@x.org', 'c' || n, 'x', 'candidate', now(), true FROM generate_series(1, 400) n"))
        db.session.execute(text(
            "INSERT INTO score_total (modality, question_id, name, user_id, total, count) "
            "SELECT modality, question_id, name, u.id, 50, 1 FROM \"user\" u, "
            "unnest(ARRAY['text', 'audio', 'video']) modality, generate_series(0, 20) question_id, "
            "unnest(ARRAY['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism']) name"))
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        query = cohort_query("text", exclude_user_id=1).compile(
            dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
        plan = db.session.execute(text(f"EXPLAIN (FORMAT JSON) {query}")).scalar_one()[0]["Plan"]
        on_totals = [node for node in _plan_nodes(plan) if node.get("Relation Name") == "score_total"]
        indexes = {node.get("Index Name") for node in _plan_nodes(plan)}
        assert on_totals and all(node["Node Type"] != "Seq Scan" for node in on_totals), plan
        assert "score_total_pkey" in indexes, plan


def test_pages_survive_the_database_server_dropping_every_connection(app, client, auth):
    """As after a PostgreSQL restart: pooled connections are dead; the next request must not
    be the one that finds out (a 500)."""
    auth.signup_and_login()
    assert client.get("/").status_code == 200
    with app.app_context():
        outsider = create_engine(db.engine.url, poolclass=NullPool)  # not one of the pool's own
    with outsider.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    assert client.get("/").status_code == 200
