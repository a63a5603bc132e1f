"""The candidate in control: the emotion-readings switch (computing and showing), recording
retention (the purge, keeping a recording) and downloading all of one's data."""
import io
import json
import os
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from emotion.base import FaceAnalysis, ModelInfo, TimelinePoint, VideoAnswerAnalysis, VideoSummary, VoiceAnalysis
from emotion.speech_types import DeliveryMeasures, SpeechSummary, SpeechWindow
from interview.extensions import db
from interview.jobs import JobWorker, claim_next_attempt
from interview.models import (AnswerComment, Attempt, Classroom, RubricCriterion, RubricMark, Score, Share, ShareItem,
                              ShareView, User, utcnow)
from interview.privacy.retention import DailyPurge
from interview.recordings.analysis import HANDLERS, voice_scores
from interview.results import readable, stored
from interview.scoring import record_scores
from tests.conftest import FIXTURES, csrf_token_from, give_recording_consent, post_text_answer
from tests.test_recordings import upload
from tests.test_results import DELIVERY, SUMMARY, VOICE_PROBABILITIES, VOICE_SUMMARY, FACE_PROBABILITIES

SPEECH_WAV = FIXTURES / "audio" / "03-01-05-02-02-01-16.wav"
SPEECH_MODEL = ModelInfo(name="lda", classes=tuple(VOICE_PROBABILITIES), accuracy=0.65)


class FakeVoiceAnalyzer:
    """The voice entry point's contract without the model: emotions only when asked for."""

    def __init__(self):
        self.asked = []

    def analyze(self, recording, read_emotions=True):
        self.asked.append(read_emotions)
        delivery = DeliveryMeasures(**DELIVERY)
        if not read_emotions:
            return VoiceAnalysis(timeline=(), summary=None, delivery=delivery, model=None)
        return VoiceAnalysis(timeline=(SpeechWindow(0.0, 3.0, True, VOICE_PROBABILITIES),),
                             summary=SpeechSummary(**VOICE_SUMMARY), delivery=delivery, model=SPEECH_MODEL)


class FakeVideoAnalyzer:
    def __init__(self, voices: FakeVoiceAnalyzer):
        self.voices = voices
        self.asked = []

    def analyze(self, recording, progress=None, read_emotions=True):
        self.asked.append(read_emotions)
        face = FaceAnalysis(timeline=(TimelinePoint(0.0, True, FACE_PROBABILITIES),), summary=VideoSummary(**SUMMARY),
                            heatmap_png=b"\x89PNG fake", model=ModelInfo("face", tuple(FACE_PROBABILITIES), 0.66))
        return VideoAnswerAnalysis(face=face if read_emotions else None,
                                   voice=self.voices.analyze(recording, read_emotions=read_emotions))


@pytest.fixture
def analyzers(monkeypatch):
    voices = FakeVoiceAnalyzer()
    videos = FakeVideoAnalyzer(voices)
    monkeypatch.setattr("emotion.get_voice_analyzer", lambda: voices)
    monkeypatch.setattr("emotion.get_video_analyzer", lambda: videos)
    return voices, videos


def run_real_handlers(app):
    with app.app_context():
        worker = JobWorker(app, HANDLERS)
        while (attempt_id := claim_next_attempt()) is not None:
            worker.run_one(attempt_id)


def switch_readings(client, enabled: bool):
    token = csrf_token_from(client.get("/auth/account"))
    return client.post("/privacy/emotion-readings", data={"csrf_token": token, "enabled": "1" if enabled else "0"})


def answer_by_recording(client, app, modality="audio"):
    give_recording_consent(client, modality)
    if modality == "audio":
        response = upload(client, path=SPEECH_WAV, modality="audio", name="a.wav")
    else:
        response = upload(client)
    assert response.status_code == 201, response.json
    run_real_handlers(app)
    return response.json["id"]


def score_names(app, attempt_id):
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "complete", attempt.error_message
        return {score.name for score in attempt.scores}


# --- the switch: computing ----------------------------------------------------------------------

def test_the_switch_is_on_by_default_and_needs_a_csrf_token(client, auth, app):
    user_id = auth.signup_and_login()
    assert b"Switch emotion readings off" in client.get("/auth/account").data
    assert client.post("/privacy/emotion-readings", data={"enabled": "0"}).status_code == 400
    assert client.post("/privacy/emotion-readings", data={
        "enabled": "maybe", "csrf_token": csrf_token_from(client.get("/"))}).status_code == 400
    with app.app_context():
        assert db.session.get(User, user_id).emotion_readings_enabled is True
    response = switch_readings(client, False)
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/account#emotion-readings")
    with app.app_context():
        assert db.session.get(User, user_id).emotion_readings_enabled is False
    assert b"Switch emotion readings on" in client.get("/auth/account").data


def test_an_audio_answer_with_readings_off_gets_delivery_only(client, auth, app, analyzers):
    voices, _ = analyzers
    auth.signup_and_login()
    switch_readings(client, False)
    attempt_id = answer_by_recording(client, app, "audio")
    assert voices.asked == [False]
    names = score_names(app, attempt_id)
    assert not any(name.startswith("voice_") for name in names)
    assert "speaking_rate_syllables_per_second" in names and "pause_count" in names
    with app.app_context():
        details = db.session.get(Attempt, attempt_id).details
    assert details["voice"]["summary"] is None and details["voice"]["timeline"] == []
    html = client.get(f"/attempts/{attempt_id}/report").data.decode()
    assert 'id="delivery"' in html and "Speaking rate" in html
    assert 'id="voice-chart"' not in html and "Vocal emotion" not in html
    assert 'id="readings-off"' in html and "/auth/account#emotion-readings" in html


def test_switched_back_on_the_next_answer_is_read_for_emotions(client, auth, app, analyzers):
    voices, _ = analyzers
    auth.signup_and_login()
    switch_readings(client, False)
    answer_by_recording(client, app, "audio")
    switch_readings(client, True)
    attempt_id = answer_by_recording(client, app, "audio")
    assert voices.asked == [False, True]
    assert {"voice_happy", "speaking_rate_syllables_per_second"} <= score_names(app, attempt_id)
    html = client.get(f"/attempts/{attempt_id}/report").data.decode()
    assert 'id="voice-chart"' in html and 'id="readings-off"' not in html


def test_a_video_answer_with_readings_off_reads_no_face(client, auth, app, analyzers):
    _, videos = analyzers
    auth.signup_and_login()
    switch_readings(client, False)
    attempt_id = answer_by_recording(client, app, "video")
    assert videos.asked == [False]
    names = score_names(app, attempt_id)
    assert not any(name.startswith(("face_", "voice_")) for name in names)
    assert "speaking_rate_syllables_per_second" in names
    html = client.get(f"/attempts/{attempt_id}/report").data.decode()
    assert 'id="face"' not in html and "data:image/png" not in html and 'id="voice-chart"' not in html
    assert 'id="delivery"' in html and 'id="readings-off"' in html
    assert 'id="replay-video"' in html


# --- the switch: showing ------------------------------------------------------------------------

def test_earlier_readings_are_hidden_while_the_switch_is_off(client, auth, app, analyzers):
    auth.signup_and_login()
    video_id = answer_by_recording(client, app, "video")
    audio_id = answer_by_recording(client, app, "audio")
    assert 'id="face-chart"' in client.get(f"/attempts/{video_id}/report").data.decode()
    switch_readings(client, False)
    video = client.get(f"/attempts/{video_id}/report").data.decode()
    assert 'id="face"' not in video and "data:image/png" not in video and 'id="voice-chart"' not in video
    assert 'id="caveat"' not in video and 'id="readings-off"' in video
    assert '"face": null' in video and '"voice": null' in video  # nothing for the charts either
    audio = client.get(f"/attempts/{audio_id}/report").data.decode()
    assert "Vocal emotion" not in audio and 'id="delivery"' in audio
    attempts_table = audio[audio.index('id="attempts"'):]
    assert "Happy" not in attempts_table and "Speaking rate" in attempts_table
    switch_readings(client, True)
    assert 'id="face-chart"' in client.get(f"/attempts/{video_id}/report").data.decode()


def test_cohort_averages_still_show_for_delivery_with_readings_off(client, auth, app, analyzers):
    auth.signup_and_login(email="bea@example.com")
    answer_by_recording(client, app, "audio")  # another candidate, readings on
    client.post("/auth/logout", data={"csrf_token": csrf_token_from(client.get("/"))})
    auth.signup_and_login()
    switch_readings(client, False)
    attempt_id = answer_by_recording(client, app, "audio")
    html = client.get(f"/attempts/{attempt_id}/report").data.decode()
    row = html[html.index('data-name="speaking_rate_syllables_per_second"'):]
    row = row[:row.index("</tr>")]
    assert "(1 candidate)" in row.split('class="this-question"')[1]
    assert 'data-name="voice_happy"' not in html


def test_results_with_no_emotions_store_and_read_back():
    voice = VoiceAnalysis(timeline=(), summary=None, delivery=DeliveryMeasures(**DELIVERY), model=None)
    audio = json.loads(json.dumps(stored(voice)))
    assert readable(audio, "audio") == audio
    assert audio["voice"] == {"timeline": [], "summary": None, "delivery": audio["voice"]["delivery"], "model": None, "affect": [],
                              "words": None, "words_missing_reason": None}
    assert audio["voice"]["delivery"]["speaking_share"] == 0.75
    video = json.loads(json.dumps(stored(VideoAnswerAnalysis(face=None, voice=voice))))
    assert readable(video, "video")["face"] is None and readable(video, "video")["voice"]["summary"] is None
    names = {score.name for score in voice_scores(voice)}
    assert "speaking_share" in names and not any(name.startswith("voice_") for name in names)


@pytest.mark.slow
def test_the_real_voice_analyzer_measures_delivery_without_reading_emotions(tmp_path):
    from emotion.errors import ModelUnavailable
    from emotion.voice import VoiceAnalyzer, get_voice_analyzer

    # No speech model at all: with emotions off it is never needed.
    without_model = VoiceAnalyzer(model_dir=tmp_path / "no-speech-model")
    result = without_model.analyze(SPEECH_WAV, read_emotions=False)
    assert result.timeline == () and result.summary is None and result.model is None
    delivery = result.delivery
    assert delivery.syllable_count > 3 and 0.5 < delivery.speaking_rate_syllables_per_second < 10
    assert 2.0 < delivery.duration_seconds < 6.0 and 0 < delivery.speaking_share <= 1
    with pytest.raises(ModelUnavailable):
        without_model.analyze(SPEECH_WAV)
    with_emotions = get_voice_analyzer().analyze(SPEECH_WAV)
    assert with_emotions.summary is not None and len(with_emotions.timeline) > 0
    assert with_emotions.delivery == delivery  # the same delivery either way


# --- retention ----------------------------------------------------------------------------------

def recorded_attempt(app, user_id, days_old, keep=False, status="complete", body=b"RIFF....WAVEfmt "):
    """An audio answer with a recording file, made ``days_old`` days ago, with two scores."""
    with app.app_context():
        folder = Path(app.config["RECORDINGS_DIR"]) / str(user_id)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{user_id}/old-{days_old}-{keep}-{status}.wav"
        (Path(app.config["RECORDINGS_DIR"]) / name).write_bytes(body)
        attempt = Attempt(user_id=user_id, question_id=1, modality="audio", source="recording", status=status,
                          created_at=utcnow() - timedelta(days=days_old), recording_path=name,
                          media_type="audio/wav", keep_recording=keep,
                          details=stored(VoiceAnalysis((), None, DeliveryMeasures(**DELIVERY), None)))
        attempt.scores = [Score(user_id=user_id, question_id=1, modality="audio", name="speaking_share", value=0.75),
                          Score(user_id=user_id, question_id=1, modality="audio", name="pause_count", value=1.0)]
        db.session.add(attempt)
        db.session.flush()
        record_scores(attempt)
        db.session.commit()
        return attempt.id, Path(app.config["RECORDINGS_DIR"]) / name


def test_purge_dry_run_lists_and_the_real_run_deletes_only_what_is_due(client, auth, app, runner):
    user_id = auth.signup_and_login()
    due_id, due_file = recorded_attempt(app, user_id, days_old=40)
    kept_id, kept_file = recorded_attempt(app, user_id, days_old=40, keep=True)
    recent_id, recent_file = recorded_attempt(app, user_id, days_old=5)
    running_id, running_file = recorded_attempt(app, user_id, days_old=40, status="running")

    dry = runner.invoke(args=["recordings", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would delete 1 recording older than 30 days" in dry.output
    assert f"answer {due_id} " in dry.output and f"answer {kept_id} " not in dry.output
    assert due_file.exists() and client.get(f"/attempts/{due_id}/recording").status_code == 200

    real = runner.invoke(args=["recordings", "purge"])
    assert real.exit_code == 0 and "Deleted 1 recording" in real.output
    assert not due_file.exists() and kept_file.exists() and recent_file.exists() and running_file.exists()
    with app.app_context():
        due = db.session.get(Attempt, due_id)
        assert due.recording_path is None and due.recording_deleted_at is not None
        assert {s.name: s.value for s in due.scores} == {"speaking_share": 0.75, "pause_count": 1.0}
        assert db.session.get(Attempt, kept_id).recording_path is not None
        assert db.session.get(Attempt, kept_id).recording_deleted_at is None
    assert client.get(f"/attempts/{due_id}/recording").status_code == 404
    report = client.get(f"/attempts/{due_id}/report").data.decode()
    assert 'id="recording-deleted"' in report and f"{utcnow():%Y-%m-%d}" in report and 'id="delivery"' in report
    assert 'id="replay-audio"' not in report
    assert "Deleted 0 recordings" in runner.invoke(args=["recordings", "purge"]).output


def test_the_retention_period_is_a_setting(auth, app, runner):
    user_id = auth.create()
    _, file = recorded_attempt(app, user_id, days_old=10)
    app.config["RECORDING_RETENTION_DAYS"] = 7
    assert "Deleted 1 recording older than 7 days" in runner.invoke(args=["recordings", "purge"]).output
    assert not file.exists()


def test_the_job_thread_purges_once_a_day_and_checks_at_most_hourly(auth, app):
    user_id = auth.create()
    with app.app_context():
        worker = JobWorker(app, HANDLERS)
        schedule = worker.daily_purge
        assert schedule.marker.parent == Path(app.instance_path)
        _, first = recorded_attempt(app, user_id, days_old=40)
        assert schedule.run_if_due() is True and not first.exists()
        _, second = recorded_attempt(app, user_id, days_old=41)
        assert schedule.run_if_due() is False  # checked less than an hour ago
        schedule._checked_at -= DailyPurge.CHECK_EVERY_SECONDS
        assert schedule.run_if_due() is False and second.exists()  # purged less than a day ago
        day_ago = time.time() - DailyPurge.RUN_EVERY_SECONDS - 1
        os.utime(schedule.marker, (day_ago, day_ago))
        schedule._checked_at -= DailyPurge.CHECK_EVERY_SECONDS
        assert schedule.run_if_due() is True and not second.exists()
        # Another process's schedule sees today's purge in the marker.
        assert DailyPurge(schedule.marker).run_if_due() is False


def test_the_owner_keeps_a_recording_from_the_report(client, auth, app, runner):
    user_id = auth.signup_and_login()
    attempt_id, file = recorded_attempt(app, user_id, days_old=40)
    report = client.get(f"/attempts/{attempt_id}/report").data.decode()
    assert 'id="keep-recording"' in report and "Keep this recording" in report
    url = f"/privacy/attempts/{attempt_id}/keep-recording"
    assert client.post(url, data={"keep": "1"}).status_code == 400  # no CSRF token
    assert client.get(url).status_code == 405
    response = client.post(url, data={"keep": "1", "csrf_token": csrf_token_from(client.get("/"))})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/attempts/{attempt_id}/report#replay")
    assert "You keep this recording" in client.get(f"/attempts/{attempt_id}/report").data.decode()
    assert "Deleted 0 recordings" in runner.invoke(args=["recordings", "purge"]).output and file.exists()
    client.post(url, data={"keep": "0", "csrf_token": csrf_token_from(client.get("/"))})
    assert "Deleted 1 recording" in runner.invoke(args=["recordings", "purge"]).output and not file.exists()


def test_only_the_owner_can_keep_a_recording(client, auth, app):
    owner_id = auth.create(email="bea@example.com")
    attempt_id, _ = recorded_attempt(app, owner_id, days_old=3)
    auth.signup_and_login()
    response = client.post(f"/privacy/attempts/{attempt_id}/keep-recording",
                           data={"keep": "1", "csrf_token": csrf_token_from(client.get("/"))})
    assert response.status_code == 404
    assert client.post("/privacy/attempts/999999/keep-recording",
                       data={"keep": "1", "csrf_token": csrf_token_from(client.get("/"))}).status_code == 404
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).keep_recording is False


# --- download my data ---------------------------------------------------------------------------

def feedback_and_share(app, attempt_id, owner_id):
    """An instructor's comment and rubric mark on the answer, and a share of it that was viewed."""
    with app.app_context():
        teacher = User(email="teacher@example.com", display_name="Mr Teach", password_hash="x", role="instructor")
        db.session.add(teacher)
        db.session.flush()
        classroom = Classroom(instructor_id=teacher.id, name="Interviews 101", join_code="ABC123")
        db.session.add(classroom)
        db.session.flush()
        criterion = RubricCriterion(classroom_id=classroom.id, position=1, name="Structure")
        db.session.add(criterion)
        db.session.flush()
        db.session.add_all([
            AnswerComment(attempt_id=attempt_id, author_id=teacher.id, at_seconds=1.5, body="Slow down here."),
            RubricMark(attempt_id=attempt_id, criterion_id=criterion.id, author_id=teacher.id, score=4)])
        share = Share(owner_id=owner_id, kind="answers", recipient_email="rita@example.com",
                      items=[ShareItem(attempt_id=attempt_id)])
        db.session.add(share)
        db.session.flush()
        db.session.add(ShareView(share_id=share.id, viewer_label="Rita <rita@example.com>"))
        db.session.commit()


def test_download_my_data_holds_every_answer_and_recording(client, auth, app, fake_model):
    user_id = auth.signup_and_login()
    post_text_answer(client)
    audio_id, audio_file = recorded_attempt(app, user_id, days_old=2, body=b"RIFF-recording-bytes-WAVE")
    deleted_id, _ = recorded_attempt(app, user_id, days_old=45)
    feedback_and_share(app, audio_id, user_id)
    with app.app_context():
        from interview.privacy.retention import purge
        purge()
    other_id = auth.create(email="bea@example.com")
    recorded_attempt(app, other_id, days_old=1, body=b"someone else's recording")

    response = client.get("/privacy/my-data.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    with app.app_context():
        text_id = db.session.scalar(db.select(Attempt.id).where(Attempt.modality == "text"))
    assert {"README.txt", "account.json", "shares.json", "notices.json", f"answers/{text_id}.json",
            f"answers/{audio_id}.json", f"answers/{deleted_id}.json", f"recordings/{audio_id}.wav"} == names
    assert "answers/ID.json" in archive.read("README.txt").decode()
    assert archive.read(f"recordings/{audio_id}.wav") == audio_file.read_bytes()
    assert json.loads(archive.read("account.json"))["email"] == "ada@example.com"

    text = json.loads(archive.read(f"answers/{text_id}.json"))
    assert text["mode"] == "text" and "customer complaints" in text["text"]
    assert text["question"]["text"] and text["created_at"].endswith("+00:00")
    assert {score["name"] for score in text["scores"]} >= {"openness", "extraversion"}
    assert text["results"]["kind"] == "text" and text["results"]["top_words"]

    audio = json.loads(archive.read(f"answers/{audio_id}.json"))
    assert audio["recording"]["file"] == f"recordings/{audio_id}.wav"
    assert audio["comments"] == [{"author": "Mr Teach", "at_seconds": 1.5, "body": "Slow down here.",
                                  "created_at": audio["comments"][0]["created_at"]}]
    assert audio["rubric_marks"][0]["criterion"] == "Structure" and audio["rubric_marks"][0]["score"] == 4
    assert audio["shares"][0]["recipient_email"] == "rita@example.com"
    assert audio["shares"][0]["views"][0]["viewer"] == "Rita <rita@example.com>"
    assert json.loads(archive.read("shares.json"))[0]["answers"] == [audio_id]
    deleted = json.loads(archive.read(f"answers/{deleted_id}.json"))
    assert deleted["recording"]["file"] is None and deleted["recording"]["deleted_at"]
    assert b"someone else" not in response.data


def test_download_needs_sign_in(client):
    response = client.get("/privacy/my-data.zip")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
