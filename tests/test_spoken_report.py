"""The words of a spoken answer on its report (issue 16): the transcript with word timings,
fillers, long pauses and repeats marked, pace and fillers next to others, the STAR parts, the
Big Five of the spoken words beside a written answer to the same question; and what the report
says when there are no words. Stored through the real result and score code; no model runs."""
import re
from dataclasses import replace

from emotion.base import VideoAnswerAnalysis
from interview.extensions import db
from interview.models import Attempt
from tests.conftest import FakeTextAnalyzer, post_text_answer
from tests.spoken_samples import WORDS, spoken_words
from tests.test_reports import add_recorded_attempt, section, video_analysis, visible_text, voice_analysis, switch_emotion_readings_off
from tests.test_sharing import share_by_email, signed_in


def voice_with_words(**options):
    return replace(voice_analysis(), words=spoken_words(**options))


def video_with_words(**options):
    video = video_analysis()
    return VideoAnswerAnalysis(face=video.face, voice=voice_with_words(**options))


def words_section(client, attempt_id) -> str:
    response = client.get(f"/attempts/{attempt_id}/report")
    assert response.status_code == 200
    return section(response.data.decode(), "words")


def with_recording(app, attempt_id):
    """Give a stored answer a recording path, as a finished upload has."""
    with app.app_context():
        db.session.get(Attempt, attempt_id).recording_path = f"answer-{attempt_id}.webm"
        db.session.commit()


def test_the_transcript_shows_every_word_with_its_timing_and_marks(client, auth, app):
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "audio", 1, voice_with_words())
    with_recording(app, attempt_id)
    words = words_section(client, attempt_id)
    transcript = words.split('id="transcript"')[1].split("</div>")[0]
    buttons = re.findall(r'<button type="button" class="([^"]*)" data-start="([\d.]+)" data-end="([\d.]+)"', transcript)
    assert [(float(start), float(end)) for _, start, end in buttons] == [(start, end) for _, start, end, _ in WORDS]
    fillers = [i for i, (classes, _, _) in enumerate(buttons) if "filler" in classes.split()]
    assert fillers == [i for i, word in enumerate(WORDS) if word[3]] == [0, 15]
    assert [i for i, (classes, _, _) in enumerate(buttons) if "repeat" in classes.split()] == [8]
    assert transcript.count("(filler)") == 2 and "(said again)" in transcript  # not marked by colour alone
    # The long pause (3.5-5.0 s) sits after "deadlines." (word 12) and before "So".
    assert re.search(r'deadlines\.</button>\s*<span class="pause"[^>]*>.*?1\.5 s</span>\s*<span class="part-mark">Action'
                     r'</span>\s*<button[^>]*data-start="5.0"', transcript, re.S)
    assert re.findall(r'class="part-mark">(\w+)<', transcript) == ["Situation", "Action", "Result"]
    assert transcript.count('tabindex="0"') == 1  # one Tab stop; the arrow keys move between words


def test_pace_fillers_and_the_comparison_with_others(client, auth, app):
    other = auth.create(email="other@example.com")
    add_recorded_attempt(app, other, "audio", 1, voice_with_words())
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "audio", 1, voice_with_words())
    html = client.get(f"/attempts/{attempt_id}/report").data.decode()
    words = section(html, "words")
    text = visible_text(words)
    assert "176 words a minute" in text and "typically runs at about 120-150" in text
    assert "You said 2 fillers , 14.6 a minute" in text
    assert "“uh” × 1" in text and "“um” × 1" in text
    assert "The transcript marks 1 long pause and 1 repeat or restart." in text
    assert 'id="pace-chart"' in words and "0-5 s" in text and "156" in text  # the chart's figures as a table too
    for name, shown in (("words_per_minute", "176 words/min"), ("fillers_per_minute", "14.6 a minute"),
                        ("long_pause_count", "1"), ("repeat_count", "1"), ("answer_seconds", "8 s")):
        row = words.split(f'data-name="{name}"')[1].split("</tr>")[0]
        assert re.search(rf'class="you">{re.escape(shown)}\s*<', row), (name, row)
        assert "(1 candidate)" in row, name  # the other candidate's spoken answer to this question
    assert "typical: about 120-150 words/min" in words
    assert 'href="https://doi.org/10.1016/S0010-0277(02)00017-3"' in words  # the fillers' source
    assert "How sure" not in words.split('id="spoken-traits"')[0]  # the measures are not model readings
    report_data = html.split('id="report-data">')[1].split("</script>")[0]
    assert '"pace"' in report_data and '"words_per_minute": 156.0' in report_data


def test_the_answer_length_and_the_star_parts_can_be_checked(client, auth, app):
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "audio", 1, voice_with_words())
    with_recording(app, attempt_id)
    with app.app_context():
        limit = db.session.get(Attempt, attempt_id).question.time_limit_seconds
    words = words_section(client, attempt_id)
    text = visible_text(words)
    assert f"ran 8 s : {8.2 / limit * 100:.0f}% of the {limit} s this question allows" in text
    parts = dict(re.findall(r'<li class="[\w-]+" data-part="(\w+)">(.*?)</li>', words, re.S))
    assert list(parts) == ["situation", "task", "action", "result"]
    assert 'data-seek="0.6"' in parts["situation"] and "when I was" in parts["situation"]
    assert 'data-seek="5.0"' in parts["action"] and "so I" in parts["action"]
    assert 'data-seek="6.8"' in parts["result"] and "as a result" in parts["result"]
    assert visible_text(parts["task"]).strip() == "No cue for Task was heard."
    assert "“team” × 1" in visible_text(words.split('id="leaned-on"')[1])


def test_the_spoken_big_five_sits_beside_the_latest_written_answer(client, auth, app, monkeypatch):
    monkeypatch.setattr("interview.text.services.get_text_analyzer", lambda: FakeTextAnalyzer(30.0))
    user_id = auth.signup_and_login()
    written_id = int(post_text_answer(client, question_id=1).headers["Location"].split("/")[2])
    attempt_id = add_recorded_attempt(app, user_id, "audio", 1, voice_with_words(openness=70.0))
    words = words_section(client, attempt_id)
    openness = words.split('data-trait="openness"')[1].split("</tr>")[0]
    assert re.search(r'class="spoken">70<', openness)
    assert re.search(r'class="written">50<', openness)  # FakeTextAnalyzer(30): openness is its fifth trait, 30 + 4 * 5
    assert "model 60% accurate" in openness
    assert len(re.findall(r"<tr data-trait=", words)) == 5
    assert f'href="/attempts/{written_id}/report"' in words.split('id="written-answer"')[1]
    text = visible_text(words)
    assert "learned from written essays" in text and "as if you had written them" in text
    assert "Your most used words: team (1)" in text


def test_no_written_answer_yet_offers_one(client, auth, app):
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "audio", 2, voice_with_words())
    words = words_section(client, attempt_id)
    assert re.search(r'class="written">–<', words)
    assert 'href="/text/questions/2"' in words.split('id="written-answer"')[1]


def test_without_a_big_five_reading_the_reason_is_given(client, auth, app):
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "audio", 1, voice_with_words(with_writing=False))
    words = words_section(client, attempt_id)
    assert "the Big Five reading needs at least 50" in words.split('id="writing-missing"')[1]
    assert 'id="spoken-traits"' not in words
    assert 'class="word' in words  # the transcript is still there


def test_without_words_the_report_says_why(client, auth, app):
    user_id = auth.signup_and_login()
    no_words = replace(voice_analysis(), words_missing_reason="No speech recogniser is set up on this server.")
    attempt_id = add_recorded_attempt(app, user_id, "audio", 1, no_words)
    words = words_section(client, attempt_id)
    assert "No speech recogniser is set up on this server." in words.split('id="words-missing"')[1]
    assert 'id="transcript"' not in words


def test_an_answer_stored_before_transcripts_says_so(client, auth, app):
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "video", 1)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        details = dict(attempt.details)
        details["schema"] = 2
        details["voice"] = {key: value for key, value in details["voice"].items()
                            if key not in ("words", "words_missing_reason")}
        attempt.details = details
        db.session.commit()
    html = client.get(f"/attempts/{attempt_id}/report").data.decode()
    assert "recorded before Poise made transcripts" in section(html, "words")
    assert 'id="face"' in html and 'id="delivery"' in html  # the rest of the report is unchanged


def test_the_video_report_shows_the_words_after_the_replay(client, auth, app):
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "video", 1, video_with_words())
    with_recording(app, attempt_id)
    html = client.get(f"/attempts/{attempt_id}/report").data.decode()
    assert html.index('id="replay"') < html.index('id="words"') < html.index('id="face"')
    words = section(html, "words")
    assert len(re.findall(r'<button type="button" class="word[^"]*" data-start=', words)) == len(WORDS)
    assert "No cue for Task was heard." in visible_text(words)
    assert 'src="/static/transcript.js' in html


def test_without_the_recording_the_words_stay_but_do_not_seek(client, auth, app):
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "audio", 1, voice_with_words())  # no recording file
    words = words_section(client, attempt_id)
    assert len(re.findall(r'<span class="word[^"]*" data-start=', words)) == len(WORDS)
    assert "<button" not in words.split('id="transcript"')[1].split("</div>")[0]
    assert 'data-seek="' not in words and 'data-seekable="false"' in words


def test_the_words_stay_when_emotion_readings_are_off(client, auth, app):
    user_id = auth.signup_and_login()
    attempt_id = add_recorded_attempt(app, user_id, "video", 1, video_with_words())
    switch_emotion_readings_off(app, user_id)
    html = client.get(f"/attempts/{attempt_id}/report").data.decode()
    assert 'id="readings-off"' in html and 'id="face"' not in html
    words = section(html, "words")
    assert 'id="transcript"' in words and 'data-name="words_per_minute"' in words
    assert 'data-trait="openness"' in words


def test_a_recruiter_the_answer_is_shared_with_sees_the_words(app, auth):
    candidate, candidate_id = signed_in(app, auth, "ada@example.com")
    recruiter, _ = signed_in(app, auth, "rita@hire.example", role="recruiter")
    attempt_id = add_recorded_attempt(app, candidate_id, "audio", 1, voice_with_words())
    assert share_by_email(candidate, [attempt_id], "rita@hire.example").status_code == 302
    words = section(recruiter.get(f"/attempts/{attempt_id}/report").data.decode(), "words")
    assert 'id="transcript"' in words and "No cue for Task was heard." in visible_text(words)
    assert "Answer it in writing" not in words  # the candidate's own prompts stay theirs
