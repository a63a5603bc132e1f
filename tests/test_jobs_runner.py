"""Analyses in a spawn-started child with a real deadline (issue 15, finding 1): a stuck
analysis is killed at its deadline, its attempt fails with the reason, its process is gone,
and the next job runs in a fresh child."""
import os
import time
from pathlib import Path

import pytest

from interview.extensions import db
from interview.jobs import JobWorker, claim_next_attempt
from interview.models import Attempt
from interview.recordings.analysis import HANDLERS
from interview.storage import recording_store
from tests.conftest import FIXTURES, give_recording_consent
from tests.jobs_hooks import marker, process_is_running
from tests.test_recordings import upload

SPEECH_WAV = FIXTURES / "audio" / "03-01-05-02-02-01-16.wav"


@pytest.fixture
def child_app(app):
    app.config.update(ANALYSIS_RUNNER="process", JOB_TIMEOUT_SECONDS=6,
                      ANALYSIS_FUNCTION="tests.jobs_hooks:hang_or_deliver")
    yield app
    app.extensions["analysis_runner"].close()


def run_real_jobs(app):
    with app.app_context():
        worker = JobWorker(app, HANDLERS)
        while (attempt_id := claim_next_attempt()) is not None:
            worker.run_one(attempt_id)


def upload_audio(client) -> int:
    response = upload(client, path=SPEECH_WAV, modality="audio", name="a.wav")
    assert response.status_code == 201, response.json
    return response.json["id"]


def recording_of(app, attempt_id) -> str:
    with app.app_context():
        return str(recording_store().path(db.session.get(Attempt, attempt_id).recording_path))


def attempt_state(app, attempt_id):
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        return attempt.status, attempt.error_message


def wait_until_gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while process_is_running(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not process_is_running(pid)


def test_a_hanging_analysis_is_killed_at_its_deadline_and_the_next_job_runs(client, auth, child_app):
    auth.signup_and_login()
    give_recording_consent(client, "audio")
    stuck, next_one = upload_audio(client), upload_audio(client)
    marker(recording_of(child_app, stuck), "hang").touch()
    started = time.monotonic()
    run_real_jobs(child_app)
    assert time.monotonic() - started < 60
    status, reason = attempt_state(child_app, stuck)
    assert status == "failed" and "longer than 6 seconds and was stopped" in reason
    stuck_pid = int(marker(recording_of(child_app, stuck), "pid").read_text())
    assert wait_until_gone(stuck_pid), "the stuck analysis's process still runs"
    assert attempt_state(child_app, next_one) == ("complete", None)
    next_pid = int(marker(recording_of(child_app, next_one), "pid").read_text())
    assert next_pid != stuck_pid and process_is_running(next_pid)  # a fresh child, kept for the next job


def test_the_child_is_reused_across_jobs(client, auth, child_app):
    auth.signup_and_login()
    give_recording_consent(client, "audio")
    attempts = [upload_audio(client), upload_audio(client)]
    run_real_jobs(child_app)
    pids = {marker(recording_of(child_app, attempt_id), "pid").read_text() for attempt_id in attempts}
    assert [attempt_state(child_app, attempt_id)[0] for attempt_id in attempts] == ["complete"] * 2
    assert len(pids) == 1 and int(pids.pop()) != os.getpid()


def test_a_killed_worker_takes_its_analysis_child_with_it(tmp_path):
    import signal
    import subprocess
    import sys

    recording = tmp_path / "recordings" / "1" / "a.wav"
    recording.parent.mkdir(parents=True)
    recording.touch()
    marker(str(recording), "hang").touch()
    worker = subprocess.Popen([sys.executable, "-c", (
        "from interview.runner import ProcessRunner; from tests.jobs_hooks import hang_or_deliver; "
        f"ProcessRunner(600, hang_or_deliver).run({str(recording)!r}, 'audio', False, lambda percent: None)")],
        cwd=Path(__file__).resolve().parent.parent)
    pid_file = marker(str(recording), "pid")
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        child = int(pid_file.read_text())
        worker.kill()  # as the OOM killer or a kill -9 would
        worker.wait()
        assert wait_until_gone(child), "the orphaned analysis still spins"
    finally:
        worker.kill()
        if pid_file.exists() and process_is_running(int(pid_file.read_text() or 0)):
            os.kill(int(pid_file.read_text()), signal.SIGKILL)


@pytest.mark.slow
@pytest.mark.parametrize("modality, recording", [("audio", SPEECH_WAV), ("video", FIXTURES / "av" / "happy_2.mp4")])
def test_the_real_models_in_the_child_store_what_they_store_inline(client, auth, app, modality, recording):
    auth.signup_and_login()
    give_recording_consent(client, modality)
    inline, in_child = (upload(client, path=recording, modality=modality, name=recording.name).json["id"]
                        for _ in range(2))
    app.config["ANALYSIS_RUNNER"] = "inline"
    with app.app_context():
        JobWorker(app, HANDLERS).run_one(claim_next_attempt())
    app.config["ANALYSIS_RUNNER"] = "process"
    app.extensions.pop("analysis_runner")
    try:
        run_real_jobs(app)
    finally:
        app.extensions["analysis_runner"].close()
    with app.app_context():
        first, second = db.session.get(Attempt, inline), db.session.get(Attempt, in_child)
        assert (first.status, second.status) == ("complete", "complete"), second.error_message
        assert first.details == second.details
        assert {s.name: s.value for s in first.scores} == {s.name: s.value for s in second.scores}
