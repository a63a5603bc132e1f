"""The text interview: validate an answer, score it, save the attempt."""
import logging

from emotion import text as text_analysis
from emotion.errors import NotEnglish, TextTooLong, TextTooShort
from emotion import get_text_analyzer
from interview.extensions import db
from interview.models import Attempt, AttemptStatus, Modality, Question, Score, SessionItem, User, utcnow
from interview.results import stored
from interview.scoring import record_scores

log = logging.getLogger(__name__)


def check_answer_text(text: str, min_words: int, max_words: int) -> int:
    """Return the word count, or raise a domain error saying what to change."""
    words = text_analysis.word_count(text)
    if words == 0:
        raise TextTooShort("Your answer is empty. Write your answer, or upload a PDF.")
    if words < min_words:
        raise TextTooShort(
            f"Your answer has {words} words; write at least {min_words} so there is enough "
            "to read a writing style from."
        )
    if words > max_words:
        raise TextTooLong(f"Your answer has {words} words; the limit is {max_words}.")
    if not text_analysis.looks_english(text):
        raise NotEnglish(
            "This does not look like English. The model was trained on English essays only, "
            "so it cannot read other languages yet."
        )
    return words


def score_text_answer(
    user: User, question: Question, text: str, source: str, min_words: int, max_words: int,
    session_item: SessionItem | None = None,
) -> Attempt:
    """Analyse ``text`` and store it as a completed attempt with one score per trait (in a
    mock-interview session when ``session_item`` is given)."""
    words = check_answer_text(text, min_words, max_words)
    result = get_text_analyzer().analyze(text)
    attempt = Attempt(
        user_id=user.id, question_id=question.id, modality=Modality.TEXT, source=source,
        answer_text=text, word_count=words, status=AttemptStatus.COMPLETE, completed_at=utcnow(),
        details=stored(result), session_item_id=session_item.id if session_item else None,
    )
    attempt.scores = [
        Score(user_id=user.id, question_id=question.id, modality=Modality.TEXT,
              name=trait.name, value=trait.score, confidence=trait.confidence)
        for trait in result.personality.traits
    ]
    db.session.add(attempt)
    record_scores(attempt)
    db.session.commit()
    log.info("Scored text attempt %s (%s words) for user %s", attempt.id, words, user.id)
    return attempt
