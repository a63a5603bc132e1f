"""Report and history pages as a new user reads them (issue 13): own attempts on recorded
reports, both cohort columns on text reports, delivery in plain words with sourced ranges,
history charts one unit per axis, the history table's question filter, the landing page.

Recorded answers are stored through the real result and score code (interview.results,
interview.recordings.analysis) from hand-built analyses, so no model runs.
"""
import json
import re

from emotion.base import (FACE_CLASSES, FaceAnalysis, ModelInfo, TimelinePoint, VideoAnswerAnalysis,
                          VideoSummary, VoiceAnalysis)
from emotion.speech_types import SPEECH_CLASSES, DeliveryMeasures, Pause, SpeechSummary, SpeechWindow
from interview.extensions import db
from interview.models import Attempt, AttemptStatus, User
from interview.results import stored
from tests.conftest import FakeTextAnalyzer, csrf_token_from, post_text_answer


def _probabilities(classes, happy):
    rest = (1 - happy) / (len(classes) - 1)
    return {name: happy if name == "happy" else rest for name in classes}


def voice_analysis(rate=4.0, happy=0.5, pitch_range=6.0) -> VoiceAnalysis:
    windows = tuple(SpeechWindow(start=i * 2.0, end=i * 2.0 + 2.0, speech=i != 2,
                                 probabilities=_probabilities(SPEECH_CLASSES, happy) if i != 2 else None)
                    for i in range(5))
    summary = SpeechSummary(mean_probabilities=_probabilities(SPEECH_CLASSES, happy), dominant_emotion="happy",
                            speech_windows=4, silent_windows=1, duration_seconds=10.0, strongest_moment=0.0)
    delivery = DeliveryMeasures(
        duration_seconds=10.0, speaking_time_seconds=8.0, speaking_share=0.8, pause_count=3,
        pause_mean_seconds=0.6, pause_longest_seconds=1.2, syllable_count=int(rate * 10),
        speaking_rate_syllables_per_second=rate, articulation_rate_syllables_per_second=rate * 1.25,
        pitch_median_hz=200.0, pitch_median_semitones_re_100hz=12.0, pitch_range_semitones=pitch_range,
        loudness_mean_db=-20.0, loudness_variation_db=5.0, pauses=(Pause(2.0, 2.6),))
    model = ModelInfo(name="speech-test", classes=SPEECH_CLASSES, accuracy=0.65)
    return VoiceAnalysis(timeline=windows, summary=summary, delivery=delivery, model=model)


def video_analysis(happy=0.6, rate=4.0) -> VideoAnswerAnalysis:
    """Four seconds at two readings a second; no face in view from 1.5 s to 2.5 s."""
    timeline = tuple(TimelinePoint(time=i * 0.5, face_found=i not in (3, 4, 5),
                                   probabilities=None if i in (3, 4, 5) else _probabilities(FACE_CLASSES, happy))
                     for i in range(9))
    summary = VideoSummary(mean_probabilities=_probabilities(FACE_CLASSES, happy), dominant_emotion="happy",
                           face_share=6 / 9, longest_gap_seconds=1.5, frames_analysed=9, duration_seconds=4.0,
                           strongest_moment=0.5)
    face = FaceAnalysis(timeline=timeline, summary=summary, heatmap_png=None,
                        model=ModelInfo(name="face-test", classes=FACE_CLASSES, accuracy=0.66))
    return VideoAnswerAnalysis(face=face, voice=voice_analysis(rate=rate))


def add_recorded_attempt(app, user_id, modality="video", question_id=1, result=None) -> int:
    """A completed recorded answer, stored and scored as the analysis job stores it."""
    from interview.recordings.analysis import save, video_scores, voice_scores

    result = result or (video_analysis() if modality == "video" else voice_analysis())
    with app.app_context():
        attempt = Attempt(user_id=user_id, question_id=question_id, modality=modality, source="recording",
                          status=AttemptStatus.COMPLETE, progress=100, media_type=f"{modality}/webm")
        db.session.add(attempt)
        save(attempt, stored(result), video_scores(result) if modality == "video" else voice_scores(result))
        db.session.commit()
        return attempt.id


def switch_emotion_readings_off(app, user_id) -> None:
    with app.app_context():
        db.session.get(User, user_id).emotion_readings_enabled = False
        db.session.commit()


def visible_text(html: str) -> str:
    """What a person reads: no scripts, no tags, no attribute values."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(html: str, section_id: str) -> str:
    return html.split(f'id="{section_id}"')[1].split("</section>")[0]


def sign_out(client):
    client.post("/auth/logout", data={"csrf_token": csrf_token_from(client.get("/"))})


def test_a_recorded_report_lists_the_users_attempts_at_that_question(client, auth, app):
    user_id = auth.signup_and_login()
    first = add_recorded_attempt(app, user_id, "video", 1, video_analysis(rate=3.0))
    second = add_recorded_attempt(app, user_id, "video", 1, video_analysis(rate=4.5))
    other_question = add_recorded_attempt(app, user_id, "video", 2)
    audio_same_question = add_recorded_attempt(app, user_id, "audio", 1)

    attempts = section(client.get(f"/attempts/{first}/report").data.decode(), "attempts")
    rows = re.findall(r"<tr[^>]*data-attempt-id=\"(\d+)\"", attempts)
    assert rows == [str(first), str(second)]  # this question, this modality, oldest first
    assert str(other_question) not in rows and str(audio_same_question) not in rows
    assert re.search(rf'class="current"[^>]*data-attempt-id="{first}"', attempts)
    assert f'href="/attempts/{second}/report"' in attempts
    assert ">180<" in attempts and ">270<" in attempts  # speaking rate in syllables a minute
    assert "Speaking rate (syllables/min)" in attempts and "Face in view (%)" in attempts
    assert 'href="/record/video/1"' in attempts and "Try this question again" in attempts


def test_an_audio_report_offers_audio_again_and_says_when_it_is_the_first(client, auth, app):
    user_id = auth.signup_and_login()
    only = add_recorded_attempt(app, user_id, "audio", 3)
    attempts = section(client.get(f"/attempts/{only}/report").data.decode(), "attempts")
    assert "This is your first audio answer to this question" in attempts
    assert 'href="/record/audio/3"' in attempts
    assert "Pace (words/min)" in attempts


def test_try_again_is_not_offered_when_recording_is_switched_off(client, auth, app):
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "audio", 1)
    app.config["EMOTION_FEATURES_ENABLED"] = False
    assert b"/record/audio/1" not in client.get(f"/attempts/{attempt_id}/report").data


def test_delivery_is_in_plain_words_with_typical_ranges_and_sources(client, auth, app):
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "audio", 1)
    html = client.get(f"/attempts/{attempt_id}/report").data.decode()
    delivery = section(html, "delivery")
    text = visible_text(delivery)
    assert "240 syllables/min" in text  # 4 syllables a second
    assert "typical: about 300 syllables/min" in text and "typical: 210-300 syllables/min" in text
    assert "typical: 3-6 semitones in conversation" in text
    assert "12.0 semitones" not in text and "6.0 semitones" in text
    assert "200 Hz" in text  # median pitch 12 semitones above 100 Hz
    for plain in ("Speaking rate", "Speed while talking", "Pitch variation", "Longest pause", "Time spent speaking"):
        assert plain in text, plain
    for url in ("https://virtualspeech.com/blog/average-speaking-rate-words-per-minute",
                "https://www.quantified.ai/blog/the-power-of-pause/",
                "https://www.frontiersin.org/articles/10.3389/fcomm.2022.869084/full",
                "https://www.gutenberg.org/ebooks/16317"):
        assert f'href="{url}"' in delivery
    visible = visible_text(html)
    assert "re 100 Hz" not in visible
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", visible), re.findall(r"\b[a-z]+_[a-z_]+\b", visible)


def test_a_video_report_compares_with_others_per_question_and_overall(client, auth, app):
    others = [auth.create(email=f"o{i}@example.com") for i in range(2)]
    add_recorded_attempt(app, others[0], "video", 1, video_analysis(rate=3.0))
    add_recorded_attempt(app, others[1], "video", 2, video_analysis(rate=5.0))
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "video", 1)
    row = client.get(f"/attempts/{attempt_id}/report").data.decode().split(
        'data-name="speaking_rate_syllables_per_second"')[1].split("</tr>")[0]
    assert re.search(r'class="this-question">180 syllables/min\s*<span class="hint">\(1 candidate\)', row)
    assert re.search(r'class="all-questions">240 syllables/min\s*<span class="hint">\(2 candidates\)', row)


def test_a_text_report_shows_others_for_this_question_and_for_all(client, auth, monkeypatch):
    for email, base, question in (("a@example.com", 20.0, 1), ("b@example.com", 60.0, 2), ("me@example.com", 80.0, 1)):
        monkeypatch.setattr("interview.text.services.get_text_analyzer", lambda base=base: FakeTextAnalyzer(base))
        auth.signup_and_login(email=email)
        response = post_text_answer(client, question_id=question)
        if email != "me@example.com":
            sign_out(client)
    html = client.get(response.headers["Location"]).data.decode()
    assert "Others, this question" in html and "Others, all questions" in html
    row = html.split('data-trait="extraversion"')[1].split("</tr>")[0]
    this_question = row.split('class="cohort this-question"')[1].split("</td>")[0]
    all_questions = row.split('class="cohort all-questions"')[1].split("</td>")[0]
    assert "20" in this_question and "(1)" in this_question  # only a@ answered question 1
    assert "40" in all_questions and "(2)" in all_questions  # mean of 20 and 60
    assert 'href="/text/questions/1"' in html  # answer this question again


def test_history_charts_keep_one_unit_per_axis_in_plain_words(client, auth, app, fake_model):
    user_id = auth.signup_and_login()
    add_recorded_attempt(app, user_id, "video", 1)
    add_recorded_attempt(app, user_id, "audio", 2)
    post_text_answer(client, question_id=1)
    html = client.get("/history").data.decode()
    trends = json.loads(html.split('<script type="application/json" id="trend-data">')[1].split("</script>")[0])
    assert set(trends) == {"video", "audio", "text"}
    axes = {}
    for modality, trend in trends.items():
        for chart in trend["charts"]:
            assert f'id="{chart["id"]}"' in html
            units = {series["unit"] for series in chart["series"]}
            assert len(units) == 1, chart  # one unit per axis
            axes[chart["axis"]] = units.pop()
            for series in chart["series"]:
                assert "_" not in series["label"], series
    assert axes["Share of the answer (%)"] == "%" and axes["Syllables per minute"] == "syllables/min"
    assert axes["Semitones"] == "semitones"
    audio_point = trends["audio"]["points"][0]["scores"]
    assert audio_point["speaking_rate_syllables_per_second"] == 240  # shown in syllables a minute
    assert audio_point["voice_happy"] == 50


def test_the_history_table_rows_carry_their_question_for_the_filter(client, auth, app, fake_model):
    user_id = auth.signup_and_login()
    post_text_answer(client, question_id=1)
    add_recorded_attempt(app, user_id, "audio", 2)
    with app.app_context():  # a pending answer is in the table and in the filter too
        db.session.add(Attempt(user_id=user_id, question_id=3, modality="video", source="recording"))
        db.session.commit()
    html = client.get("/history").data.decode()
    assert sorted(re.findall(r'<tr data-question-id="(\d+)"', html)) == ["1", "2", "3"]
    options = re.findall(r'<option value="(\d*)">', html.split('id="trend-question"')[1].split("</select>")[0])
    assert options == ["", "1", "2", "3"]


def test_the_landing_page_says_answers_can_be_recorded(client, app):
    text = visible_text(client.get("/").data.decode())
    assert "video or audio" in text and "On video:" in text and "On audio:" in text
    app.config["EMOTION_FEATURES_ENABLED"] = False
    text = visible_text(client.get("/").data.decode())
    assert "On video:" not in text and "video or audio" not in text


def test_history_trends_leave_out_emotion_readings_when_the_owner_switched_them_off(client, auth, app):
    user_id = auth.signup_and_login()
    add_recorded_attempt(app, user_id, "audio", 2)
    with app.app_context():
        db.session.get(User, user_id).emotion_readings_enabled = False
        db.session.commit()
    html = client.get("/history").data.decode()
    trends = json.loads(html.split('<script type="application/json" id="trend-data">')[1].split("</script>")[0])
    names = {series["name"] for chart in trends["audio"]["charts"] for series in chart["series"]}
    assert names == {"speaking_rate_syllables_per_second", "pitch_range_semitones"}
    assert set(trends["audio"]["points"][0]["scores"]) == names
