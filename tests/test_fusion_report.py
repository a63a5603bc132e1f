"""The face-and-voice reading on the video report (issue 19), from hand-built analyses fused by
the served fusion and stored through the real result code: the answer's reading with its
measured accuracy and each channel's part, the stretches (voice alone where no face was in view)
seeking the replay; hidden with emotion readings off; older answers say they predate it."""
import dataclasses
import re

import pytest

from emotion.fusion import FusionReader
from emotion.video_answer import NO_SPEECH
from interview.answers.fusion_report import fused_stretches
from interview.extensions import db
from interview.models import Attempt
from tests.test_reports import add_recorded_attempt, section, video_analysis, visible_text, switch_emotion_readings_off
from tests.test_wheel_report import keep_recording


def fused_video():
    answer = video_analysis()
    return dataclasses.replace(answer, fusion=FusionReader().read(answer.face, answer.voice))


def window(start, end, source, top, face_share=None):
    probabilities = {"happy": 0.2, "sad": 0.2, "angry": 0.2}
    return {"start": start, "end": end, "source": source, "probabilities": probabilities | {top: 0.5},
            "face_contribution": face_share}


def test_stretches_merge_windows_with_the_same_reading_and_source():
    fusion = {"windows": [window(0, 3, "both", "happy"), window(1, 4, "both", "happy"), window(2, 5, "voice", "happy"),
                          window(3, 6, "voice", "sad"), window(4, 7, "voice", "sad")]}
    stretches = [(s.start, s.end, s.emotion, s.source) for s in fused_stretches(fusion)]
    assert stretches == [(0, 2, "happy", "both"), (2, 3, "happy", "voice"), (3, 7, "sad", "voice")]
    assert fused_stretches(None) == [] and fused_stretches({"windows": []}) == []


def test_a_stretch_read_from_both_says_how_much_the_face_carried():
    fusion = {"windows": [window(0, 3, "both", "happy", 0.7), window(1, 4, "both", "happy", 0.5),
                          window(2, 5, "voice", "happy")]}
    both, voice = fused_stretches(fusion)
    assert both.face_share == 0.6 and both.source_label == "face and voice (face 60%, voice 40%)"
    assert voice.face_share is None and voice.source_label == "voice only: no face in view"


def test_the_report_shows_the_fused_reading_and_what_it_rests_on(client, auth, app):
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "video", 1, fused_video())
    keep_recording(app, attempt_id, user_id)
    fusion = section(client.get(f"/attempts/{attempt_id}/report").data.decode(), "fusion")
    text = visible_text(fusion)
    assert "read most like happy" in text and "Your face carried" in text
    assert re.search(r"right one of 7 for \d+% of them, against \d+% for the face alone and \d+% for the voice alone", text)
    assert "For 40% of the answer no face was in view: there the reading rests on your voice alone." in text
    assert "For 20% of the answer there was no speech" in text
    rows = re.findall(r'<tr data-source="(\w+)">', fusion)
    assert rows == ["both", "face", "voice"]   # windows merged where reading and source stay the same
    assert 'data-seek="0.0"' in fusion and 'data-seek="6.0"' in fusion and "voice only: no face in view" in text
    assert re.search(r"face and voice \(face \d+%, voice \d+%\)", text)   # each stretch's shares
    assert fusion.count('<tr><th scope="row">') == 7


def test_hidden_when_emotion_readings_are_off(client, auth, app):
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "video", 1, fused_video())
    switch_emotion_readings_off(app, user_id)
    html = client.get(f"/attempts/{attempt_id}/report").data.decode()
    assert 'id="readings-off"' in html and 'id="fusion"' not in html


def test_an_older_answer_says_it_predates_the_fused_reading(client, auth, app):
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "video", 1, fused_video())
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.details = {key: value for key, value in attempt.details.items() if key != "fusion"} | {"schema": 5}
        db.session.commit()
    fusion = section(client.get(f"/attempts/{attempt_id}/report").data.decode(), "fusion")
    assert "recorded before Poise read face and voice together" in fusion and "<table" not in fusion


@pytest.mark.parametrize("voice_missing_reason, said", [
    (NO_SPEECH, "no speech was heard in this answer"),
    ("There is no voice reading. The sound track could not be decoded.", "could not (see the voice section)"),
])
def test_a_video_without_a_voice_reading_has_no_fused_reading_and_says_why(client, auth, app, voice_missing_reason, said):
    user_id = auth.signup_and_login()
    silent = dataclasses.replace(video_analysis(), voice=None, voice_missing_reason=voice_missing_reason)
    attempt_id = add_recorded_attempt(app, user_id, "video", 1, silent)
    fusion = section(client.get(f"/attempts/{attempt_id}/report").data.decode(), "fusion")
    assert said in fusion and "the face reading above stands alone" in fusion and "<table" not in fusion
