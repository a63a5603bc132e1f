from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length


class TextAnswerForm(FlaskForm):
    """Either a typed answer or a PDF (a cover letter or résumé); the typed one wins if both."""

    answer = TextAreaField("Your answer", validators=[Length(max=60_000)])
    document = FileField("…or upload a PDF (cover letter or résumé)")
    submit = SubmitField("Analyse my answer")

    def has_typed_answer(self) -> bool:
        return bool((self.answer.data or "").strip())

    def has_document(self) -> bool:
        return bool(self.document.data and getattr(self.document.data, "filename", ""))
