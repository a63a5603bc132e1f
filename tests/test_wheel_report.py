"""The Plutchik wheel and valence/arousal on the recorded reports (issue 18), from hand-built
readings stored through the real result code: the drawing lit by density, the narrative's
phrases seeking the replay, the stretches, the measured accuracies, the affect charts' data;
hidden with emotion readings off; older answers say they predate it. No model runs."""
import dataclasses
import json

import pytest

from emotion.affect_types import AffectPoint
from emotion.wheel_types import NarrativePart, WheelInterval, WheelMoment, WheelReading
from interview.answers.wheel_report import MODELS, primary_densities
from interview.extensions import db
from interview.models import Attempt
from tests.test_reports import add_recorded_attempt, section, video_analysis, visible_text, voice_analysis, switch_emotion_readings_off

JOY, CALM, ANGER, OUTRAGE = (1, 0, 0, 0), (0, 0, 0, 0), (0, 0, -1, 0), (0, 0, -1, 1)


def moment(time, dims, state):
    return WheelMoment(time, dict(zip(("joy_sadness", "trust_disgust", "fear_anger", "surprise_anticipation"), dims)),
                       state)


def wheel_reading() -> WheelReading:
    """video_analysis's six frames with a face: joy, joy, calm, anger, outrage, calm."""
    timeline = (moment(0.0, JOY, "joy"), moment(0.5, JOY, "joy"), moment(1.0, CALM, "calm"),
                moment(3.0, ANGER, "anger"), moment(3.5, OUTRAGE, "outrage"), moment(4.0, CALM, "calm"))
    intervals = (WheelInterval(0.0, 1.5, ("serenity",), 0.67), WheelInterval(3.0, 4.0, ("anger", "surprise"), 0.67))
    parts = (NarrativePart("your face looked calm for most of the answer", None),
             NarrativePart("serene at the start (to 0:01)", 0.0), NarrativePart("angry and surprised from 0:03 to 0:04", 3.0))
    return WheelReading(timeline, intervals, "Your face looked calm for most of the answer; serene at the start (to 0:01); "
                        "angry and surprised from 0:03 to 0:04.", parts)


def face_affect():
    return tuple(AffectPoint(i * 0.5, None, None) if i in (3, 4, 5) else AffectPoint(i * 0.5, 0.5 - i * 0.1, 0.3)
                 for i in range(9))


def voice_affect():
    return tuple(AffectPoint(i * 2.0 + 1.0, None, None) if i == 2 else AffectPoint(i * 2.0 + 1.0, -0.4, 0.6)
                 for i in range(5))


def video_with_wheel():
    plain = video_analysis()
    face = dataclasses.replace(plain.face, wheel=wheel_reading(), affect=face_affect())
    return dataclasses.replace(plain, face=face, voice=dataclasses.replace(plain.voice, affect=voice_affect()))


def report_data(html: str) -> dict:
    return json.loads(html.split('<script type="application/json" id="report-data">')[1].split("</script>")[0])


def keep_recording(app, attempt_id, user_id):
    with app.app_context():
        db.session.get(Attempt, attempt_id).recording_path = f"{user_id}/answer.webm"
        db.session.commit()


def test_densities_are_the_share_of_read_frames_per_primary():
    stored = json.loads(json.dumps(dataclasses.asdict(wheel_reading())))
    densities = primary_densities(stored)
    assert list(densities) == ["joy", "trust", "fear", "surprise", "sadness", "disgust", "anger", "anticipation"]
    assert densities["joy"] == pytest.approx(2 / 6) and densities["anger"] == pytest.approx(2 / 6)
    assert densities["surprise"] == pytest.approx(1 / 6) and densities["sadness"] == 0


def test_the_wheel_is_drawn_lit_by_density_with_a_table(client, auth, app):
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "video", 1, video_with_wheel())
    html = client.get(f"/attempts/{attempt_id}/report").data.decode()
    wheel = section(html, "wheel")
    assert wheel.count('<g class="petal') == 8 and wheel.count("<path") == 24
    assert 'data-primary="joy"\n             data-density="0.333"' in wheel
    assert 'class="petal lit" data-primary="anger"' in wheel and 'class="petal lit" data-primary="surprise"' in wheel
    assert 'class="petal" data-primary="sadness"' in wheel and 'data-density="0.0"' in wheel
    for unreadable in ("trust", "anticipation"):
        assert f'class="petal unreadable" data-primary="{unreadable}"' in wheel
    for form in ("serenity", "ecstasy", "acceptance", "admiration", "interest", "vigilance", "rage"):
        assert f">{form}</text>" in wheel
    table = visible_text(wheel.split('id="wheel-table"')[1].split("</table>")[0])
    assert "Joy (serenity · ecstasy) 33%" in table and "Trust (acceptance · admiration) not readable from faces" in table
    assert "Sadness (pensiveness · grief) not lit" in table and "Surprise (distraction · amazement) 17%" in table
    assert "Lit: joy 33%, surprise 17%, anger 33%." in visible_text(wheel)


def test_the_narrative_seeks_only_with_a_recording_and_lists_the_stretches(client, auth, app):
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "video", 1, video_with_wheel())
    wheel = section(client.get(f"/attempts/{attempt_id}/report").data.decode(), "wheel")
    assert "data-seek" not in wheel
    assert '<span class="phrase">serene at the start (to 0:01)</span>;' in wheel
    assert ("Your face looked calm for most of the answer; serene at the start (to 0:01); angry and surprised from "
            "0:03 to 0:04." in visible_text(wheel).replace(" ;", ";").replace(" .", "."))
    intervals = visible_text(wheel.split('id="wheel-intervals"')[1].split("</table>")[0])
    assert "0.0–1.5 serenity 67%" in intervals and "3.0–4.0 anger, surprise 67%" in intervals

    keep_recording(app, attempt_id, user_id)
    html = client.get(f"/attempts/{attempt_id}/report").data.decode()
    wheel = section(html, "wheel")
    assert ('<button type="button" class="link seek phrase" data-seek="3.0">angry and surprised from 0:03 to 0:04</button>.'
            in wheel)
    assert wheel.count("data-seek") == 2
    assert '<span class="phrase">Your face looked calm for most of the answer</span>;' in wheel
    assert "wheel.js" in html


def test_the_measured_accuracies_and_the_caveat(client, auth, app):
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "video", 1, video_with_wheel())
    wheel = visible_text(section(client.get(f"/attempts/{attempt_id}/report").data.decode(), "wheel"))
    metrics = json.loads((MODELS / "wheel" / "metrics.json").read_text())
    fear_anger = metrics["dimensions"]["fear_anger"]
    assert f"Fear / anger: {fear_anger[fear_anger['shipped']]['accuracy'] * 100:.1f}%" in wheel
    assert "Surprise / anticipation: 95." in wheel and "All four at once: 65.8%" in wheel
    assert "not of what you felt" in wheel and "never light from a face" in wheel


def test_valence_and_arousal_of_face_and_voice(client, auth, app):
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "video", 1, video_with_wheel())
    html = client.get(f"/attempts/{attempt_id}/report").data.decode()
    affect = section(html, "affect")
    for channel in ("face", "voice"):
        assert f'id="affect-{channel}-chart"' in affect and f'id="affect-{channel}-plane"' in affect
    text = visible_text(affect)
    assert "Mohammad 2018" in text and "No trained model" in text
    measured = json.loads((MODELS / "affect" / "validation.json").read_text())
    for channel, figures in (("face", measured["face"]), ("voice", measured["voice"]["out_of_fold"])):
        for axis in ("valence_pleasant_vs_unpleasant", "arousal_activated_vs_calm"):   # the AUCs, as shown
            assert f"{round(100 * figures['soft'][axis]['auc'])}%" in text, (channel, axis)
    assert "over 6 readings (3 moments without one" in text
    assert "Unpleasant, activated: 100%" in text    # the voice: -0.4, 0.6 throughout
    data = report_data(html)
    assert data["face"]["affect"][3] == {"time": 1.5, "valence": None, "arousal": None}
    assert [point["valence"] for point in data["voice"]["affect"]] == [-0.4, -0.4, None, -0.4, -0.4]
    assert "affect.js" in html


def test_the_audio_report_shows_the_voices_valence_and_arousal(client, auth, app):
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "audio", 1,
                                      dataclasses.replace(voice_analysis(), affect=voice_affect()))
    html = client.get(f"/attempts/{attempt_id}/report").data.decode()
    affect = section(html, "affect")
    assert 'id="affect-voice-chart"' in affect and 'id="affect-face-chart"' not in affect
    assert 'id="wheel"' not in html and "affect.js" in html
    assert len(report_data(html)["voice"]["affect"]) == 5


def test_hidden_when_emotion_readings_are_off(client, auth, app):
    user_id = auth.signup_and_login()
    video = add_recorded_attempt(app, user_id, "video", 1, video_with_wheel())
    audio = add_recorded_attempt(app, user_id, "audio", 1, dataclasses.replace(voice_analysis(), affect=voice_affect()))
    switch_emotion_readings_off(app, user_id)
    for attempt_id in (video, audio):
        html = client.get(f"/attempts/{attempt_id}/report").data.decode()
        assert 'id="readings-off"' in html
        assert 'id="wheel"' not in html and 'id="affect"' not in html and "serenity" not in html
        assert '"affect"' not in html.split('id="report-data">')[1]


def test_an_older_answer_says_it_predates_the_wheel(client, auth, app):
    user_id = auth.signup_and_login()
    video = add_recorded_attempt(app, user_id, "video", 1)   # no wheel, no affect: as schema 4 reads
    with app.app_context():
        attempt = db.session.get(Attempt, video)
        details = dict(attempt.details) | {"schema": 4}
        details["face"] = {key: value for key, value in details["face"].items() if key not in ("wheel", "affect")}
        attempt.details = details
        db.session.commit()
    html = client.get(f"/attempts/{video}/report").data.decode()
    assert "recorded before Poise read faces on Plutchik" in section(html, "wheel")
    assert "recorded before Poise read valence and arousal" in section(html, "affect")
    assert 'class="petal' not in html and 'id="affect-face-chart"' not in html
    audio = add_recorded_attempt(app, user_id, "audio", 1)
    assert "recorded before Poise read valence and arousal" in section(
        client.get(f"/attempts/{audio}/report").data.decode(), "affect")
