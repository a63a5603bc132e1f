"""The wheel and valence/arousal of an answer (issue 18) from the analysis to what is stored
and scored: schema 5 and its upgrade, the wheel-state shares and affect means kept for
comparisons (and hidden with the emotion readings), and, on the real models, a video answer's
wheel and affect in one pass."""
import dataclasses

import pytest

from emotion.affect_types import AffectPoint
from emotion.wheel_types import NarrativePart, WheelInterval, WheelMoment, WheelReading
from interview.privacy.readings import is_emotion_reading
from interview.recordings.analysis import affect_scores, face_scores, wheel_scores
from interview.results import SCHEMA_VERSION, readable, stored
from tests.conftest import FIXTURES
from tests.test_results import video_result


def moment(time, joy=0, disgust=0, fear=0, surprise=0):
    dims = {"joy_sadness": joy, "trust_disgust": disgust, "fear_anger": fear, "surprise_anticipation": surprise}
    return WheelMoment(time=time, dimensions=dims, state="test")


def wheel() -> WheelReading:
    timeline = (moment(0.0), moment(0.2, joy=1), moment(0.4, joy=1, surprise=1), moment(0.6, fear=-1))
    return WheelReading(timeline=timeline, intervals=(WheelInterval(0.0, 0.8, ("joy",), 0.5),),
                        narrative="Your face looked joyful.", narrative_parts=(NarrativePart("Your face looked joyful.", 0.2),))


def test_wheel_shares_count_each_lit_pole_and_calm():
    scores = {item.name: item.value for item in wheel_scores(wheel())}
    assert scores == {"wheel_joy": 50.0, "wheel_sadness": 0.0, "wheel_disgust": 0.0, "wheel_fear": 0.0,
                      "wheel_anger": 25.0, "wheel_surprise": 25.0, "wheel_calm": 25.0}
    assert all(is_emotion_reading(name) for name in scores)


def test_affect_means_skip_the_gaps():
    points = (AffectPoint(0.0, 0.5, 0.2), AffectPoint(0.2, None, None), AffectPoint(0.4, -0.1, 0.4))
    scores = {item.name: item.value for item in affect_scores("face", points)}
    assert scores == {"valence_face": pytest.approx(0.2), "arousal_face": pytest.approx(0.3)}
    assert affect_scores("voice", (AffectPoint(0.0, None, None),)) == []
    assert is_emotion_reading("valence_voice") and not is_emotion_reading("words_per_minute")


def test_a_face_with_wheel_and_affect_is_stored_and_scored():
    result = video_result()
    face = dataclasses.replace(result.face, wheel=wheel(), affect=(AffectPoint(0.0, 0.5, 0.2),))
    details = stored(dataclasses.replace(result, face=face))
    assert details["schema"] == SCHEMA_VERSION >= 5
    assert details["face"]["wheel"]["narrative_parts"] == [{"text": "Your face looked joyful.", "start": 0.2}]
    assert details["face"]["affect"] == [{"time": 0.0, "valence": 0.5, "arousal": 0.2}]
    names = {item.name for item in face_scores(face)}
    assert {"wheel_joy", "valence_face", "arousal_face", "face_happy", "face_share"} <= names


def test_schema_4_answers_read_with_no_wheel_and_no_affect():
    version_4 = stored(video_result()) | {"schema": 4}
    del version_4["face"]["wheel"], version_4["face"]["affect"], version_4["voice"]["affect"]
    details = readable(version_4, "video")
    assert details["schema"] == SCHEMA_VERSION and details["face"]["wheel"] is None
    assert details["face"]["affect"] == [] and details["voice"]["affect"] == []
    assert details["face"]["timeline"] == version_4["face"]["timeline"]


@pytest.mark.slow
def test_a_real_video_answer_reads_its_wheel_and_affect_in_one_pass():
    from emotion import get_video_analyzer

    face = get_video_analyzer().analyze(FIXTURES / "av" / "timeline_1.mp4").face
    assert len(face.affect) == len(face.timeline)
    happy = [point.valence for point, reading in zip(face.affect, face.timeline)
             if 4.0 <= reading.time <= 6.5 and point.valence is not None]
    assert happy and sum(happy) / len(happy) > 0.2          # the happy segment reads pleasant
    lit = [m.dimensions["joy_sadness"] for m in face.wheel.timeline if 4.0 <= m.time <= 6.5]
    assert sum(value == 1 for value in lit) >= 0.6 * len(lit)
    assert face.wheel.narrative and all(part.text for part in face.wheel.narrative_parts)


def test_the_report_compares_wheel_shares_and_valence_with_others(client, auth, app):
    from tests.test_reports import add_recorded_attempt, section

    result = video_result()
    face = dataclasses.replace(result.face, wheel=wheel(), affect=(AffectPoint(0.0, 0.5, 0.2),))
    other = auth.create("other@example.com", name="Other")
    add_recorded_attempt(app, other, "video", 1, dataclasses.replace(result, face=face))
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "video", 1, dataclasses.replace(result, face=face))
    compare = section(client.get(f"/attempts/{attempt_id}/report").data.decode(), "emotion-compare")
    assert 'data-name="wheel_joy"' in compare and 'data-name="valence_face"' in compare
    assert "1 candidate" in compare
