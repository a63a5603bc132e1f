"""Fixtures: app -> client/runner, a fake personality model for fast web tests, helpers."""
import os
import re
from pathlib import Path

import pytest
from flask_migrate import upgrade

from app import create_app
from emotion.base import TRAIT_CODES, TRAIT_NAMES, ModelInfo, PersonalityResult, TextAnalysis, TraitScore
from emotion.text import top_words, word_count
from interview.auth import services as accounts
from interview.questions import seed_question_bank
from interview.extensions import db
from tests.databases import POSTGRES_URL, PostgresServer, on_postgres

REPO_ROOT = Path(__file__).resolve().parent.parent
DATASETS = Path(os.environ.get("POISE_DATASETS", REPO_ROOT.parent / "shared" / "datasets"))
FIXTURES = DATASETS / "fixtures"

ESSAY_LIKE_ANSWER = (
    "In my last role I led a small team that rebuilt the way our company handled customer "
    "complaints. We were slow and people were unhappy, so I sat with the support staff for a "
    "week, listened to their calls and wrote down every step that wasted time. Then I worked "
    "with the engineers to remove the worst of them. Within three months the average wait had "
    "fallen by half, and I learned that the best ideas usually come from the people closest "
    "to the problem, which is why I always start by listening before I decide anything."
)


class FakeTextAnalyzer:
    """Deterministic stand-in for the Keras model, so web tests run in milliseconds; the words
    are counted for real."""

    def __init__(self, base: float = 40.0):
        self.base = base
        self.calls = 0

    def analyze(self, text: str) -> TextAnalysis:
        self.calls += 1
        traits = tuple(
            TraitScore(code=code, name=TRAIT_NAMES[code], score=self.base + 5 * i, confidence=0.6)
            for i, code in enumerate(TRAIT_CODES)
        )
        personality = PersonalityResult(traits=traits, model_name="fake", word_count=len(text.split()))
        model = ModelInfo(name="fake", classes=tuple(TRAIT_NAMES.values()), accuracy=0.6)
        return TextAnalysis(personality=personality, top_words=top_words(text, 15),
                            word_count=word_count(text), model=model)


@pytest.fixture
def fake_model(monkeypatch):
    analyzer = FakeTextAnalyzer()
    monkeypatch.setattr("interview.text.services.get_text_analyzer", lambda: analyzer)
    return analyzer


@pytest.fixture(scope="session")
def postgres(tmp_path_factory):
    """The PostgreSQL server named by POISE_TEST_DATABASE_URL, with a migrated and seeded
    template database; None when the tests run on SQLite."""
    if not on_postgres():
        yield None
        return
    server = PostgresServer(POSTGRES_URL)
    server.template = server.create()
    template = create_app({"INSTANCE_PATH": str(tmp_path_factory.mktemp("template")), "SECRET_KEY": "template",
                           "SQLALCHEMY_DATABASE_URI": server.url_for(server.template), "JOBS_ENABLED": False})
    with template.app_context():
        upgrade()
        seed_question_bank()
        db.engine.dispose()
    yield server
    server.close()


@pytest.fixture
def database_url(tmp_path, postgres):
    """A new, migrated database for one test: a SQLite file, or a PostgreSQL database."""
    if postgres is None:
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    name = postgres.create(template=postgres.template)
    yield postgres.url_for(name)
    postgres.drop(name)


@pytest.fixture
def app(tmp_path, database_url):
    app = create_app({
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PDF_TIMEOUT_SECONDS": 10.0,
        "RECORDINGS_DIR": str(tmp_path / "recordings"),
        "JOBS_ENABLED": False,  # tests run jobs explicitly, in the test's own thread
    })
    with app.app_context():
        upgrade()  # the real Alembic migrations, not create_all (a no-op on a copy of the template)
        seed_question_bank()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token_from(response) -> str:
    match = re.search(rb'name="csrf-token" content="([^"]+)"', response.data)
    assert match, "page has no CSRF token"
    return match.group(1).decode()


class AuthActions:
    def __init__(self, app, client):
        self._app = app
        self._client = client

    def create(self, email="ada@example.com", password="correct horse", name="Ada", role="candidate"):
        with self._app.app_context():
            return accounts.create_user(email, name, password, role).id

    def login(self, email="ada@example.com", password="correct horse"):
        page = self._client.get("/auth/login")
        return self._client.post("/auth/login", data={
            "email": email, "password": password, "csrf_token": csrf_token_from(page),
        })

    def signup_and_login(self, email="ada@example.com", password="correct horse", name="Ada", role="candidate"):
        user_id = self.create(email, password, name, role)
        response = self.login(email, password)
        assert response.status_code == 302, response.data[:500]
        return user_id


@pytest.fixture
def auth(app, client):
    return AuthActions(app, client)


def give_recording_consent(client, modality="video"):
    """Agree, on the consent page, to record with the devices ``modality`` uses."""
    page = client.get(f"/privacy/consent/{modality}")
    return client.post(f"/privacy/consent/{modality}", data={"csrf_token": csrf_token_from(page), "next": "/"})


def post_text_answer(client, question_id=1, answer=ESSAY_LIKE_ANSWER, **extra):
    page = client.get(f"/text/questions/{question_id}")
    data = {"answer": answer, "csrf_token": csrf_token_from(page), **extra}
    return client.post(f"/text/questions/{question_id}", data=data,
                       content_type="multipart/form-data")
