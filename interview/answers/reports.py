"""What the report pages of one answer show (text, video, audio), gathered in one place."""
from dataclasses import dataclass, field

from emotion.base import TRAIT_CODES, TRAIT_NAMES
from interview.models import Attempt, Modality
from interview.results import readable
from interview.scoring import CohortAverage, cohort_averages, completed_attempts, scores_by_name

TRAIT_ORDER = tuple(TRAIT_NAMES[code] for code in TRAIT_CODES)

DELIVERY_LABELS = {
    "speaking_share": ("Time speaking", "%", 100),
    "speaking_rate_syllables_per_second": ("Speaking rate", "syllables/s", 1),
    "articulation_rate_syllables_per_second": ("Articulation rate", "syllables/s", 1),
    "pause_count": ("Pauses", "", 1),
    "pause_mean_seconds": ("Mean pause", "s", 1),
    "pause_longest_seconds": ("Longest pause", "s", 1),
    "pitch_median_semitones_re_100hz": ("Pitch (median)", "semitones re 100 Hz", 1),
    "pitch_range_semitones": ("Pitch range", "semitones", 1),
    "loudness_variation_db": ("Loudness variation", "dB", 1),
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


@dataclass
class RecordedReport:
    attempt: Attempt
    face: dict | None
    voice: dict | None
    heatmap_png: str | None
    voice_missing_reason: str | None = None
    face_rows: list[ComparedValue] = field(default_factory=list)
    voice_rows: list[ComparedValue] = field(default_factory=list)
    delivery_rows: list[ComparedValue] = field(default_factory=list)
    face_share: ComparedValue | None = None


def build_recorded_report(attempt: Attempt) -> RecordedReport:
    details = readable(attempt.details, attempt.modality)
    scores = scores_by_name(attempt)
    overall = cohort_averages(attempt.modality, attempt.user_id)
    per_question = cohort_averages(attempt.modality, attempt.user_id, attempt.question_id)

    def compared(name: str, label: str, unit: str = "", scale: float = 1) -> ComparedValue | None:
        if name not in scores:
            return None
        def scaled(average):
            return CohortAverage(average.mean * scale, average.candidates) if average else None
        return ComparedValue(name, label, unit, scores[name].value * scale, scores[name].confidence,
                             scaled(overall.get(name)), scaled(per_question.get(name)))

    face = details.get("face")
    report = RecordedReport(attempt=attempt, face=face, voice=details.get("voice"),
                            heatmap_png=face.get("heatmap_png") if face else None,
                            voice_missing_reason=details.get("voice_missing_reason"))
    if report.face:
        report.face_rows = [compared("face_" + emotion, emotion, "%")
                            for emotion in report.face["summary"]["mean_probabilities"]]
        report.face_share = compared("face_share", "Face in view", "%")
    if report.voice:
        report.voice_rows = [compared("voice_" + emotion, emotion, "%")
                             for emotion in report.voice["summary"]["mean_probabilities"]]
        report.delivery_rows = [row for name, (label, unit, scale) in DELIVERY_LABELS.items()
                                if (row := compared(name, label, unit, scale))]
    return report


@dataclass(frozen=True)
class TraitRow:
    name: str
    score: float
    confidence: float | None
    cohort: CohortAverage | None


@dataclass(frozen=True)
class TextReport:
    attempt: Attempt
    traits: list[TraitRow]
    top_words: list[tuple[str, int]]
    cohort_size: int
    history: list[tuple[Attempt, dict[str, float]]]


def build_text_report(attempt: Attempt) -> TextReport:
    scores = scores_by_name(attempt)
    cohort = cohort_averages(Modality.TEXT, exclude_user_id=attempt.user_id)
    traits = [
        TraitRow(
            name=name,
            score=scores[name].value,
            confidence=scores[name].confidence,
            cohort=cohort.get(name),
        )
        for name in TRAIT_ORDER
        if name in scores
    ]
    history = [
        (earlier, {name: s.value for name, s in scores_by_name(earlier).items()})
        for earlier in completed_attempts(attempt.user_id, Modality.TEXT)
    ]
    return TextReport(
        attempt=attempt,
        traits=traits,
        top_words=[(item["word"], item["count"])
                   for item in readable(attempt.details, attempt.modality).get("top_words", [])],
        cohort_size=max((c.candidates for c in cohort.values()), default=0),
        history=history,
    )
