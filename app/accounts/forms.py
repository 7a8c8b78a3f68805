"""Account forms: registration, login, two-factor, password reset, profile, admin."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from app.accounts.models import STAFF_ROLES
from app.formtools import MultiCheckboxField, choices
from app.languages import LANGUAGES, LEVELS

PASSWORD_MIN = 10


class PasswordStrength:
    """At least 10 characters and not only one kind of character."""

    def __call__(self, form, field) -> None:
        value = field.data or ""
        if len(value) < PASSWORD_MIN:
            raise ValidationError(_l("Use at least %(n)d characters.", n=PASSWORD_MIN))
        if value.isdigit() or value.isalpha() and value.lower() == value:
            raise ValidationError(_l("Mix letters with digits, capitals or symbols."))


class RegistrationForm(FlaskForm):
    email = StringField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    display_name = StringField(
        _l("Display name"),
        description=_l("Shown to young people and colleagues in chats. A first name is fine."),
        validators=[DataRequired(), Length(min=2, max=60)],
    )
    institution = SelectField(_l("Institution"), coerce=int, validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired(), PasswordStrength()])
    password_again = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    accept = BooleanField(
        _l("I have read how Hulpmix handles my data."),
        validators=[DataRequired(message=_l("Please confirm that you have read this."))],
    )
    submit = SubmitField(_l("Create account"))


class LoginForm(FlaskForm):
    email = StringField(_l("E-mail address"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class TwoFactorForm(FlaskForm):
    code = StringField(
        _l("Six-digit code"),
        validators=[DataRequired(), Regexp(r"^\s*\d{3}\s?\d{3}\s*$", message=_l("Enter the six digits from your app."))],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )
    submit = SubmitField(_l("Verify"))


class EmailForm(FlaskForm):
    email = StringField(_l("E-mail address"), validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Send link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), PasswordStrength()])
    password_again = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Save password"))


class ChangePasswordForm(ResetPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])


class LanguageEntry(FlaskForm):
    class Meta:
        csrf = False

    code = SelectField(_l("Language"), choices=choices({"": "—", **LANGUAGES}), validators=[Optional()])
    level = SelectField(_l("Level"), choices=choices(LEVELS), validators=[Optional()])


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Display name"),
        description=_l("Shown in chats. Young people never see your full name."),
        validators=[DataRequired(), Length(min=2, max=60)],
    )
    full_name = StringField(
        _l("Full name"),
        description=_l("As it should be printed on your certificate."),
        validators=[Optional(), Length(max=200)],
    )
    phone = StringField(
        _l("Phone (optional)"),
        validators=[Optional(), Length(max=40), Regexp(r"^[0-9+()\-\s]*$", message=_l("Use digits, spaces and + ( ) - only."))],
    )
    cultural_background = StringField(
        _l("Cultural background (optional)"),
        description=_l("Only if you want to share it: it helps match young people who ask for it."),
        validators=[Optional(), Length(max=200)],
    )
    locale = SelectField(_l("Language of the site"), choices=choices({"nl": "Nederlands", "en": "English"}))
    languages = FieldList(FormField(LanguageEntry), min_entries=3, max_entries=8)
    submit = SubmitField(_l("Save profile"))

    def validate_languages(self, field) -> None:
        codes = [entry.form.code.data for entry in field.entries if entry.form.code.data]
        if len(codes) != len(set(codes)):
            raise ValidationError(_l("Each language only once, please."))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired()])
    confirm = BooleanField(
        _l("I understand that my account and my data are deleted for good."),
        validators=[DataRequired(message=_l("Please confirm."))],
    )
    submit = SubmitField(_l("Delete my account"))


class AdminUserForm(FlaskForm):
    staff_roles = MultiCheckboxField(_l("Staff roles"), choices=choices({r: r for r in STAFF_ROLES}))
    institution = SelectField(_l("Institution"), coerce=int, validators=[Optional()])
    active = BooleanField(_l("Account active"))
    submit = SubmitField(_l("Save"))


class ConfirmForm(FlaskForm):
    """A bare form: a button plus CSRF, for actions such as logout."""

    submit = SubmitField(_l("Confirm"))
