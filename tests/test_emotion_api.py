"""The package's own calls (``emotion.analyze_image`` ...) and the command line on recordings
that are not what their name suggests, with the real committed models."""
import json
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, REPO_ROOT

pytestmark = pytest.mark.slow

AV = FIXTURES / "av"
SPOKEN_CLIP = FIXTURES / "audio" / "03-01-03-02-01-01-10.wav"


def test_importing_emotion_loads_nothing_heavy():
    probe = "import sys, emotion; print(sorted(m for m in ('tensorflow', 'keras', 'cv2', 'flask') if m in sys.modules))"
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60)
    assert completed.stdout.strip() == "[]", completed.stderr[-2000:]


def test_analyze_image_finds_the_face_in_a_frame(tmp_path):
    import cv2

    import emotion
    from emotion.face import FACE_CLASSES

    capture = cv2.VideoCapture(str(AV / "happy_1.mp4"))
    capture.set(cv2.CAP_PROP_POS_FRAMES, 30)
    ok, frame = capture.read()
    capture.release()
    assert ok
    cv2.imwrite(str(tmp_path / "frame.png"), frame)
    result = emotion.analyze_image(tmp_path / "frame.png")
    assert (result.width, result.height) == (640, 480) and len(result.faces) == 1
    assert set(result.faces[0].probabilities) == set(FACE_CLASSES)


def test_analyze_video_gives_a_timeline_and_summary():
    import emotion

    result = emotion.analyze_video(AV / "happy_1.webm", frames_per_second=5)
    assert len(result.timeline) == result.summary.frames_analysed > 10
    assert any(point.face_found for point in result.timeline)
    assert 3.0 < result.summary.duration_seconds < 5.0


def test_analyze_audio_gives_a_timeline_of_speech():
    import emotion
    from emotion.speech_types import SPEECH_CLASSES

    result = emotion.analyze_audio(SPOKEN_CLIP)
    assert result.summary.speech_windows >= 1
    assert result.summary.dominant_emotion in SPEECH_CLASSES
    spoken = [window for window in result.timeline if window.speech]
    assert all(abs(sum(window.probabilities.values()) - 1) < 1e-3 for window in spoken)


def test_command_line_reads_an_audio_only_webm_as_audio(tmp_path):
    """Browsers record audio answers as .webm too: no picture means the voice is analysed."""
    recording = tmp_path / "answer.webm"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(SPOKEN_CLIP), "-c:a", "libopus", str(recording)],
                   check=True, timeout=60)
    completed = subprocess.run([sys.executable, "-m", "emotion", "analyze", str(recording)],
                               capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert completed.returncode == 0, completed.stderr[-2000:]
    result = json.loads(completed.stdout)
    assert result["kind"] == "audio"
    assert result["timeline"] and any(window["speech"] for window in result["timeline"])


@pytest.mark.parametrize("container", ["mp4", "webm"])
def test_command_line_reads_a_videos_sound_track_when_asked(container):
    video = AV / f"angry_1.{container}"
    completed = subprocess.run([sys.executable, "-m", "emotion", "analyze", str(video), "--audio"],
                               capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert completed.returncode == 0, completed.stderr[-2000:]
    result = json.loads(completed.stdout)
    assert result["kind"] == "audio"  # the voice, not the faces the same file would give
    assert any(window["speech"] for window in result["timeline"])
    assert result["delivery"]["syllable_count"] > 0


def test_has_video_stream_tells_video_from_audio_only(tmp_path):
    from emotion.media import has_video_stream

    not_media = tmp_path / "notes.webm"
    not_media.write_text("not a recording")
    assert has_video_stream(AV / "happy_1.webm") is True
    assert has_video_stream(SPOKEN_CLIP) is False
    assert has_video_stream(not_media) is None  # undecided: the video path reports it
