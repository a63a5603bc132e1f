"""`python -m emotion analyze VIDEO` (issue 17): the face summary says how often a face was
found, and a gaze part says how much of the answer looked at the camera, with the look-aways."""
import json
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, REPO_ROOT

pytestmark = pytest.mark.slow


def test_a_video_reading_has_face_found_share_and_gaze():
    done = subprocess.run([sys.executable, "-m", "emotion", "analyze", str(FIXTURES / "av" / "happy_1.mp4")],
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    reading = json.loads(done.stdout)
    assert reading["kind"] == "video" and 0.8 <= reading["summary"]["face_found_share"] <= 1
    gaze = reading["gaze"]
    assert 0 <= gaze["camera_share"] <= 1 and gaze["frames_read"] > 10
    assert all(stretch["end"] > stretch["start"] >= 0 for stretch in gaze["look_aways"])
    assert len(reading["camera_timeline"]) == len(reading["timeline"])
    assert set(reading["framing"]) == {"too_small", "off_centre", "cut_off", "too_dark", "back_lit"}


def test_a_video_reading_has_the_wheel_and_affect_in_the_issue_s_shape():
    done = subprocess.run([sys.executable, "-m", "emotion", "analyze", str(FIXTURES / "av" / "timeline_1.mp4")],
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    reading = json.loads(done.stdout)
    wheel = reading["wheel"]
    first = wheel["timeline"][0]
    assert set(first) == {"time", "dimensions", "state"} and set(first["dimensions"].values()) <= {-1, 0, 1}
    assert set(first["dimensions"]) == {"joy_sadness", "trust_disgust", "fear_anger", "surprise_anticipation"}
    assert all(set(interval) == {"start", "end", "states", "density"} for interval in wheel["intervals"])
    assert len(wheel["intervals"]) >= 3 and "joyful" in wheel["narrative"]   # the happy segment, 3.5-7 s
    points = reading["affect"]["timeline"]
    assert len(points) == len(reading["timeline"]) and set(points[0]) == {"time", "valence", "arousal"}


def test_an_audio_reading_has_the_voice_s_affect():
    done = subprocess.run([sys.executable, "-m", "emotion", "analyze", str(FIXTURES / "av" / "happy_1.mp4"), "--audio"],
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    points = json.loads(done.stdout)["affect"]["timeline"]
    assert points and all(-1 <= point["valence"] <= 1 for point in points if point["valence"] is not None)
