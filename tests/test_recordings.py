"""Recorded answers through the web layer: uploads, limits, ownership, jobs (fake analysis)."""
import io
from datetime import datetime, timedelta, timezone

from pathlib import Path


from emotion.errors import NoSpeechFound
from interview.extensions import db
from interview.jobs import JobWorker, claim_next_attempt, requeue_stale_attempts
from interview.models import Attempt, Score
from interview.scoring import record_scores
from tests.conftest import FIXTURES, csrf_token_from, give_recording_consent

HAPPY_WEBM = FIXTURES / "av" / "happy_1.webm"


def upload(client, path=HAPPY_WEBM, modality="video", question_id=1, data=None, name="answer.webm"):
    token = csrf_token_from(client.get("/questions"))
    body = data if data is not None else path.read_bytes()
    return client.post("/api/attempts", headers={"X-CSRFToken": token}, content_type="multipart/form-data",
                       data={"modality": modality, "question_id": str(question_id),
                             "recording": (io.BytesIO(body), name)})


def fake_handler(attempt, progress):
    progress(50)
    attempt.details = {"fake": True}
    attempt.scores = [Score(user_id=attempt.user_id, question_id=attempt.question_id,
                            modality=attempt.modality, name="face_happy", value=70.0)]
    record_scores(attempt)


def run_jobs(app, handler=fake_handler):
    with app.app_context():
        worker = JobWorker(app, {"video": handler, "audio": handler})
        while (attempt_id := claim_next_attempt()) is not None:
            worker.run_one(attempt_id)


def test_recording_pages_render_once_the_candidate_has_consented(client, auth):
    auth.signup_and_login()
    first = client.get("/record/audio/1")
    assert first.status_code == 302 and first.headers["Location"].startswith("/privacy/consent/audio")
    consent_page = client.get(first.headers["Location"]).data.decode()
    assert "What the models read" in consent_page and "How long it is kept" in consent_page
    assert "30 days" in consent_page
    agreed = client.post("/privacy/consent/audio", data={"csrf_token": csrf_token_from(client.get("/")),
                                                         "next": "/record/audio/1"})
    assert agreed.status_code == 302 and agreed.headers["Location"] == "/record/audio/1"
    assert b'id="recorder"' in client.get("/record/audio/1").data
    # The microphone is agreed; video asks again, for the camera.
    assert client.get("/record/video/1").headers["Location"].startswith("/privacy/consent/video")
    give_recording_consent(client, "video")
    for modality in ("video", "audio"):
        page = client.get(f"/record/{modality}/1")
        assert page.status_code == 200 and b'id="recorder"' in page.data
    assert client.get("/record/smell/1").status_code == 404


def test_consent_never_redirects_off_the_site(client, auth):
    auth.signup_and_login()
    response = client.post("/privacy/consent/audio", data={"csrf_token": csrf_token_from(client.get("/")),
                                                           "next": "https://evil.example.com/"})
    assert response.status_code == 302 and response.headers["Location"] == "/questions"
    assert client.get("/privacy/consent/smell").status_code == 404


def test_upload_queues_a_job_then_the_report_is_there(client, auth, app):
    auth.signup_and_login()
    response = upload(client)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "pending"
    assert client.get(body["status_url"]).json["status"] == "pending"
    assert b"being analysed" in client.get(body["report_url"]).data
    run_jobs(app)
    assert client.get(body["status_url"]).json == {"id": body["id"], "status": "complete", "progress": 100, "error": None}
    recording = client.get(f"/attempts/{body['id']}/recording")
    assert recording.status_code == 200 and recording.data[:4] == b"\x1a\x45\xdf\xa3"  # a webm (remuxed)
    assert recording.mimetype == "video/webm"


def test_api_needs_sign_in(client):
    assert client.post("/api/attempts").status_code in (400, 401)  # CSRF or sign-in, never 500
    assert client.get("/api/attempts/1").status_code == 401


def test_a_text_file_renamed_webm_is_refused(client, auth, app):
    auth.signup_and_login()
    response = upload(client, data=b"just some notes, not a recording" * 10)
    assert response.status_code == 422
    assert "not a recording" in response.json["error"]
    with app.app_context():
        assert db.session.query(Attempt).count() == 0


def test_empty_upload_is_refused(client, auth):
    auth.signup_and_login()
    response = upload(client, data=b"")
    assert response.status_code == 422 and "empty" in response.json["error"]


def test_audio_file_is_refused_as_a_video_answer(client, auth):
    auth.signup_and_login()
    response = upload(client, path=FIXTURES / "audio" / "03-01-03-02-01-01-10.wav", name="a.wav")
    assert response.status_code == 422 and "video recording" in response.json["error"]


def test_too_long_recording_is_refused_and_not_kept(client, auth, app):
    auth.signup_and_login()
    with app.app_context():
        from interview.models import Question

        db.session.get(Question, 1).time_limit_seconds = 5
        db.session.commit()
    response = upload(client, path=FIXTURES / "av" / "timeline_1.webm")
    assert response.status_code == 422 and "limited to 5 s" in response.json["error"]
    assert not list(Path(app.config["RECORDINGS_DIR"]).rglob("*.webm"))


def test_huge_upload_is_413(client, auth, app):
    auth.signup_and_login()
    app.config["MAX_CONTENT_LENGTH"] = 100 * 1024
    response = upload(client, path=FIXTURES / "av" / "timeline_1.webm")
    assert response.status_code == 413


def test_other_users_get_404_everywhere(client, auth, app):
    auth.signup_and_login()
    attempt_id = upload(client).json["id"]
    run_jobs(app)
    client.post("/auth/logout", data={"csrf_token": csrf_token_from(client.get("/"))})
    auth.signup_and_login(email="eve@example.com")
    for url in (f"/api/attempts/{attempt_id}", f"/attempts/{attempt_id}/recording",
                f"/attempts/{attempt_id}/report", f"/text/attempts/{attempt_id}"):
        assert client.get(url).status_code == 404, url


def test_a_job_that_fails_midway_says_why_and_keeps_the_recording(client, auth, app):
    auth.signup_and_login()
    attempt_id = upload(client).json["id"]

    def crashes(attempt, progress):
        progress(40)
        raise RuntimeError("decoder exploded")

    run_jobs(app, crashes)
    state = client.get(f"/api/attempts/{attempt_id}").json
    assert state["status"] == "failed" and "on our side" in state["error"]
    assert client.get(f"/attempts/{attempt_id}/recording").status_code == 200
    with app.app_context():
        assert db.session.query(Score).count() == 0


def test_a_domain_error_is_shown_to_the_user(client, auth, app):
    auth.signup_and_login()
    attempt_id = upload(client, modality="audio").json["id"]

    def silent(attempt, progress):
        raise NoSpeechFound("No speech was found in this recording.")

    run_jobs(app, silent)
    assert client.get(f"/api/attempts/{attempt_id}").json["error"] == "No speech was found in this recording."
    assert b"No speech was found" in client.get(f"/attempts/{attempt_id}/report").data


def test_jobs_left_running_by_a_crash_are_retried_then_failed(client, auth, app):
    auth.signup_and_login()
    attempt_id = upload(client).json["id"]
    later = datetime.now(timezone.utc) + timedelta(minutes=10)
    with app.app_context():
        assert claim_next_attempt() == attempt_id  # a worker took it... and died
        assert requeue_stale_attempts(now=later) == 1
        assert db.session.get(Attempt, attempt_id).status == "pending"
        assert claim_next_attempt() == attempt_id  # second try dies too
        requeue_stale_attempts(now=later)
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "failed" and "interrupted" in attempt.error_message


def test_deleting_a_recorded_attempt_removes_the_file(client, auth, app):
    auth.signup_and_login()
    attempt_id = upload(client).json["id"]
    stored = list(Path(app.config["RECORDINGS_DIR"]).rglob("*.webm"))
    assert len(stored) == 1
    token = csrf_token_from(client.get("/history"))
    assert client.post(f"/attempts/{attempt_id}/delete", data={"csrf_token": token}).status_code == 302
    assert not stored[0].exists()


def test_emotion_features_can_be_switched_off(client, auth, app):
    auth.signup_and_login()
    app.config["EMOTION_FEATURES_ENABLED"] = False
    assert client.get("/record/video/1").status_code == 404
    assert upload(client).status_code == 404
    assert b"/record/video/1" not in client.get("/questions").data


def test_plotly_is_served_from_its_package(client):
    response = client.get("/vendor/plotly.min.js")
    assert response.status_code == 200 and b"plotly" in response.data[:2000].lower()


def test_a_damaged_webm_is_refused(client, auth, app):
    auth.signup_and_login()
    damaged = HAPPY_WEBM.read_bytes()[:64] + bytes(5000)  # a real header, then nothing usable
    response = upload(client, data=damaged)
    assert response.status_code == 422 and "damaged" in response.json["error"]
    assert not list(Path(app.config["RECORDINGS_DIR"]).rglob("*.webm"))


def test_a_stored_webm_has_a_duration_for_seeking(client, auth, app):
    from interview.recordings.services import media_duration

    auth.signup_and_login()
    upload(client)
    stored = next(Path(app.config["RECORDINGS_DIR"]).rglob("*.webm"))
    assert 3.0 < media_duration(stored) < 5.0


def test_an_audio_only_webm_is_refused_as_a_video_answer_and_not_kept(client, auth, app, tmp_path):
    """Browsers record audio answers as webm too: the container says video, the streams do not."""
    import subprocess

    sound_only = tmp_path / "voice.webm"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(FIXTURES / "audio" / "03-01-03-02-01-01-10.wav"),
                    "-c:a", "libopus", str(sound_only)], check=True, timeout=60)
    auth.signup_and_login()
    response = upload(client, path=sound_only)
    assert response.status_code == 422 and "video recording" in response.json["error"]
    assert not list(Path(app.config["RECORDINGS_DIR"]).rglob("*.webm"))
    assert upload(client, path=sound_only, modality="audio").status_code == 201  # the same file as an audio answer
