"""Forms for feedback: a comment, one rubric criterion, and the marks of an answer (one field
per criterion of the class, built for that class)."""
import math

from flask_wtf import FlaskForm
from wtforms import FloatField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from interview.models import RubricCriterion

COMMENT_MAX_CHARS = 2000
SCORES = (1, 2, 3, 4, 5)
NOT_MARKED = ""
MARK_PREFIX = "mark_"


class CommentForm(FlaskForm):
    """``duration`` is the answer's length in seconds (None when unknown); ``recorded`` is False
    for written answers, which have no moments."""

    body = TextAreaField("Comment", validators=[
        DataRequired("Write the comment first."),
        Length(max=COMMENT_MAX_CHARS, message=f"Keep a comment under {COMMENT_MAX_CHARS} characters.")])
    at_seconds = FloatField("At (seconds into the answer; empty: about the whole answer)",
                            validators=[Optional()])
    submit = SubmitField("Post comment")

    recorded = True
    duration: float | None = None

    def validate_at_seconds(self, field) -> None:
        if field.data is None:
            return
        if not self.recorded:
            raise ValidationError("A written answer has no moments: comment on the whole answer.")
        if not math.isfinite(field.data) or field.data < 0:
            raise ValidationError("A moment is a number of seconds from the start of the answer.")
        if self.duration is not None and field.data > self.duration:
            raise ValidationError(f"This answer lasts {self.duration:.1f} s: pick a moment inside it.")


class CriterionForm(FlaskForm):
    name = StringField("Criterion", validators=[
        DataRequired("Name the criterion."), Length(max=80, message="Keep the name under 80 characters.")])
    description = StringField("What a 5 looks like (optional)", validators=[
        Length(max=300, message="Keep the description under 300 characters.")])
    submit = SubmitField("Save")


class MarksForm(FlaskForm):
    """Subclassed per class by :func:`marks_form`, one select per criterion."""

    submit = SubmitField("Save marks")

    def marks(self) -> dict[int, int | None]:
        """Each criterion's id and its score (None: not marked)."""
        return {int(name.removeprefix(MARK_PREFIX)): int(field.data) if field.data else None
                for name, field in self._fields.items() if name.startswith(MARK_PREFIX)}

    def unknown_marks(self, posted_names) -> list[str]:
        """Posted mark fields that are no criterion of this class."""
        return [name for name in posted_names if name.startswith(MARK_PREFIX) and name not in self._fields]


def marks_form(criteria: list[RubricCriterion], current: dict[int, int]) -> MarksForm:
    """A form for the marks of one answer on this rubric, starting from the current marks (a
    criterion left out of a post keeps its mark)."""
    choices = [SelectChoice(NOT_MARKED, "not marked")] + [SelectChoice(str(score)) for score in SCORES]

    class ClassMarksForm(MarksForm):
        pass

    for criterion in criteria:
        setattr(ClassMarksForm, f"{MARK_PREFIX}{criterion.id}",
                SelectField(criterion.name, choices=choices, default=NOT_MARKED,
                            description=criterion.description or ""))
    return ClassMarksForm(data={f"{MARK_PREFIX}{cid}": str(score) for cid, score in current.items()})
