"""Sign-in time for an existing email (wrong password) against an unknown email.

    .venv/bin/python -m bench.bench_login_timing [--runs 41]

Posts the sign-in form through the real app (migrated SQLite, real password hashing, CSRF and
rate limits switched off so that only the sign-in itself is timed) and prints the median of
each, side by side, with their ratio. Before issue 15 an unknown email skipped the password
hash check and answered about 17 times faster, which told anyone which emails had accounts.
"""
import argparse
import random
import tempfile
from pathlib import Path

from flask_migrate import upgrade

from app import create_app
from bench.timing import report, timed_ms
from interview.auth.services import create_user
from interview.extensions import db


def make_app(root: Path):
    app = create_app({"INSTANCE_PATH": str(root / "instance"), "TESTING": True, "SECRET_KEY": "bench",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'bench.sqlite3'}", "JOBS_ENABLED": False,
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        create_user("known@example.com", "Known", "the right password")
    return app


def sign_in(client, email: str) -> None:
    response = client.post("/auth/login", data={"email": email, "password": "a wrong password"})
    assert response.status_code == 401, response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=41)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder))
        client = app.test_client()
        for email in ("known@example.com", "nobody@example.com"):
            sign_in(client, email)  # warm up: first queries, the stand-in hash
        known, unknown = [], []
        for _ in range(args.runs):  # interleaved, in random order, so drift hits both alike
            pair = [("known", "known@example.com"), ("unknown", "nobody@example.com")]
            random.shuffle(pair)
            for name, email in pair:
                (known if name == "known" else unknown).extend(timed_ms(lambda: sign_in(client, email), 1))
        print(f"sign-in with a wrong password, {args.runs} attempts each:")
        known_median = report("existing email", known)
        unknown_median = report("unknown email", unknown)
        print(f"{'ratio existing / unknown':<46} {known_median / unknown_median:8.2f}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
