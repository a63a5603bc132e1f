"""Recorded answers (audio and video): accept an upload, queue its analysis, report status."""
import logging
import subprocess

from flask import current_app

from emotion.errors import UnreadableMedia
from emotion.media import has_video_stream, run_ffprobe
from interview.extensions import db
from interview.models import Attempt, AttemptStatus, Modality, Question, SessionItem, User
from interview.storage import recording_store

log = logging.getLogger(__name__)

# Browsers' MediaRecorder output runs a little past the countdown; allow for it.
DURATION_SLACK_SECONDS = 10
MIN_SECONDS = 1.0


def media_duration(path) -> float | None:
    """Seconds of media, from ffprobe's reading of the container or stream; None if unknown.

    MediaRecorder webm files often carry no duration in their header, so fall back to the
    time of the last packet.
    """
    done = run_ffprobe(path, ["-show_entries", "format=duration:packet=pts_time", "-of", "csv=p=0"])
    if done is None:
        return None
    times = []
    for line in done.stdout.split():
        try:
            times.append(float(line.strip(",")))
        except ValueError:
            continue
    return max(times) if times else None


def accept_recording(user: User, question: Question, modality: str, upload,
                     session_item: SessionItem | None = None) -> Attempt:
    """Store an upload and queue it; raises a domain error (nothing saved) when it is refused.
    An answer given in a mock-interview session keeps its session item and that item's limit.

    The file keeps its temporary name until the answer is committed: whatever stops this
    before the commit (a refusal, a database error, the server stopping) leaves no kept file.
    """
    store = recording_store()
    relative, kind = store.save(user.id, upload.stream, current_app.config["MAX_CONTENT_LENGTH"])
    try:
        check_recording(store.pending_path(relative), kind, modality,
                        session_item.time_limit_seconds if session_item else question.time_limit_seconds)
        attempt = Attempt(user_id=user.id, question_id=question.id, modality=modality, source="recording",
                          status=AttemptStatus.PENDING, recording_path=relative, media_type=kind.mimetype,
                          session_item_id=session_item.id if session_item else None)
        db.session.add(attempt)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        store.discard(relative)
        raise
    store.keep(relative)
    jobs = current_app.extensions.get("jobs")
    if jobs is not None:
        jobs.notify()
    return attempt


def check_recording(path, kind, modality: str, limit_seconds: int) -> None:
    """Refuse (UnreadableMedia) a recording that cannot serve as this answer."""
    # A browser's audio-only recording is a webm too: only ffprobe can tell it has no picture.
    if modality == Modality.VIDEO and (not kind.has_video or has_video_stream(path) is False):
        raise UnreadableMedia("A video answer needs a video recording (webm or mp4).")
    if kind.extension == "webm":
        add_seek_index(path)
    check_duration(media_duration(path), limit_seconds)


def add_seek_index(path) -> None:
    """Rewrite a browser's webm with a duration and cues (no re-encoding).

    MediaRecorder streams webm without either, so players cannot seek in it: the report's
    click-to-jump would not work. A file ffmpeg cannot remux is not a usable recording.
    """
    remuxed = path.with_name(path.name + ".remux.webm")  # keeps the upload's temporary mark
    try:
        done = subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(path), "-c", "copy", str(remuxed)],
                              capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        done = None
    if done is None or done.returncode != 0 or not remuxed.exists():
        remuxed.unlink(missing_ok=True)
        raise UnreadableMedia("This recording is damaged and could not be read. Record again.")
    remuxed.replace(path)


def check_duration(seconds: float | None, limit_seconds: int) -> None:
    if seconds is None:
        raise UnreadableMedia("This recording could not be read. Record again.")
    if seconds < MIN_SECONDS:
        raise UnreadableMedia("This recording is shorter than a second. Record again.")
    if seconds > limit_seconds + DURATION_SLACK_SECONDS:
        raise UnreadableMedia(
            f"This recording lasts {seconds:.0f} s; answers to this question are limited to {limit_seconds} s.")
