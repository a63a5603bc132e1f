from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length


class SignupForm(FlaskForm):
    display_name = StringField("Name", validators=[DataRequired(), Length(max=80)])
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Password", validators=[
        DataRequired(), Length(min=8, max=128, message="Use at least 8 characters (and at most 128).")])
    confirm = PasswordField(
        "Repeat password", validators=[DataRequired(), EqualTo("password", "Passwords differ.")]
    )
    submit = SubmitField("Create account")
    # No check that the email is free: the page must not tell who has an account
    # (services.register tells the owner instead).


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email()])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Keep me signed in")
    submit = SubmitField("Sign in")


def new_password_fields(label: str = "New password"):
    """The new password and its confirmation, with the same rules as signing up."""
    password = PasswordField(label, validators=[
        DataRequired(), Length(min=8, max=128, message="Use at least 8 characters (and at most 128).")])
    confirm = PasswordField("Repeat the new password", validators=[
        DataRequired(), EqualTo("new_password", "The two new passwords differ.")])
    return password, confirm


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password, confirm = new_password_fields()
    submit = SubmitField("Change password")


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField("Email me a reset link")


class ResetPasswordForm(FlaskForm):
    new_password, confirm = new_password_fields()
    submit = SubmitField("Set the new password")


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired()])
    submit = SubmitField("Delete my account and all my data")
