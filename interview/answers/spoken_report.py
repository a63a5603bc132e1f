"""What a recorded answer's report shows of its words: the transcript, its measures next to
other candidates', the answer's length against the question's time, and the Big Five reading
of the spoken words next to the same person's written answers to the same question."""
from dataclasses import dataclass, field

from sqlalchemy import select

from emotion.base import TRAIT_CODES, TRAIT_NAMES
from interview.answers.measures import SPOKEN_TRAIT_PREFIX, WORDS, Measure, measure
from interview.extensions import db
from interview.models import Attempt, AttemptStatus, Modality
from interview.scoring import scores_by_name

TRAITS = tuple(TRAIT_NAMES[code] for code in TRAIT_CODES)


@dataclass(frozen=True)
class SpokenTrait:
    """One Big Five trait of the spoken words, beside the latest written answer's and others'."""

    name: str
    spoken: float
    confidence: float | None
    written: float | None          # the same person's latest written answer to this question
    others: float | None           # other candidates' spoken answers to this question
    others_count: int = 0


@dataclass
class WordsReport:
    words: dict | None                      # stored WORDS (interview.results), None when none
    missing_reason: str | None
    rows: list = field(default_factory=list)          # ComparedValue per measure in WORDS
    measures: list[Measure] = field(default_factory=list)
    time_limit_seconds: int | None = None
    answer_share_of_time: float | None = None         # answer length / the question's time
    traits: list[SpokenTrait] = field(default_factory=list)
    written_attempt: Attempt | None = None


def build_words_report(attempt: Attempt, voice: dict | None, compare) -> WordsReport:
    """``voice`` is the stored VOICE (any schema, read by interview.results); ``compare`` the
    report's :class:`interview.answers.reports.Comparer`."""
    words = (voice or {}).get("words")
    report = WordsReport(words=words, missing_reason=(voice or {}).get("words_missing_reason"))
    if not words:
        return report
    report.rows = [row for item in WORDS if (row := compare.row(item.name))]
    report.measures = [measure(row.name) for row in report.rows]
    report.time_limit_seconds = attempt.question.time_limit_seconds
    span = words["measures"].get("speaking_span_seconds")
    if span is not None and report.time_limit_seconds:
        report.answer_share_of_time = span / report.time_limit_seconds
    if words.get("writing"):
        report.written_attempt = latest_written_answer(attempt)
        report.traits = spoken_traits(compare, report.written_attempt)
    return report


def latest_written_answer(attempt: Attempt) -> Attempt | None:
    query = (select(Attempt)
             .where(Attempt.user_id == attempt.user_id, Attempt.question_id == attempt.question_id,
                    Attempt.modality == Modality.TEXT, Attempt.status == AttemptStatus.COMPLETE)
             .order_by(Attempt.created_at.desc(), Attempt.id.desc()).limit(1))
    return db.session.scalars(query).first()


def spoken_traits(compare, written: Attempt | None) -> list[SpokenTrait]:
    written_scores = scores_by_name(written) if written else {}
    traits = []
    for name in TRAITS:
        spoken = compare.scores.get(SPOKEN_TRAIT_PREFIX + name)
        if spoken is None:
            continue
        others = compare.this_question.get(SPOKEN_TRAIT_PREFIX + name)
        traits.append(SpokenTrait(
            name=name, spoken=spoken.value, confidence=spoken.confidence,
            written=written_scores[name].value if name in written_scores else None,
            others=others.mean if others else None, others_count=others.candidates if others else 0))
    return traits
