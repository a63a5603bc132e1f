"""Analyses through the distributed queue (Celery on a real Redis server), when QUEUE_URL is set:
upload -> enqueued -> a real ``flask jobs worker`` process runs the job through its analysis
child (a test hook stands in for the models) -> complete; a job past its deadline fails with the
reason and the worker goes on to the next one."""
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from interview.extensions import db
from interview.models import Attempt
from tests.conftest import give_recording_consent
from tests.jobs_hooks import marker, process_is_running
from tests.test_jobs_runner import SPEECH_WAV, attempt_state, recording_of
from tests.test_recordings import upload

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (value := check()):
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """POISE_TEST_REDIS_URL (CI's server) or a redis-server of our own on a free port."""
    import redis

    if os.environ.get("POISE_TEST_REDIS_URL"):
        yield os.environ["POISE_TEST_REDIS_URL"]
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no redis-server binary: apt-get install redis-server, or set POISE_TEST_REDIS_URL")
    port = free_port()
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                               "--dir", str(tmp_path_factory.mktemp("redis"))], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    wait_for(lambda: _answers(redis.Redis.from_url(url)), 10, "redis-server to start")
    yield url
    server.terminate()
    server.wait(10)


def _answers(client) -> bool:
    try:
        return client.ping()
    except Exception:  # not listening yet
        return False


@pytest.fixture
def queued_app(app, redis_url):
    app.config.update(QUEUE_URL=redis_url, QUEUE_NAME=f"poise-test-{uuid.uuid4().hex}")
    app.extensions["jobs"] = app.extensions["job_worker"]  # as with POISE_JOBS=1: uploads enqueue
    return app


@pytest.fixture
def start_worker(queued_app, tmp_path):
    workers = []

    def start(command=("flask", "jobs", "worker")):
        env = {**os.environ, "FLASK_APP": "app", "POISE_QUEUE_URL": queued_app.config["QUEUE_URL"],
               "POISE_QUEUE_NAME": queued_app.config["QUEUE_NAME"], "POISE_SECRET_KEY": "test",
               "POISE_DATABASE_URL": str(queued_app.config["SQLALCHEMY_DATABASE_URI"]),
               "POISE_RECORDINGS_DIR": queued_app.config["RECORDINGS_DIR"], "POISE_JOB_TIMEOUT_SECONDS": "6",
               "POISE_ANALYSIS_FUNCTION": "tests.jobs_hooks:hang_or_deliver"}
        log = open(tmp_path / "worker.log", "wb")
        workers.append(subprocess.Popen([sys.executable, "-m", *command], cwd=ROOT, env=env,
                                        stdout=log, stderr=subprocess.STDOUT))
        return workers[-1]

    yield start
    for worker in workers:
        worker.terminate()
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()


def upload_audio(client) -> int:
    response = upload(client, path=SPEECH_WAV, modality="audio", name="a.wav")
    assert response.status_code == 201, response.json
    return response.json["id"]


def queued_messages(app) -> int:
    import redis

    return redis.Redis.from_url(app.config["QUEUE_URL"]).llen(app.config["QUEUE_NAME"])


def test_uploads_are_enqueued_and_a_worker_runs_them_killing_one_past_its_deadline(client, auth, queued_app,
                                                                                    start_worker, runner):
    auth.signup_and_login()
    give_recording_consent(client, "audio")
    stuck, after = upload_audio(client), upload_audio(client)
    marker(recording_of(queued_app, stuck), "hang").touch()
    assert queued_messages(queued_app) == 2  # on upload, by the web process: nothing ran here
    assert attempt_state(queued_app, stuck) == ("pending", None)

    worker = start_worker()
    wait_for(lambda: attempt_state(queued_app, after)[0] in ("complete", "failed"), 120, "the second job")
    status, reason = attempt_state(queued_app, stuck)
    assert status == "failed" and "longer than 6 seconds and was stopped" in reason
    assert attempt_state(queued_app, after) == ("complete", None)
    stuck_pid = int(marker(recording_of(queued_app, stuck), "pid").read_text())
    wait_for(lambda: not process_is_running(stuck_pid), 10, "the stuck analysis's process to go")
    assert worker.poll() is None  # the worker itself lives on

    third = upload_audio(client)
    wait_for(lambda: attempt_state(queued_app, third)[0] == "complete", 60, "a job after the stuck one")
    listed = runner.invoke(args=["jobs", "failed"]).output
    listed_ids = [line.split("\t")[0] for line in listed.splitlines()]
    assert listed_ids == [str(stuck)] and "was stopped" in listed


def test_a_plain_celery_worker_runs_the_same_job(client, auth, queued_app, start_worker):
    auth.signup_and_login()
    give_recording_consent(client, "audio")
    attempt_id = upload_audio(client)
    start_worker(("celery", "-A", "interview.queue", "worker", "--without-gossip", "--without-mingle"))
    wait_for(lambda: attempt_state(queued_app, attempt_id)[0] == "complete", 60, "the job")


def test_an_upload_while_redis_is_down_is_kept_and_sent_later(client, auth, queued_app, redis_url):
    auth.signup_and_login()
    give_recording_consent(client, "audio")
    queued_app.config["QUEUE_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    attempt_id = upload_audio(client)
    assert attempt_state(queued_app, attempt_id) == ("pending", None)
    queued_app.config["QUEUE_URL"] = redis_url
    with queued_app.app_context():
        assert queued_app.extensions["job_worker"].dispatcher.enqueue_pending() == 1  # the thread's next sweep
    assert queued_messages(queued_app) == 1


def test_a_message_lost_with_the_broker_is_sent_again(client, auth, queued_app, monkeypatch):
    """Redis restarted without its data: the attempt stays pending, so once RESEND_AFTER_SECONDS
    have passed since it was sent, the next sweep sends it again (and only then)."""
    import interview.queue as queue

    auth.signup_and_login()
    give_recording_consent(client, "audio")
    attempt_id = upload_audio(client)
    assert queued_messages(queued_app) == 1
    with queued_app.app_context():
        dispatcher = queued_app.extensions["job_worker"].dispatcher
        assert dispatcher.enqueue_pending() == 0                 # sent on upload: not again at once
        clock = queue.time.monotonic()
        monkeypatch.setattr(queue.time, "monotonic", lambda: clock + queue.RESEND_AFTER_SECONDS + 1)
        assert dispatcher.enqueue_pending() == 1                 # still pending: sent again
        db.session.get(Attempt, attempt_id).status = "running"
        db.session.commit()
        monkeypatch.setattr(queue.time, "monotonic", lambda: clock + 3 * queue.RESEND_AFTER_SECONDS)
        assert dispatcher.enqueue_pending() == 0                 # claimed: never sent again


def test_a_duplicate_message_does_nothing(client, auth, queued_app):
    from interview.queue import analyze_attempt, use_app

    auth.signup_and_login()
    give_recording_consent(client, "audio")
    attempt_id = upload_audio(client)
    with queued_app.app_context():
        db.session.get(Attempt, attempt_id).status = "complete"
        db.session.commit()
    use_app(queued_app)
    try:
        analyze_attempt.run(attempt_id)  # the task body, in this process: the attempt is not pending
    finally:
        use_app(None)
    assert attempt_state(queued_app, attempt_id) == ("complete", None)


def test_the_worker_command_needs_a_queue_url(runner, app):
    result = runner.invoke(args=["jobs", "worker"])
    assert result.exit_code != 0 and "POISE_QUEUE_URL" in result.output
