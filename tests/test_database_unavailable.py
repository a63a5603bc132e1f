"""A database that cannot be reached (a PostgreSQL restart) answers 503 with Retry-After, as a
page or as JSON, never a 500 or a traceback."""
import pytest
from sqlalchemy.exc import OperationalError

DOWN = OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


def _database_down(*args, **kwargs):
    raise DOWN


@pytest.mark.parametrize("path, json", [("/questions", False), ("/api/attempts/1", True)])
def test_an_unreachable_database_is_a_503_to_try_again(client, auth, monkeypatch, path, json):
    auth.signup_and_login()
    monkeypatch.setattr("interview.main.services.questions_by_category", _database_down)
    monkeypatch.setattr("interview.answers.services.owned_attempt_or_404", _database_down)
    monkeypatch.setattr("interview.answers.routes.services.owned_attempt_or_404", _database_down)
    response = client.get(path)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    body = response.json["error"] if json else response.data.decode()
    assert "unavailable for a moment" in body and "Traceback" not in body
