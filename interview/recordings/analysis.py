"""The background work for recorded answers: the model work (:func:`interview.runner.analyze_recording`,
run by this app's runner: a spawn-started child with a deadline, by default), then the result
stored here, in the job's own process (:mod:`interview.results`), and its scores kept for
comparisons. The in-process worker and the queue workers both run these handlers.

The owner's own switch (``User.emotion_readings_enabled``) is read when the job runs: with it
off, no emotion is read from the face or the voice, only the delivery of the sound."""
import logging

from flask import current_app

from emotion.base import FaceAnalysis, SpokenWords, VideoAnswerAnalysis, VoiceAnalysis
from emotion.affect import affect_path_summary
from emotion.camera_types import CameraDelivery
from emotion.wheel_types import WheelReading
from interview.extensions import db
from interview.models import Attempt, Modality, Score
from interview.results import stored
from interview.runner import runner_for
from interview.scoring import record_scores
from interview.storage import recording_store

log = logging.getLogger(__name__)

# Delivery measures compared with other candidates (names are DeliveryMeasures fields).
DELIVERY_SCORES = (
    "speaking_share", "pause_count", "pause_mean_seconds", "pause_longest_seconds",
    "speaking_rate_syllables_per_second", "articulation_rate_syllables_per_second",
    "pitch_median_semitones_re_100hz", "pitch_range_semitones", "loudness_variation_db",
)


# The poles a face can show on each wheel dimension (+1 first-named, -1 second); trust and
# anticipation never light from FER2013-trained readings (models/wheel/MODEL_CARD.md).
WHEEL_POLES_BY_DIMENSION = {"joy_sadness": {1: "joy", -1: "sadness"}, "trust_disgust": {1: "trust", -1: "disgust"},
                            "fear_anger": {1: "fear", -1: "anger"},
                            "surprise_anticipation": {1: "surprise", -1: "anticipation"}}
WHEEL_POLES = ("joy", "sadness", "disgust", "fear", "anger", "surprise")


def analyze_video_attempt(attempt: Attempt, progress) -> None:
    result = analyze_attempt_recording(attempt, progress)
    save(attempt, stored(result), video_scores(result))


def video_scores(result: VideoAnswerAnalysis) -> list[Score]:
    return ((face_scores(result.face) if result.face else []) + (voice_scores(result.voice) if result.voice else [])
            + (camera_scores(result.camera) if result.camera else []))


def analyze_audio_attempt(attempt: Attempt, progress) -> None:
    progress(5)
    result = analyze_attempt_recording(attempt, progress)
    save(attempt, stored(result), voice_scores(result))


def analyze_attempt_recording(attempt: Attempt, progress):
    """The owner's switch is read now, when the job runs."""
    return analysis_runner().run(recording_store().path(attempt.recording_path), str(attempt.modality),
                                 attempt.user.emotion_readings_enabled, progress)


def analysis_runner():
    """This app's runner, built on first use (never before gunicorn forks)."""
    extensions = current_app.extensions
    if "analysis_runner" not in extensions:
        extensions["analysis_runner"] = runner_for(current_app.config)
    return extensions["analysis_runner"]


def face_scores(face: FaceAnalysis) -> list[Score]:
    accuracy = face.model.accuracy
    scores = [score("face_" + name, value * 100, accuracy)
              for name, value in face.summary.mean_probabilities.items()]
    scores += affect_scores("face", face.affect) + (wheel_scores(face.wheel) if face.wheel else [])
    return scores + [score("face_share", face.summary.face_share * 100, None)]


def affect_scores(channel: str, points) -> list[Score]:
    """Mean valence and arousal of one channel's readings (``valence_face``, ``arousal_voice``)."""
    summary = affect_path_summary(points)
    if summary["mean_valence"] is None:
        return []
    return [score(f"valence_{channel}", summary["mean_valence"], None),
            score(f"arousal_{channel}", summary["mean_arousal"], None)]


def wheel_scores(wheel: WheelReading) -> list[Score]:
    """The share of the read frames (0-100) in each pole the face can show, and calm."""
    if not wheel.timeline:
        return []
    shares = {pole: 0 for pole in WHEEL_POLES} | {"calm": 0}
    for moment in wheel.timeline:
        lit = [pole for dimension, value in moment.dimensions.items()
               if value and (pole := WHEEL_POLES_BY_DIMENSION[dimension][value]) in shares]
        for pole in lit or ["calm"]:
            shares[pole] += 1
    return [score("wheel_" + pole, count / len(wheel.timeline) * 100, None) for pole, count in shares.items()]


def voice_scores(voice: VoiceAnalysis) -> list[Score]:
    """Vocal emotions (when they were read), the delivery measures and the words' measures."""
    scores = []
    if voice.summary is not None:
        accuracy = voice.model.accuracy if voice.model else None
        scores = [score("voice_" + name, value * 100, accuracy)
                  for name, value in voice.summary.mean_probabilities.items()]
    scores += [score(name, value, None) for name in DELIVERY_SCORES
               if (value := getattr(voice.delivery, name)) is not None]
    scores += affect_scores("voice", voice.affect)
    return scores + (word_scores(voice.words) if voice.words else [])


def word_scores(words: SpokenWords) -> list[Score]:
    """Pace, fillers, long pauses and repeats of the transcript, and the Big Five of the words
    (``spoken_<trait>``, beside the written answers' ``<trait>``)."""
    measures = words.measures
    scores = [score("words_per_minute", measures.words_per_minute, None),
              score("fillers_per_minute", measures.fillers_per_minute, None),
              score("long_pause_count", len(measures.long_pauses), None),
              score("repeat_count", len(measures.repeats), None),
              score("answer_seconds", measures.speaking_span_seconds, None)]
    if words.writing is not None:
        scores += [score("spoken_" + trait.name, trait.score, trait.confidence)
                   for trait in words.writing.personality.traits]
    return scores


def camera_scores(camera: CameraDelivery) -> list[Score]:
    """Eye contact, head movement, blinks and framing: what the camera saw, not feelings."""
    scores = []
    if camera.gaze.camera_share is not None:
        scores.append(score("eye_contact_share", camera.gaze.camera_share * 100, None))
    if camera.head is not None:
        scores.append(score("head_degrees_per_second", camera.head.degrees_per_second, None))
    if camera.blinks_per_minute is not None:
        scores.append(score("blinks_per_minute", camera.blinks_per_minute, None))
    if camera.timeline:
        with_problem = sum(1 for moment in camera.timeline if moment.framing)
        scores.append(score("framing_problem_share", with_problem / len(camera.timeline) * 100, None))
    return scores


def score(name: str, value: float, confidence: float | None) -> Score:
    return Score(name=name, value=float(value), confidence=confidence)


def save(attempt: Attempt, details: dict, scores: list[Score]) -> None:
    for item in scores:
        item.user_id, item.question_id, item.modality = attempt.user_id, attempt.question_id, attempt.modality
    attempt.details = details
    attempt.scores = scores
    record_scores(attempt)
    db.session.flush()


HANDLERS = {Modality.VIDEO: analyze_video_attempt, Modality.AUDIO: analyze_audio_attempt}
