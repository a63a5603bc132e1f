"""Cohort average with a million stored scores.

    .venv/bin/python -m bench.bench_cohort [--scores 1000000] [--runs 7]

Fills a throw-away SQLite database (migrated like production) with text attempts from many
candidates, five trait scores each, then times ``cohort_averages`` over all questions and
for one question.
"""
import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from bench.timing import timed_ms
from app import create_app
from emotion.base import TRAIT_NAMES
from interview.questions import seed_question_bank
from interview.extensions import db
from interview.scoring import cohort_averages

TRAITS = list(TRAIT_NAMES.values())


def fill(scores: int, candidates: int, questions: int) -> None:
    rng = random.Random(7)
    attempts = scores // len(TRAITS)
    connection = db.session.connection()
    users = [(i, f"u{i}@x.org", "u", "x", "candidate", "2026-01-01") for i in range(1, candidates + 1)]
    connection.exec_driver_sql(
        "INSERT INTO user (id, email, display_name, password_hash, role, created_at) VALUES (?,?,?,?,?,?)",
        users)
    attempt_rows, score_rows = [], []
    for attempt_id in range(1, attempts + 1):
        user_id, question_id = rng.randint(1, candidates), rng.randint(1, questions)
        attempt_rows.append((attempt_id, user_id, question_id, "text", "complete", "typed", "2026-01-01"))
        score_rows.extend((attempt_id, user_id, question_id, "text", trait, rng.uniform(0, 100))
                          for trait in TRAITS)
    connection.exec_driver_sql(
        "INSERT INTO attempt (id, user_id, question_id, modality, status, source, created_at) "
        "VALUES (?,?,?,?,?,?,?)", attempt_rows)
    connection.exec_driver_sql(
        "INSERT INTO score (attempt_id, user_id, question_id, modality, name, value) VALUES (?,?,?,?,?,?)",
        score_rows)
    # The same per-candidate totals that interview.scoring.record_scores keeps, built in bulk.
    for select_question, group_question in (("0", ""), ("question_id", "question_id, ")):
        connection.exec_driver_sql(
            "INSERT INTO score_total (modality, question_id, name, user_id, total, count) "
            f"SELECT modality, {select_question}, name, user_id, sum(value), count(*) FROM score "
            f"GROUP BY modality, {group_question}name, user_id")
    connection.exec_driver_sql("ANALYZE")
    db.session.commit()




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scores", type=int, default=1_000_000)
    parser.add_argument("--candidates", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": folder, "SECRET_KEY": "bench",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite3'}"})
        with app.app_context():
            upgrade()
            seed_question_bank()
            start = time.perf_counter()
            fill(args.scores, args.candidates, questions=24)
            print(f"stored {args.scores:,} scores from {args.candidates:,} candidates "
                  f"in {time.perf_counter() - start:.1f} s")
            for label, kwargs in (("all questions", {}), ("one question", {"question_id": 3})):
                times = timed_ms(lambda: cohort_averages("text", exclude_user_id=1, **kwargs), args.runs)
                print(f"cohort average, {label:<14} median {statistics.median(times):7.1f} ms "
                      f"(min {min(times):.1f}, max {max(times):.1f}, runs {args.runs})")
            db.engine.dispose()


if __name__ == "__main__":
    main()
