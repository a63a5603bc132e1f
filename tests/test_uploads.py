"""Uploads a stop cannot orphan (issue 15, finding 7): a recording keeps a temporary name until
its answer is committed, and a sweep (at start and ``flask recordings sweep``) removes the files
no answer refers to."""
import os
import time
from pathlib import Path

import pytest

from app import create_app
from interview.extensions import db
from interview.models import Attempt
from interview.recordings import sweep
from tests.conftest import give_recording_consent
from tests.test_recordings import upload

HOUR = 3600


def files_under(root) -> list[str]:
    root = Path(root)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def candidate(client, auth):
    auth.signup_and_login()
    give_recording_consent(client, "video")
    return client


def put(root, relative, age_seconds=0.0, data=b"\x1a\x45\xdf\xa3 recording") -> str:
    path = Path(root) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return relative


def test_an_accepted_upload_is_kept_under_its_final_name(app, candidate):
    response = upload(candidate)
    assert response.status_code == 201, response.get_json()
    with app.app_context():
        relative = db.session.get(Attempt, response.get_json()["id"]).recording_path
    assert files_under(app.config["RECORDINGS_DIR"]) == [relative]


def test_an_upload_cut_short_before_its_commit_leaves_no_file(app, candidate, monkeypatch):
    def stopped(*args, **kwargs):
        raise KeyboardInterrupt("the server is stopping")  # not an Exception: nothing catches it

    monkeypatch.setattr(db.session, "commit", stopped)
    with pytest.raises(KeyboardInterrupt):
        upload(candidate)
    monkeypatch.undo()
    assert files_under(app.config["RECORDINGS_DIR"]) == []
    with app.app_context():
        assert db.session.query(Attempt).count() == 0


def test_a_refused_upload_leaves_no_file(app, candidate):
    assert upload(candidate, data=b"\x1a\x45\xdf\xa3" + b"\0" * 500).status_code == 422
    assert files_under(app.config["RECORDINGS_DIR"]) == []


def test_the_sweep_removes_orphans_and_keeps_answered_files(app, candidate, runner):
    answered = upload(candidate).get_json()["id"]
    root = app.config["RECORDINGS_DIR"]
    with app.app_context():
        kept = db.session.get(Attempt, answered).recording_path
    user = kept.split("/")[0]
    orphan = put(root, f"{user}/orphan.webm")
    old_upload = put(root, f"{user}/stopped.webm.part", age_seconds=2 * HOUR)
    old_remux = put(root, f"{user}/stopped.webm.part.remux.webm", age_seconds=2 * HOUR)
    fresh_upload = put(root, f"{user}/arriving.webm.part", age_seconds=60)  # another worker's
    gone_user = put(root, "999/left-behind.ogg")

    dry = runner.invoke(args=["recordings", "sweep", "--dry-run"])
    assert dry.exit_code == 0 and "Would remove 4 files" in dry.output and orphan in dry.output
    assert len(files_under(root)) == 6
    done = runner.invoke(args=["recordings", "sweep"])
    assert done.exit_code == 0 and "Removed 4 files" in done.output
    assert files_under(root) == sorted([kept, fresh_upload])
    assert not {old_upload, old_remux, gone_user} & set(files_under(root))


def test_a_committed_answer_whose_rename_was_cut_short_gets_its_file(app, candidate, runner):
    answered = upload(candidate).get_json()["id"]
    root = Path(app.config["RECORDINGS_DIR"])
    with app.app_context():
        kept = db.session.get(Attempt, answered).recording_path
    os.replace(root / kept, root / (kept + ".part"))  # stopped between the commit and the rename
    os.utime(root / (kept + ".part"), (time.time() - 2 * HOUR,) * 2)
    assert "Finished saving 1" in runner.invoke(args=["recordings", "sweep"]).output
    assert files_under(root) == [kept]
    # A reader finishes the rename too, without waiting for a sweep.
    os.replace(root / kept, root / (kept + ".part"))
    with app.app_context():
        assert sweep.recording_store().path(kept).exists()
    assert files_under(root) == [kept]


def test_the_app_sweeps_at_start(app, tmp_path):
    root = app.config["RECORDINGS_DIR"]
    put(root, "1/orphan.webm")
    put(root, "1/fresh.webm.part", age_seconds=10)
    create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "TESTING": True, "JOBS_ENABLED": False,
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "RECORDINGS_DIR": root})
    assert files_under(root) == ["1/fresh.webm.part"]


def test_a_database_not_migrated_yet_does_not_stop_the_start(tmp_path):
    root = tmp_path / "recordings"
    put(root, "1/orphan.webm")
    create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "TESTING": True, "JOBS_ENABLED": False,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "RECORDINGS_DIR": str(root)})
    assert files_under(root) == ["1/orphan.webm"]


def test_the_job_loop_sweeps_every_hour_without_a_restart(app, candidate, monkeypatch):
    """A server killed mid-upload leaves a temporary file; the running job loop removes it once
    it is an hour old, at its next hourly sweep, with no restart."""
    root = app.config["RECORDINGS_DIR"]
    answered = upload(candidate).get_json()["id"]
    with app.app_context():
        attempt = db.session.get(Attempt, answered)
        kept, attempt.status = attempt.recording_path, "complete"  # no job to run here
        db.session.commit()
    cut_off = put(root, f"{kept.split('/')[0]}/killed.webm.part", age_seconds=2 * HOUR)
    worker = app.extensions["job_worker"]
    with app.app_context():
        worker.run_due_work()
        assert cut_off in files_under(root)             # within the hour of the start-up sweep
        clock = time.monotonic()
        monkeypatch.setattr(sweep.time, "monotonic", lambda: clock + sweep.HourlySweep.EVERY_SECONDS + 1)
        worker.run_due_work()
    assert files_under(root) == [kept]
