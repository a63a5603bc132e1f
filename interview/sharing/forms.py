"""Forms of the sharing pages: what a candidate shares and with whom, and a recruiter's
invitations. Choices are always the signed-in person's own answers, so a posted id that is
not theirs fails validation like any other wrong choice."""
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, RadioField, SelectField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

BY_EMAIL, BY_LINK = "email", "link"
MIN_LINK_DAYS, MAX_LINK_DAYS, DEFAULT_LINK_DAYS = 1, 30, 7
MAX_INVITES_AT_ONCE = 50


class RecipientForm(FlaskForm):
    """With whom: a recruiter by email, or anyone holding a link that expires."""

    how = RadioField("Share with", default=BY_EMAIL, choices=[
        SelectChoice(BY_EMAIL, "A recruiter, by their email address"),
        SelectChoice(BY_LINK, "Anyone who has a link (it expires)")])
    email = EmailField("Recruiter's email", validators=[Optional(), Email(), Length(max=254)])
    days = IntegerField(f"The link works for (days, {MIN_LINK_DAYS}-{MAX_LINK_DAYS})", default=DEFAULT_LINK_DAYS,
                        validators=[Optional(), NumberRange(MIN_LINK_DAYS, MAX_LINK_DAYS)])

    def __init__(self, *args, owner_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_email = owner_email.strip().lower()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.how.data == BY_EMAIL:
            address = (self.email.data or "").strip().lower()
            if not address:
                return self._refuse(self.email, "Enter the recruiter's email address.")
            if address == self.owner_email:
                return self._refuse(self.email, "That is your own address: enter the recruiter's.")
        elif self.how.data == BY_LINK and self.days.data is None:
            return self._refuse(self.days, f"Choose how many days the link works ({MIN_LINK_DAYS}-{MAX_LINK_DAYS}).")
        return valid

    @staticmethod
    def _refuse(field, message: str) -> bool:
        field.errors = [*field.errors, message]
        return False

    def recipient_email(self) -> str | None:
        return self.email.data.strip().lower() if self.how.data == BY_EMAIL else None

    def link_days(self) -> int | None:
        return self.days.data if self.how.data == BY_LINK else None


class AnswersShareForm(RecipientForm):
    # Checked here rather than by DataRequired, which would mark every checkbox required.
    attempts = SelectMultipleField("Answers to share", coerce=int, option_widget=CheckboxInput(),
                                   widget=ListWidget(prefix_label=False))
    submit = SubmitField("Share these answers")

    def validate_attempts(self, field) -> None:
        if not field.data:
            raise ValidationError("Pick at least one answer to share.")


class ProfileShareForm(RecipientForm):
    """Its pin fields (one per question and mode) are added per candidate by :func:`profile_form`."""

    submit = SubmitField("Share my profile")


LATEST = ""


def pin_field_name(question_id: int, modality: str) -> str:
    return f"pin_{question_id}_{modality}"


def profile_form(groups, **kwargs) -> ProfileShareForm:
    """A profile form with one choice per question and mode: the latest answer (the default,
    which follows newer answers) or one of the candidate's answers, pinned."""

    class CandidateProfileForm(ProfileShareForm):
        pass

    for group in groups:
        choices = [SelectChoice(LATEST, "My latest answer (follows newer ones)")]
        choices += [SelectChoice(str(a.id), f"The one of {a.created_at:%Y-%m-%d %H:%M}") for a in group.attempts]
        setattr(CandidateProfileForm, pin_field_name(group.question.id, group.modality),
                SelectField(f"{group.question.text} ({group.modality})", choices=choices, default=LATEST))
    form = CandidateProfileForm(**kwargs)
    form.pin_fields = [form[pin_field_name(g.question.id, g.modality)] for g in groups]
    return form


class InviteForm(FlaskForm):
    emails = TextAreaField("Candidates' email addresses (one a line, or separated by commas)",
                           validators=[DataRequired("Enter at least one email address."), Length(max=20_000)])
    submit = SubmitField("Send invitations")


class ConfirmForm(FlaskForm):
    """A bare form for buttons that change something (revoke, withdraw): CSRF only."""

    submit = SubmitField("Confirm")
