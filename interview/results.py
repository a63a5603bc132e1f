"""Analysis results as stored on an answer (``Attempt.details``): written and read here only.

An analyzer returns a frozen dataclass (:mod:`emotion.base`); :func:`stored` turns it into
JSON with a schema version, and :func:`readable` turns what is stored, of any version, into
the current layout the reports read.

Schema 6 (since 2026-11-30, issue 19): as schema 5, and video also holds "fusion": {"probabilities",
"dominant_emotion", "face_contribution", "windows": [{"start", "end", "source" (both, face, voice),
"probabilities", "face_contribution"}], "face_weight", "accuracy": {"fused", "face_only",
"voice_only"}, "voice_only_share", "face_only_share", "method"} or null (emotion.fusion_types).
Older video answers read with a null fusion and "fusion_missing_reason" saying they predate it.
Schema 5 (issue 18): as schema 4, and FACE also holds "affect": [{"time",
"valence", "arousal"}] (None in gaps) and "wheel": {"timeline": [{"time", "dimensions", "state"}],
"intervals": [{"start", "end", "states", "density"}], "narrative", "narrative_parts": [{"text",
"start"}]} or null (emotion.wheel_types); VOICE also holds "affect" ([] when emotions were not
read). Older answers read with empty affect and a null wheel.
Schema 4 (issue 17): as schema 3, and video also holds "camera": CAMERA or
null and "camera_missing_reason", where CAMERA = {"timeline": [{"time", "face_found",
"looking_at_camera", "yaw", "pitch", "roll", "eyes_closed", "framing"}], "gaze": {"camera_share",
"look_aways": [{"start", "end"}], "frames_read"}, "head": {"label", "degrees_per_second", "nods"}
or null, "blinks_per_minute", "framing": {problem: share}} (emotion.camera_types).
Schema 3 (issue 16): as schema 2, and VOICE also holds "words": WORDS or null
and "words_missing_reason" (why there are no words: no recogniser on the server, nothing
recognised, or recorded before transcripts), where WORDS = {"transcript": {"words": [{"text",
"start", "end", "probability", "filler"}], "duration_seconds", "recogniser"}, "measures":
{see emotion.transcript_types.SpokenMeasures}, "writing": TEXT-like {"personality", "top_words",
"word_count", "model"} or null, "writing_missing_reason"}.
Schema 2, by kind of answer:
- text:  {"schema", "kind", "personality", "top_words": [{"word", "count"}], "word_count", "model"}
- audio: {"schema", "kind", "voice": VOICE}
- video: {"schema", "kind", "face": FACE, "voice": VOICE or null, "voice_missing_reason"}
  where FACE = {"timeline", "summary", "heatmap_png" (base64), "model"} and
  VOICE = {"timeline", "summary", "delivery", "model"}; "model" = {"name", "classes",
  "accuracy", "accuracy_by_class", "card"}.
  An answer analysed while its owner had emotion readings switched off holds no emotion:
  video "face" is null, and VOICE is {"timeline": [], "summary": null, "delivery", "model": null}
  (delivery only). Readers must treat a null face, voice summary or model as "not read".
Schema 1 (no "schema" key): text {"model": name, "top_words": [[word, count]]}; video
{"face": {"timeline", "summary"}, "heatmap_png", "face_model_accuracy", "voice"?}; audio
{"voice"}, where voice = {"kind", "timeline", "summary", "model_name", "model_accuracy", "delivery"}.
"""
import base64
import dataclasses
from typing import Any

from emotion.base import TextAnalysis, VideoAnswerAnalysis, VoiceAnalysis
from emotion.video_answer import NO_SPEECH

SCHEMA_VERSION = 6
BEFORE_CAMERA_READING = "This answer was recorded before Poise read eye contact, head movement and framing."
BEFORE_FUSION = "This answer was recorded before Poise read face and voice together."
BEFORE_TRANSCRIPTS = "This answer was recorded before Poise made transcripts, so it has none."


def to_json(value: Any) -> Any:
    """A result (dataclasses, tuples, bytes, numbers) as JSON values; bytes become base64."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: to_json(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    return value


def stored(result: TextAnalysis | VoiceAnalysis | VideoAnswerAnalysis) -> dict:
    """What an answer keeps of its analysis."""
    header = {"schema": SCHEMA_VERSION}
    if isinstance(result, TextAnalysis):
        return header | {"kind": "text"} | to_json(result)
    if isinstance(result, VoiceAnalysis):
        return header | {"kind": "audio", "voice": to_json(result)}
    if isinstance(result, VideoAnswerAnalysis):
        return header | {"kind": "video"} | to_json(result)
    raise TypeError(f"no stored form for {type(result).__name__}")


def readable(details: dict | None, modality: str) -> dict:
    """Stored details of any schema version, in the current layout (empty when none)."""
    if not details:
        return {}
    version = details.get("schema", 1)
    if version == SCHEMA_VERSION:
        return details
    if version == 1:
        details = _from_version_2(_from_version_1(details, modality))
    elif version == 2:
        details = _from_version_2(details)
    if version <= 3:
        details = _from_version_3(details)
    if version <= 4:
        details = _from_version_4(details)
    if version <= 5:
        return _from_version_5(details)
    raise ValueError(f"stored results of schema {version} are newer than this code ({SCHEMA_VERSION})")


def _from_version_5(details: dict) -> dict:
    """Schema 5 had no fused reading."""
    upgraded = details | {"schema": SCHEMA_VERSION}
    if details.get("kind") == "video":
        upgraded = {"fusion": None, "fusion_missing_reason": BEFORE_FUSION} | upgraded
    return upgraded


def _from_version_4(details: dict) -> dict:
    """Schema 4 had no wheel and no valence/arousal."""
    upgraded = details | {"schema": 5}
    if details.get("face"):
        upgraded["face"] = {"affect": [], "wheel": None} | details["face"]
    if details.get("voice"):
        upgraded["voice"] = {"affect": []} | details["voice"]
    return upgraded


def _from_version_3(details: dict) -> dict:
    """Schema 3 had no camera reading: say so on video answers."""
    upgraded = details | {"schema": 4}
    if details.get("kind") == "video":
        upgraded = {"camera": None, "camera_missing_reason": BEFORE_CAMERA_READING} | upgraded
    return upgraded


def _from_version_2(details: dict) -> dict:
    """Schema 2 had no words: say so where there is a voice."""
    upgraded = details | {"schema": 3}
    if details.get("voice"):
        upgraded["voice"] = {"words": None, "words_missing_reason": BEFORE_TRANSCRIPTS} | details["voice"]
    return upgraded


def _from_version_1(details: dict, modality: str) -> dict:
    upgraded = {"schema": 2, "kind": modality}
    if modality == "text":
        model = details.get("model")
        return upgraded | {
            "top_words": [{"word": word, "count": count} for word, count in details.get("top_words", [])],
            "model": {"name": model} if model else None,
        }
    if details.get("voice"):
        upgraded["voice"] = _voice_from_version_1(details["voice"])
    if modality == "video":
        face = details.get("face") or {}
        upgraded["face"] = {**face, "heatmap_png": details.get("heatmap_png"),
                            "model": {"name": "face", "accuracy": details.get("face_model_accuracy")}}
        upgraded.setdefault("voice", None)
        if upgraded["voice"] is None:
            upgraded["voice_missing_reason"] = NO_SPEECH
    return upgraded


def _voice_from_version_1(voice: dict) -> dict:
    return {"timeline": voice.get("timeline", []), "summary": voice.get("summary", {}),
            "delivery": voice.get("delivery", {}),
            "model": {"name": voice.get("model_name"), "accuracy": voice.get("model_accuracy")}}
