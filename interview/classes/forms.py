"""Forms of the classes feature: a class, joining one, question sets and sessions."""
from datetime import datetime, timezone

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, FieldList, Form, FormField, HiddenField,
                     IntegerField, SelectField, SelectMultipleField, StringField, SubmitField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from interview.models import Modality

MIN_LIMIT_SECONDS, MAX_LIMIT_SECONDS = 10, 600
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]  # browsers send seconds when a step asks for them
MODE_LABELS = {Modality.VIDEO: "Video", Modality.AUDIO: "Audio", Modality.TEXT: "Written"}
LIMIT_MESSAGE = f"A time limit is {MIN_LIMIT_SECONDS} to {MAX_LIMIT_SECONDS} seconds."


def mode_choices() -> list[tuple[str, str]]:
    """Recorded modes only where the deployment has the emotion features on (they need them)."""
    modes = list(MODE_LABELS) if current_app.config["EMOTION_FEATURES_ENABLED"] else [Modality.TEXT]
    return [(mode.value, MODE_LABELS[mode]) for mode in modes]


def time_limit_field(label: str, default: int | None = None) -> IntegerField:
    return IntegerField(label, default=default, validators=[
        InputRequired(LIMIT_MESSAGE), NumberRange(MIN_LIMIT_SECONDS, MAX_LIMIT_SECONDS, LIMIT_MESSAGE)])


class ClassForm(FlaskForm):
    name = StringField("Class name", validators=[DataRequired(), Length(max=120)])
    description = TextAreaField("Description (optional)", validators=[Length(max=2000)])
    submit = SubmitField("Save")


class JoinForm(FlaskForm):
    code = StringField("Class code", validators=[DataRequired("Enter the code your instructor gave you."),
                                                 Length(max=40)])
    submit = SubmitField("Find the class")


class ConfirmForm(FlaskForm):
    """A button that does one thing (join, leave, delete); the token is all it carries."""
    submit = SubmitField("Confirm")


class DeleteForm(FlaskForm):
    sure = BooleanField("I understand this cannot be undone",
                        validators=[DataRequired("Tick the box to confirm.")])
    submit = SubmitField("Delete")


class QuestionSetForm(FlaskForm):
    name = StringField("Set name", validators=[DataRequired(), Length(max=120)])
    submit = SubmitField("Save")


class BankQuestionsForm(FlaskForm):
    question_ids = SelectMultipleField("Questions from the bank", coerce=int,
                                       validators=[DataRequired("Tick at least one question.")])
    submit = SubmitField("Add the ticked questions")


class OwnQuestionForm(FlaskForm):
    text = TextAreaField("Question", validators=[DataRequired(), Length(min=10, max=500)])
    category = StringField("Category", validators=[DataRequired(), Length(max=40)])
    time_limit = time_limit_field("Time limit (seconds)", default=120)
    submit = SubmitField("Add my question")


class SessionItemForm(Form):
    """One question of a session; rows line up with the questions listed beside them."""
    question_id = HiddenField()
    include = BooleanField("Include", default=True)
    position = IntegerField("Order", validators=[InputRequired("Give each question a place in the order."),
                                                 NumberRange(1, 999, "Order is a number from 1.")])
    mode = SelectField("Mode")
    time_limit = time_limit_field("Time limit (s)")


class SessionForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=120)])
    opens_at = DateTimeLocalField("Opens (UTC)", format=DATETIME_FORMATS,
                                  validators=[InputRequired("Give the date and time it opens.")])
    closes_at = DateTimeLocalField("Closes (UTC)", format=DATETIME_FORMATS,
                                   validators=[InputRequired("Give the date and time it closes.")])
    retakes_allowed = BooleanField("Allow retakes (a question may be answered again while the session is open)")
    items = FieldList(FormField(SessionItemForm), min_entries=0, max_entries=100)
    submit = SubmitField("Save the session")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_mode_choices()

    def set_mode_choices(self) -> None:
        """Rows are made from the request or added afterwards; each needs the modes offered."""
        for row in self.items:
            row.form.mode.choices = mode_choices()

    def validate_closes_at(self, field) -> None:
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError("It must close after it opens.")

    def validate_items(self, field) -> None:
        if not any(row.form.include.data for row in field):
            raise ValidationError("Include at least one question.")


class NewSessionForm(SessionForm):
    """A new session also says whom it is for: one of the instructor's classes, or no class
    (a recruiter's, for the candidates they invite)."""
    classroom_id = SelectField("For", coerce=int)

    def validate_closes_at(self, field) -> None:
        super().validate_closes_at(field)
        if field.data and field.data.replace(tzinfo=timezone.utc) <= datetime.now(timezone.utc):
            raise ValidationError("That time has passed: a new session must close in the future.")
