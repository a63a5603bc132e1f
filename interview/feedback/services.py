"""Feedback on one answer: who may give it, comments, rubric marks, telling the student, and
what is new to them. Routes and templates call these; the rubric itself is in rubric.py."""
from dataclasses import dataclass
from datetime import datetime

from flask import abort, g, url_for
from sqlalchemy import or_, select, union

from interview.access import Viewer, instructs
from interview.extensions import db
from interview.feedback.forms import CommentForm, MarksForm, marks_form
from interview.models import (AnswerComment, Attempt, AttemptStatus, Classroom, Modality, Role,
                              RubricCriterion, RubricMark, User, utcnow)
from interview.models.core import as_utc
from interview.notify import notify
from interview.results import readable

FEEDBACK_SUBJECT = "New feedback on your answer"
COMMENTED = "{author} commented on your answer to “{question}”"
MARKED = "{author} marked your answer to “{question}” on the class rubric"
# A player may report a moment a little past the analysed length, which ends at the last
# sampled frame or window.
MOMENT_TOLERANCE_SECONDS = 0.5
_SEEN_BEFORE = "feedback_seen_before"  # on flask.g: attempt id -> feedback_seen_at before this page


def classroom_of(attempt: Attempt) -> Classroom | None:
    """The class whose session this answer was given in, if any."""
    item = attempt.session_item
    return item.session.classroom if item is not None else None


def instructed_attempt_or_404(attempt_id: int, user: User) -> tuple[Attempt, Classroom]:
    """A finished answer given in a session of a class ``user`` instructs, whose owner is still
    in it, with that class; 404 for anyone else."""
    attempt = db.session.get(Attempt, attempt_id)
    if (attempt is None or user.role != Role.INSTRUCTOR or attempt.status != AttemptStatus.COMPLETE
            or not instructs(user, attempt)):
        abort(404)
    return attempt, classroom_of(attempt)


def latest_moment(attempt: Attempt) -> float | None:
    """The latest moment a comment may be pinned to, in seconds; None for a written answer or
    a recording whose length is unknown."""
    if attempt.modality == Modality.TEXT:
        return None
    try:
        details = readable(attempt.details, attempt.modality)
    except ValueError:
        return None
    lengths = [part["summary"].get("duration_seconds") or 0.0
               for part in (details.get("face"), details.get("voice")) if part and part.get("summary")]
    longest = max(lengths, default=0.0)
    return round(longest + MOMENT_TOLERANCE_SECONDS, 1) if longest > 0 else None


def comment_form(attempt: Attempt) -> CommentForm:
    form = CommentForm(prefix="comment")
    form.recorded = attempt.modality != Modality.TEXT
    form.duration = latest_moment(attempt)
    return form


def comments_on(attempt: Attempt) -> list[AnswerComment]:
    """Comments on the whole answer first, then by moment."""
    return list(db.session.scalars(
        select(AnswerComment).where(AnswerComment.attempt_id == attempt.id)
        .order_by(AnswerComment.at_seconds.asc().nulls_first(), AnswerComment.created_at, AnswerComment.id)))


def marks_on(attempt: Attempt) -> dict[int, RubricMark]:
    """The answer's marks by criterion id."""
    return {mark.criterion_id: mark for mark in db.session.scalars(
        select(RubricMark).where(RubricMark.attempt_id == attempt.id))}


def tell_student(attempt: Attempt, author: User, news: str) -> None:
    """One notice (and email, when mail is configured) linking to the report's feedback;
    ``news`` is COMMENTED or MARKED."""
    question = attempt.question.text
    shown = question if len(question) <= 80 else question[:79] + "…"
    notify(attempt.user, news.format(author=author.display_name, question=shown),
           link=url_for("answers.report", attempt_id=attempt.id, _anchor="feedback"), subject=FEEDBACK_SUBJECT)


def add_comment(attempt: Attempt, author: User, body: str, at_seconds: float | None) -> AnswerComment:
    comment = AnswerComment(attempt_id=attempt.id, author_id=author.id, body=body.strip(),
                            at_seconds=None if at_seconds is None else round(at_seconds, 1))
    db.session.add(comment)
    tell_student(attempt, author, COMMENTED)
    db.session.commit()
    return comment


def delete_comment(attempt: Attempt, comment_id: int, author: User) -> None:
    """Delete one of ``author``'s own comments on this answer; 404 for any other."""
    comment = db.session.get(AnswerComment, comment_id)
    if comment is None or comment.attempt_id != attempt.id or comment.author_id != author.id:
        abort(404)
    db.session.delete(comment)
    db.session.commit()


def save_marks(attempt: Attempt, author: User, marks: dict[int, int | None]) -> int:
    """Set the answer's marks (None removes one) and tell the student once when any mark is
    new or changed. Returns how many are."""
    current = marks_on(attempt)
    changed = 0
    for criterion_id, score in marks.items():
        mark = current.get(criterion_id)
        if score is None:
            if mark is not None:
                db.session.delete(mark)
        elif mark is None:
            db.session.add(RubricMark(attempt_id=attempt.id, criterion_id=criterion_id, author_id=author.id,
                                      score=score, updated_at=utcnow()))
            changed += 1
        elif mark.score != score:
            mark.score, mark.author_id, mark.updated_at = score, author.id, utcnow()
            changed += 1
    if changed:
        tell_student(attempt, author, MARKED)
    db.session.commit()
    return changed


def attempts_with_new_feedback(attempt_ids: list[int]) -> set[int]:
    """Those of these answers with a comment or mark their owner has not seen yet."""
    if not attempt_ids:
        return set()

    def newer(stamp):
        return or_(Attempt.feedback_seen_at.is_(None), stamp > Attempt.feedback_seen_at)

    comments = (select(AnswerComment.attempt_id).join(Attempt, Attempt.id == AnswerComment.attempt_id)
                .where(Attempt.id.in_(attempt_ids), newer(AnswerComment.created_at)))
    marks = (select(RubricMark.attempt_id).join(Attempt, Attempt.id == RubricMark.attempt_id)
             .where(Attempt.id.in_(attempt_ids), newer(RubricMark.updated_at)))
    return set(db.session.scalars(union(comments, marks)))


def opened_by(attempt: Attempt, viewer: Viewer) -> None:
    """The owner opened the report: its feedback is no longer new afterwards, but this page
    still marks what was new when it opened."""
    if viewer != Viewer.OWNER:
        return
    g.setdefault(_SEEN_BEFORE, {})[attempt.id] = attempt.feedback_seen_at
    if attempt.id in attempts_with_new_feedback([attempt.id]):
        attempt.feedback_seen_at = utcnow()
        db.session.commit()


@dataclass
class FeedbackPanel:
    """What the report's feedback section shows to the instructor or to the owner."""

    attempt: Attempt
    viewer: Viewer
    comments: list[AnswerComment]
    criteria: list[RubricCriterion]
    marks: dict[int, RubricMark]
    classroom: Classroom | None = None
    seen_before: datetime | None = None
    comment_form: CommentForm | None = None
    marks_form: MarksForm | None = None

    @property
    def recorded(self) -> bool:
        return self.attempt.modality != Modality.TEXT

    def is_new(self, stamp: datetime) -> bool:
        """Given (or changed) since the owner last opened this report."""
        if self.viewer != Viewer.OWNER:
            return False
        return self.seen_before is None or as_utc(stamp) > as_utc(self.seen_before)

    @property
    def has_new(self) -> bool:
        return any(self.is_new(c.created_at) for c in self.comments) or any(
            self.is_new(m.updated_at) for m in self.marks.values())

    def script_data(self) -> dict:
        """What static/feedback.js reads: the comments with a moment, and the moment limit."""
        return {"comments": [{"id": c.id, "at": c.at_seconds, "body": c.body}
                             for c in self.comments if c.at_seconds is not None],
                "latest_moment": latest_moment(self.attempt)}


def feedback_panel(attempt: Attempt, viewer: Viewer | str | None) -> FeedbackPanel | None:
    """The panel for this viewer, or None: a recruiter, and an owner with neither feedback nor
    a class session behind the answer, see no feedback section."""
    classroom = classroom_of(attempt)
    if viewer == Viewer.INSTRUCTOR and classroom is not None:
        marks = marks_on(attempt)
        return FeedbackPanel(attempt, Viewer.INSTRUCTOR, comments_on(attempt), list(classroom.rubric), marks,
                             classroom=classroom, comment_form=comment_form(attempt),
                             marks_form=marks_form(classroom.rubric, {cid: m.score for cid, m in marks.items()}))
    if viewer != Viewer.OWNER:
        return None
    comments, marks = comments_on(attempt), marks_on(attempt)
    if not comments and not marks and classroom is None:
        return None
    criteria = sorted((mark.criterion for mark in marks.values()), key=lambda c: (c.position, c.id))
    seen_before = g.get(_SEEN_BEFORE, {}).get(attempt.id, attempt.feedback_seen_at)
    return FeedbackPanel(attempt, Viewer.OWNER, comments, criteria, marks, classroom=classroom,
                         seen_before=seen_before)
