"""Stored analysis results: one JSON form with a schema version, and answers stored before it
(schema 1) still render."""
import json

from emotion.base import (FaceAnalysis, ModelInfo, TimelinePoint, VideoAnswerAnalysis, VideoSummary,
                          VoiceAnalysis)
from emotion.speech_types import DeliveryMeasures, SpeechSummary, SpeechWindow
from interview.extensions import db
from interview.models import Attempt, Score
from interview.results import SCHEMA_VERSION, readable, stored
from interview.scoring import record_scores

FACE_PROBABILITIES = {"angry": 0.05, "disgust": 0.01, "fear": 0.04, "happy": 0.7, "sad": 0.05,
                      "surprise": 0.05, "neutral": 0.1}
VOICE_PROBABILITIES = {"neutral": 0.2, "happy": 0.5, "sad": 0.05, "angry": 0.05, "fearful": 0.1,
                       "disgust": 0.05, "surprised": 0.05}
DELIVERY = dict(duration_seconds=4.0, speaking_time_seconds=3.0, speaking_share=0.75, pause_count=1,
                pause_mean_seconds=0.4, pause_longest_seconds=0.4, syllable_count=14,
                speaking_rate_syllables_per_second=3.5, articulation_rate_syllables_per_second=4.6,
                pitch_median_hz=180.0, pitch_median_semitones_re_100hz=10.2, pitch_range_semitones=6.1,
                loudness_mean_db=-20.0, loudness_variation_db=4.0)
SUMMARY = dict(mean_probabilities=FACE_PROBABILITIES, dominant_emotion="happy", face_share=0.5,
               longest_gap_seconds=0.2, frames_analysed=2, duration_seconds=0.4, strongest_moment=0.0)
VOICE_SUMMARY = dict(mean_probabilities=VOICE_PROBABILITIES, dominant_emotion="happy", speech_windows=1,
                     silent_windows=0, duration_seconds=4.0, strongest_moment=0.0)


def video_result(with_voice=True) -> VideoAnswerAnalysis:
    face = FaceAnalysis(
        timeline=(TimelinePoint(0.0, True, FACE_PROBABILITIES), TimelinePoint(0.2, False, None)),
        summary=VideoSummary(**SUMMARY), heatmap_png=b"\x89PNG fake",
        model=ModelInfo(name="face", classes=tuple(FACE_PROBABILITIES), accuracy=0.66))
    voice = VoiceAnalysis(
        timeline=(SpeechWindow(0.0, 3.0, True, VOICE_PROBABILITIES),), summary=SpeechSummary(**VOICE_SUMMARY),
        delivery=DeliveryMeasures(**DELIVERY), model=ModelInfo(name="lda", classes=tuple(VOICE_PROBABILITIES), accuracy=0.65))
    return VideoAnswerAnalysis(face=face, voice=voice if with_voice else None,
                               voice_missing_reason=None if with_voice else "No speech here.")


# What interview/recordings/analysis.py stored before schema 2 (no "schema" key).
VERSION_1_VIDEO = {
    "face": {"timeline": [{"time": 0.0, "face_found": True, "probabilities": FACE_PROBABILITIES},
                          {"time": 0.2, "face_found": False, "probabilities": None}],
             "summary": SUMMARY},
    "heatmap_png": "iVBORw0KGgo=",
    "face_model_accuracy": 0.61,
    "voice": {"kind": "audio", "timeline": [{"start": 0.0, "end": 3.0, "speech": True,
                                             "probabilities": VOICE_PROBABILITIES}],
              "summary": VOICE_SUMMARY, "model_name": "logreg", "model_accuracy": 0.6, "delivery": DELIVERY},
}
VERSION_1_TEXT = {"model": "ens_svm_lr", "top_words": [["team", 3], ["customer", 2]]}


def test_a_video_result_is_stored_as_json_with_its_schema():
    details = stored(video_result())
    assert json.loads(json.dumps(details)) == details
    assert details["schema"] == SCHEMA_VERSION and details["kind"] == "video"
    assert details["face"]["heatmap_png"] == "iVBORyBmYWtl"  # base64 of the bytes
    assert details["face"]["model"]["accuracy"] == 0.66
    assert details["voice"]["delivery"]["pause_count"] == 1
    assert readable(details, "video") is details


def test_a_version_1_video_reads_in_the_current_layout():
    details = readable(VERSION_1_VIDEO, "video")
    assert details["schema"] == SCHEMA_VERSION
    assert details["face"]["heatmap_png"] == "iVBORw0KGgo="
    assert details["face"]["model"]["accuracy"] == 0.61
    assert details["face"]["timeline"][1]["face_found"] is False
    assert details["voice"]["model"] == {"name": "logreg", "accuracy": 0.6}
    assert details["voice"]["delivery"]["speaking_share"] == 0.75


def test_video_answers_from_before_the_camera_reading_say_so():
    from interview.results import BEFORE_CAMERA_READING

    version_3 = stored(video_result()) | {"schema": 3}
    del version_3["camera"], version_3["camera_missing_reason"]
    details = readable(version_3, "video")
    assert details["schema"] == SCHEMA_VERSION and details["camera"] is None
    assert details["camera_missing_reason"] == BEFORE_CAMERA_READING
    assert details["face"] == version_3["face"]
    assert readable(VERSION_1_VIDEO, "video")["camera_missing_reason"] == BEFORE_CAMERA_READING
    audio = stored(video_result().voice) | {"schema": 3}
    assert "camera" not in readable(audio, "audio")


def test_a_version_1_video_without_voice_says_why():
    without_voice = {key: value for key, value in VERSION_1_VIDEO.items() if key != "voice"}
    details = readable(without_voice, "video")
    assert details["voice"] is None and "No speech" in details["voice_missing_reason"]


def _attempt(app, user_id, modality, details, scores=()):
    with app.app_context():
        attempt = Attempt(user_id=user_id, question_id=1, modality=modality, source="recording",
                          status="complete", details=details, answer_text="An answer." if modality == "text" else None,
                          word_count=2 if modality == "text" else None)
        attempt.scores = [Score(user_id=user_id, question_id=1, modality=modality, name=name, value=value)
                          for name, value in scores]
        db.session.add(attempt)
        db.session.flush()
        record_scores(attempt)
        db.session.commit()
        return attempt.id


def test_reports_stored_before_schema_2_still_render(client, auth, app):
    user_id = auth.signup_and_login()
    face_scores = [("face_" + name, value * 100) for name, value in FACE_PROBABILITIES.items()]
    voice_scores = [("voice_" + name, value * 100) for name, value in VOICE_PROBABILITIES.items()]
    video = _attempt(app, user_id, "video", VERSION_1_VIDEO, face_scores + voice_scores)
    audio = _attempt(app, user_id, "audio", {"voice": VERSION_1_VIDEO["voice"]}, voice_scores)
    text = _attempt(app, user_id, "text", VERSION_1_TEXT, [("openness", 60.0)])

    page = client.get(f"/attempts/{video}/report")
    assert page.status_code == 200
    html = page.data.decode()
    assert 'id="face-chart"' in html and 'id="voice-chart"' in html
    assert "data:image/png;base64,iVBORw0KGgo=" in html
    assert client.get(f"/attempts/{audio}/report").status_code == 200
    text_page = client.get(f"/attempts/{text}/report").data.decode()
    assert "team" in text_page and "customer" in text_page


def test_a_schema_2_video_report_renders_and_says_why_there_is_no_voice(client, auth, app):
    user_id = auth.signup_and_login()
    face_scores = [("face_" + name, value * 100) for name, value in FACE_PROBABILITIES.items()]
    attempt_id = _attempt(app, user_id, "video", stored(video_result(with_voice=False)), face_scores)
    html = client.get(f"/attempts/{attempt_id}/report").data.decode()
    assert 'id="face-chart"' in html and "No speech here." in html
    assert "data:image/png;base64,iVBORyBmYWtl" in html


def test_a_schema_5_video_reads_with_no_fused_reading_and_says_why():
    from interview.results import BEFORE_FUSION

    details = readable({"schema": 5, "kind": "video", "face": None, "voice": None}, "video")
    assert details["schema"] == SCHEMA_VERSION == 6
    assert details["fusion"] is None and details["fusion_missing_reason"] == BEFORE_FUSION
    audio = readable({"schema": 5, "kind": "audio", "voice": None}, "audio")
    assert "fusion" not in audio and "fusion_missing_reason" not in audio
