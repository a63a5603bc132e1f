"""The real job handlers, with the real committed face and speech models, on labelled clips."""
import pytest

from interview.extensions import db
from interview.models import Attempt
from interview.results import SCHEMA_VERSION
from tests.conftest import FIXTURES
from tests.test_recordings import upload

pytestmark = pytest.mark.slow


def run_real_jobs(app):
    from interview.recordings.analysis import HANDLERS

    with app.app_context():
        from interview.jobs import JobWorker, claim_next_attempt

        worker = JobWorker(app, HANDLERS)
        while (attempt_id := claim_next_attempt()) is not None:
            worker.run_one(attempt_id)


def test_video_job_reads_face_and_voice(client, auth, app):
    auth.signup_and_login()
    attempt_id = upload(client, path=FIXTURES / "av" / "happy_2.mp4", name="a.mp4").json["id"]
    run_real_jobs(app)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "complete", attempt.error_message
        names = {score.name: score.value for score in attempt.scores}
        face = {name[5:]: value for name, value in names.items() if name.startswith("face_") and name != "face_share"}
        assert len(face) == 7 and abs(sum(face.values()) - 100) < 0.5
        assert names["face_share"] > 30  # the detector misses some of FER2013's tight crops
        assert sum(1 for name in names if name.startswith("voice_")) == 7
        assert 0 < names["speaking_rate_syllables_per_second"] < 10
        assert attempt.details["schema"] == SCHEMA_VERSION and attempt.details["face"]["heatmap_png"]
        assert attempt.details["face"]["model"]["accuracy"] > 0.6
        camera = attempt.details["camera"]                     # what the camera saw, same pass
        assert camera["gaze"]["frames_read"] > 10 and len(camera["timeline"]) == len(attempt.details["face"]["timeline"])
        assert 0 <= names["eye_contact_share"] <= 100 and "framing_problem_share" in names
    report = client.get(f"/attempts/{attempt_id}/report")
    assert report.status_code == 200
    assert b"face-chart" in report.data and b"voice-chart" in report.data


def test_audio_job_reads_voice_and_delivery(client, auth, app):
    auth.signup_and_login()
    attempt_id = upload(client, path=FIXTURES / "audio" / "03-01-05-02-02-01-16.wav", modality="audio",
                        name="a.wav").json["id"]
    run_real_jobs(app)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "complete", attempt.error_message
        assert attempt.details["voice"]["delivery"]["syllable_count"] > 0 and "face" not in attempt.details
        # RAVDESS statement 2: "Dogs are sitting by the door", heard by the real recogniser
        heard = [word["text"].lower().strip(".,!?") for word in attempt.details["voice"]["words"]["transcript"]["words"]]
        assert "door" in heard and "sitting" in heard
        assert {score.name for score in attempt.scores} >= {"words_per_minute", "fillers_per_minute"}
    report = client.get(f"/attempts/{attempt_id}/report").data
    assert b"Speaking rate" in report and b"Vocal emotion" in report
    assert b'id="transcript"' in report and b'data-start=' in report


def test_a_silent_video_still_gets_its_face_report(client, auth, app, tmp_path):
    import subprocess

    silent = tmp_path / "silent.webm"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(FIXTURES / "av" / "happy_1.webm"), "-an",
                    "-c:v", "copy", str(silent)], check=True)
    auth.signup_and_login()
    attempt_id = upload(client, path=silent).json["id"]
    run_real_jobs(app)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "complete", attempt.error_message
        assert attempt.details["voice"] is None
        assert attempt.details["voice_missing_reason"] == "There is no voice reading. This file has no sound track."
    assert b"This file has no sound track" in client.get(f"/attempts/{attempt_id}/report").data


def test_with_emotion_readings_off_the_camera_is_still_read_but_no_emotion():
    from emotion import get_video_analyzer

    result = get_video_analyzer().analyze(FIXTURES / "av" / "happy_2.mp4", read_emotions=False)
    assert result.face is None and result.voice.summary is None
    assert result.camera is not None and result.camera.gaze.frames_read > 10
    found = [moment.face_found for moment in result.camera.timeline]
    assert sum(found) >= 0.8 * len(found)


def test_without_the_face_mesh_the_rest_of_the_video_is_still_read():
    from emotion.camera import CameraReader
    from emotion.errors import ModelUnavailable
    from emotion.video_answer import CAMERA_UNAVAILABLE, VideoAnswerAnalyzer

    class RefusedMesh:
        def landmarks(self, frame, detection):
            raise ModelUnavailable("face mesh model refused: test")

    analyzer = VideoAnswerAnalyzer(camera_reader=lambda: CameraReader(face_mesh=RefusedMesh()))
    result = analyzer.analyze(FIXTURES / "av" / "happy_2.mp4")
    assert result.camera is None and result.camera_missing_reason == CAMERA_UNAVAILABLE
    assert result.face.summary.face_share > 0.8 and result.voice is not None
