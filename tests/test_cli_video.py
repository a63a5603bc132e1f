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
