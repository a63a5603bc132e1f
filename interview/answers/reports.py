"""What the report pages of one answer show (text, video, audio), gathered in one place."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from emotion.base import TRAIT_CODES, TRAIT_NAMES
from emotion.video_answer import NO_SPEECH
from interview.answers.fusion_report import FusedStretch, fused_stretches
from interview.answers.measures import DELIVERY, WHEEL_FAMILIES, Measure, measure
from interview.answers.camera_report import CameraReport, build_camera_report
from interview.answers.spoken_report import WordsReport, build_words_report
from interview.extensions import db
from interview.models import Attempt, AttemptStatus, Modality
from interview.privacy.readings import readings_shown, visible_score_names
from interview.privacy.retention import deletion_due_on
from interview.results import readable
from interview.scoring import CohortAverage, cohort_averages, completed_attempts, scores_by_name

AFFECT_SCORES = ("valence_face", "arousal_face", "valence_voice", "arousal_voice")
TRAIT_ORDER = tuple(TRAIT_NAMES[code] for code in TRAIT_CODES)

# The few measures each row of "your attempts at this question" shows, per modality.
ATTEMPT_MEASURES = {
    Modality.VIDEO: ("face_share", "face_happy", "eye_contact_share", "speaking_rate_syllables_per_second",
                     "words_per_minute", "fillers_per_minute"),
    Modality.AUDIO: ("speaking_rate_syllables_per_second", "words_per_minute", "fillers_per_minute",
                     "pause_mean_seconds", "voice_happy"),
}


@dataclass(frozen=True)
class ComparedValue:
    name: str
    label: str
    unit: str
    value: float
    confidence: float | None
    all_questions: CohortAverage | None
    this_question: CohortAverage | None
    decimals: int = 1
    typical: str | None = None


@dataclass(frozen=True)
class AttemptRow:
    """One of the user's attempts at a question, with the shown value of each measure (None: none)."""

    attempt: Attempt
    values: list[float | None]


@dataclass
class RecordedReport:
    """``face`` and ``voice`` are the emotion readings to show: None when there are none, or
    when the owner has switched emotion readings off (``emotions_hidden``); the delivery rows
    come from the sound whatever the switch says."""

    attempt: Attempt
    face: dict | None
    voice: dict | None
    heatmap_png: str | None
    voice_missing_reason: str | None = None
    emotions_hidden: bool = False
    recording_deletes_on: datetime | None = None
    face_rows: list[ComparedValue] = field(default_factory=list)
    voice_rows: list[ComparedValue] = field(default_factory=list)
    delivery_rows: list[ComparedValue] = field(default_factory=list)
    delivery_measures: list[Measure] = field(default_factory=list)
    face_share: ComparedValue | None = None
    attempt_measures: list[Measure] = field(default_factory=list)
    attempts: list[AttemptRow] = field(default_factory=list)
    words: WordsReport | None = None
    camera: CameraReport | None = None
    wheel_rows: list[ComparedValue] = field(default_factory=list)    # share of the answer per wheel family
    affect_rows: list[ComparedValue] = field(default_factory=list)   # mean valence and arousal
    fusion: dict | None = None                                       # face and voice read together
    fusion_missing_reason: str | None = None                         # an answer older than the fused reading

    @property
    def fusion_stretches(self) -> list[FusedStretch]:
        return fused_stretches(self.fusion)


class Comparer:
    """An answer's scores next to other candidates' averages, for this question and for all."""

    def __init__(self, attempt: Attempt):
        self.scores = scores_by_name(attempt)
        self.all_questions = cohort_averages(attempt.modality, attempt.user_id)
        self.this_question = cohort_averages(attempt.modality, attempt.user_id, attempt.question_id)

    def row(self, name: str, label: str | None = None) -> ComparedValue | None:
        if name not in self.scores:
            return None
        shown = measure(name)

        def converted(average: CohortAverage | None) -> CohortAverage | None:
            return CohortAverage(shown.shown(average.mean), average.candidates) if average else None

        score = self.scores[name]
        return ComparedValue(name, label or shown.label, shown.unit, shown.shown(score.value), score.confidence,
                             converted(self.all_questions.get(name)), converted(self.this_question.get(name)),
                             shown.decimals, shown.typical)


# A video answer read without a voice reading has a face reading but nothing to fuse it with.
FUSION_NEEDS_SPEECH = ("Face and voice are read together only where you speak, and no speech was heard in this "
                       "answer: the face reading above stands alone.")
FUSION_NEEDS_VOICE = ("Face and voice are read together only where the sound could be read, and this answer's "
                      "could not (see the voice section): the face reading above stands alone.")


def fusion_missing_reason(details: dict) -> str | None:
    """Why a video answer has no fused reading, where it has none: recorded before it (stored),
    no speech heard, or a sound track that could not be read."""
    if details.get("fusion") or not details.get("face"):
        return None
    if details.get("fusion_missing_reason"):   # e.g. recorded before the fused reading
        return details["fusion_missing_reason"]
    voice = details.get("voice")
    if voice and voice.get("summary"):
        return None   # both read, and the server had no fusion settings: nothing to say to the candidate
    return FUSION_NEEDS_SPEECH if details.get("voice_missing_reason") == NO_SPEECH else FUSION_NEEDS_VOICE


def build_recorded_report(attempt: Attempt) -> RecordedReport:
    details = readable(attempt.details, attempt.modality)
    compare = Comparer(attempt)
    shown = readings_shown(attempt.user)
    face, sound = details.get("face"), details.get("voice")
    report = RecordedReport(attempt=attempt, face=face if shown else None,
                            voice=sound if shown and sound and sound.get("summary") else None,
                            heatmap_png=face.get("heatmap_png") if face and shown else None,
                            voice_missing_reason=details.get("voice_missing_reason"), emotions_hidden=not shown,
                            recording_deletes_on=deletion_due_on(attempt),
                            fusion=details.get("fusion") if shown else None,
                            fusion_missing_reason=fusion_missing_reason(details) if shown else None)
    if report.face:
        report.face_rows = [compare.row("face_" + emotion, emotion)
                            for emotion in report.face["summary"]["mean_probabilities"]]
        report.face_share = compare.row("face_share")
        report.wheel_rows = [row for family in WHEEL_FAMILIES if (row := compare.row(f"wheel_{family}"))]
    if shown:
        report.affect_rows = [row for name in AFFECT_SCORES if (row := compare.row(name))]
    if report.voice:
        report.voice_rows = [compare.row("voice_" + emotion, emotion)
                             for emotion in report.voice["summary"]["mean_probabilities"]]
    if sound:
        report.delivery_rows = [row for item in DELIVERY if (row := compare.row(item.name))]
        report.delivery_measures = [measure(row.name) for row in report.delivery_rows]
    report.words = build_words_report(attempt, sound, compare)
    if attempt.modality == Modality.VIDEO:
        report.camera = build_camera_report(details, compare)
    names = visible_score_names(attempt.user, ATTEMPT_MEASURES.get(attempt.modality, ()))
    report.attempt_measures = [measure(name) for name in names]
    report.attempts = [attempt_row(earlier, report.attempt_measures) for earlier in attempts_at_question(attempt)]
    return report


def attempts_at_question(attempt: Attempt, limit: int = 50) -> list[Attempt]:
    """The user's completed attempts at this answer's question in its modality, oldest first."""
    query = (
        select(Attempt)
        .where(Attempt.user_id == attempt.user_id, Attempt.modality == attempt.modality,
               Attempt.question_id == attempt.question_id, Attempt.status == AttemptStatus.COMPLETE)
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
        .limit(limit)
    )
    return list(reversed(db.session.scalars(query).all()))


def attempt_row(attempt: Attempt, measures: list[Measure]) -> AttemptRow:
    scores = scores_by_name(attempt)
    return AttemptRow(attempt, [item.shown(scores[item.name].value) if item.name in scores else None
                                for item in measures])


@dataclass(frozen=True)
class TraitRow:
    name: str
    score: float
    confidence: float | None
    this_question: CohortAverage | None
    all_questions: CohortAverage | None


@dataclass(frozen=True)
class TextReport:
    attempt: Attempt
    traits: list[TraitRow]
    top_words: list[tuple[str, int]]
    cohort_size: int
    history: list[tuple[Attempt, dict[str, float]]]


def build_text_report(attempt: Attempt) -> TextReport:
    compare = Comparer(attempt)
    traits = [TraitRow(name=name, score=compare.scores[name].value, confidence=compare.scores[name].confidence,
                       this_question=compare.this_question.get(name), all_questions=compare.all_questions.get(name))
              for name in TRAIT_ORDER if name in compare.scores]
    history = [
        (earlier, {name: s.value for name, s in scores_by_name(earlier).items()})
        for earlier in completed_attempts(attempt.user_id, Modality.TEXT)
    ]
    return TextReport(
        attempt=attempt,
        traits=traits,
        top_words=[(item["word"], item["count"])
                   for item in readable(attempt.details, attempt.modality).get("top_words", [])],
        cohort_size=max((c.candidates for c in compare.all_questions.values()), default=0),
        history=history,
    )
