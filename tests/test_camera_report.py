"""What the camera saw of a video answer (issue 17), from the stored result to the report:
eye contact with clickable look-aways, head movement, framing and light, the scores kept for
comparisons and history, and answers from before the camera reading. Hand-built readings:
no model runs here (tests/test_camera.py reads real frames)."""
import dataclasses
import json

import pytest

from emotion.camera_types import CameraDelivery, CameraMoment, GazeSummary, HeadMovement, Stretch
from interview.extensions import db
from interview.recordings.analysis import camera_scores
from interview.results import BEFORE_CAMERA_READING, stored
from tests.test_reports import add_recorded_attempt, section, video_analysis, switch_emotion_readings_off


def camera_delivery(camera_share=0.75) -> CameraDelivery:
    """Eight seconds at two frames a second: looking away from 2.0 to 3.5 s; dark for 3 frames."""
    timeline = tuple(CameraMoment(time=i * 0.5, face_found=True, looking_at_camera=not 4 <= i < 7,
                                  yaw=25.0 if 4 <= i < 7 else 2.0, pitch=0.0, roll=0.0, eyes_closed=i == 9,
                                  framing=("too_dark",) if i >= 13 else ())
                     for i in range(16))
    return CameraDelivery(timeline=timeline,
                          gaze=GazeSummary(camera_share=camera_share, look_aways=(Stretch(2.0, 3.5),), frames_read=16),
                          head=HeadMovement(label="nodding", degrees_per_second=6.5, nods=2),
                          blinks_per_minute=7.5, framing={"too_dark": 3 / 16, "off_centre": 0.05})


def video_with_camera(camera=None, reason=None):
    return dataclasses.replace(video_analysis(), camera=camera, camera_missing_reason=reason)


def test_camera_scores_are_kept_for_comparisons():
    scores = {item.name: item.value for item in camera_scores(camera_delivery())}
    assert scores == {"eye_contact_share": 75.0, "head_degrees_per_second": 6.5, "blinks_per_minute": 7.5,
                      "framing_problem_share": pytest.approx(3 / 16 * 100)}
    unread = dataclasses.replace(camera_delivery(), gaze=GazeSummary(None, (), 0), head=None, blinks_per_minute=None)
    assert set(item.name for item in camera_scores(unread)) == {"framing_problem_share"}


def test_the_report_shows_eye_contact_look_aways_head_and_framing(client, auth, app):
    user_id = auth.signup_and_login()
    other = add_recorded_attempt(app, user_id, "video", 1, video_with_camera(camera_delivery(0.75)))
    html = client.get(f"/attempts/{other}/report").data.decode()
    camera = section(html, "camera")
    assert "looked at the camera for <strong>75%</strong>" in camera and "looked away 1\n        time" in camera
    assert "2.0–3.5 s" in camera and "data-seek" not in camera   # no recording kept: nothing to seek
    assert "Nodding" in camera and "2 nods" in camera
    assert 'data-problem="too_dark"' in camera and "(19% of the answer)" in camera
    assert 'data-problem="off_centre"' not in camera          # 5 %: under the tenth worth a line
    assert 'data-name="eye_contact_share"' in camera and "Bentivoglio" in camera
    data = json.loads(html.split('<script type="application/json" id="report-data">')[1].split("</script>")[0])
    assert data["camera"]["gaze"]["look_aways"] == [{"start": 2.0, "end": 3.5}]
    assert "camera.js" in html
    with app.app_context():
        from interview.models import Attempt

        db.session.get(Attempt, other).recording_path = f"{user_id}/answer.webm"
        db.session.commit()
    camera = section(client.get(f"/attempts/{other}/report").data.decode(), "camera")
    assert '<button type="button" class="link seek" data-seek="2.0">2.0–3.5 s</button>' in camera


def test_the_camera_section_stays_when_emotion_readings_are_off(client, auth, app):
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "video", 1, video_with_camera(camera_delivery()))
    switch_emotion_readings_off(app, user_id)
    html = client.get(f"/attempts/{attempt_id}/report").data.decode()
    assert 'id="face"' not in html and "looked at the camera for" in section(html, "camera")


def test_without_a_camera_reading_the_report_says_why(client, auth, app):
    user_id = auth.signup_and_login()
    missing = add_recorded_attempt(app, user_id, "video", 1, video_with_camera(None, "No face was seen."))
    assert "No face was seen." in section(client.get(f"/attempts/{missing}/report").data.decode(), "camera")
    older = add_recorded_attempt(app, user_id, "video", 2)
    with app.app_context():
        from interview.models import Attempt

        attempt = db.session.get(Attempt, older)
        details = stored(video_analysis()) | {"schema": 3}
        del details["camera"], details["camera_missing_reason"]
        attempt.details = details
        db.session.commit()
    assert BEFORE_CAMERA_READING in section(client.get(f"/attempts/{older}/report").data.decode(), "camera")


def test_history_follows_eye_contact(client, auth, app):
    user_id = auth.signup_and_login()
    add_recorded_attempt(app, user_id, "video", 1, video_with_camera(camera_delivery(0.5)))
    add_recorded_attempt(app, user_id, "video", 1, video_with_camera(camera_delivery(0.9)))
    html = client.get("/history").data.decode()
    trends = json.loads(html.split('<script type="application/json" id="trend-data">')[1].split("</script>")[0])
    values = [point["scores"].get("eye_contact_share") for point in trends["video"]["points"]]
    assert values == [50.0, 90.0]
    assert any(series["name"] == "head_degrees_per_second" for chart in trends["video"]["charts"]
               for series in chart["series"])
