"""An id too large for the database is a 404 (or a 400 in a form), never a 500."""
import io

import pytest

from tests.conftest import csrf_token_from

HUGE = str(2**63)  # past SQLite's integer: the driver would overflow
PAGES = ["/attempts/{id}/report", "/attempts/{id}/recording", "/api/attempts/{id}", "/text/attempts/{id}",
         "/text/questions/{id}", "/record/audio/{id}", "/sessions/{id}"]


@pytest.mark.parametrize("template", PAGES)
@pytest.mark.parametrize("number", [HUGE, str(2**31)])
def test_pages_with_a_huge_id_are_not_found(client, auth, template, number):
    auth.signup_and_login()
    assert client.get(template.format(id=number)).status_code == 404


def test_deleting_a_huge_id_is_not_found(client, auth):
    auth.signup_and_login()
    token = csrf_token_from(client.get("/history"))
    assert client.post(f"/attempts/{HUGE}/delete", data={"csrf_token": token}).status_code == 404


def test_an_upload_naming_a_huge_question_is_refused(client, auth):
    auth.signup_and_login()
    token = csrf_token_from(client.get("/questions"))
    for question_id in (HUGE, str(2**31), "-1", "x"):
        response = client.post("/api/attempts", headers={"X-CSRFToken": token}, content_type="multipart/form-data",
                               data={"modality": "audio", "question_id": question_id,
                                     "recording": (io.BytesIO(b"RIFF0000WAVE"), "a.wav")})
        assert response.status_code == 400, (question_id, response.status_code)
