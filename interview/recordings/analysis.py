"""The background work for recorded answers: faces and voice, each decoded once per job."""
import base64
import dataclasses
import logging

from emotion.errors import AnalysisError, NoSpeechFound
from interview.extensions import db
from interview.models import Attempt, Modality, Score
from interview.scoring import record_scores

log = logging.getLogger(__name__)


def analyze_video_attempt(attempt: Attempt, progress) -> None:
    from emotion.explain import heatmap_overlay_png
    from emotion.face import get_face_analyzer
    from emotion.video import analyze_video_keeping_strongest_face
    from interview.recordings.services import recording_store

    path = recording_store().path(attempt.recording_path)
    analyzer = get_face_analyzer()
    progress(5)
    faces, strongest_face = analyze_video_keeping_strongest_face(analyzer, path)
    progress(60)
    heatmap = heatmap_overlay_png(strongest_face, analyzer.heatmap(strongest_face))
    details = {
        "face": dataclasses.asdict(faces),
        "heatmap_png": base64.b64encode(heatmap).decode("ascii"),
        "face_model_accuracy": analyzer.model_accuracy,
    }
    scores = [score("face_" + name, value * 100, analyzer.model_accuracy)
              for name, value in faces.summary.mean_probabilities.items()]
    scores.append(score("face_share", faces.summary.face_share * 100, None))
    progress(70)
    voice = voice_of(path)
    if voice is not None:
        details["voice"] = voice
        scores += voice_scores(voice)
    save(attempt, details, scores)


def analyze_audio_attempt(attempt: Attempt, progress) -> None:
    from interview.recordings.services import recording_store

    progress(5)
    voice = voice_of(recording_store().path(attempt.recording_path), required=True)
    save(attempt, {"voice": voice}, voice_scores(voice))


def voice_of(path, required: bool = False) -> dict | None:
    """Vocal emotions and delivery of a recording's sound; a silent video keeps its face report."""
    from emotion.speech import analyze_audio_file

    try:
        return analyze_audio_file(path)
    except NoSpeechFound:
        if required:
            raise
        return None
    except AnalysisError as error:
        if required:
            raise
        log.info("no usable sound track in %s: %s", path, error)
        return None


# Delivery measures compared with other candidates (names are DeliveryMeasures fields).
DELIVERY_SCORES = (
    "speaking_share", "pause_count", "pause_mean_seconds", "pause_longest_seconds",
    "speaking_rate_syllables_per_second", "articulation_rate_syllables_per_second",
    "pitch_median_semitones_re_100hz", "pitch_range_semitones", "loudness_variation_db",
)


def voice_scores(voice: dict) -> list[Score]:
    accuracy = voice.get("model_accuracy")
    scores = [score("voice_" + name, value * 100, accuracy)
              for name, value in voice["summary"]["mean_probabilities"].items()]
    delivery = voice.get("delivery", {})
    scores += [score(name, delivery[name], None) for name in DELIVERY_SCORES
               if delivery.get(name) is not None]
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
