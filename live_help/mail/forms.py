"""Forms of the mail service: writing, picking up, replying and deleting for young people;
answering and approving for counsellors and supervisors."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from app.formtools import choices
from live_help.mail.services import BODY_MAX, PASSWORD_MAX, PASSWORD_MIN, SUBJECT_MAX


def _strip(value):
    return value.strip() if isinstance(value, str) else value


AGE_LABELS = {
    "": _l("I'd rather not say"),
    "-12": _l("younger than 12"),
    "12-14": _l("12 to 14"),
    "15-17": _l("15 to 17"),
    "18-21": _l("18 to 21"),
    "22+": _l("22 or older"),
}
GENDER_LABELS = {
    "": _l("I'd rather not say"),
    "girl": _l("girl"),
    "boy": _l("boy"),
    "other": _l("other"),
}
ACCESS_LABELS = {
    "password": _l("A code and a password that I choose"),
    "link": _l("A secret link that I keep (no password)"),
}


class WriteForm(FlaskForm):
    subject = StringField(_l("Subject"), filters=[_strip],
                          description=_l("A few words about what your mail is about."),
                          validators=[DataRequired(_l("Write a subject.")),
                                      Length(max=SUBJECT_MAX, message=_l("Use at most %(n)d characters.", n=SUBJECT_MAX))],
                          render_kw={"maxlength": SUBJECT_MAX})
    body = TextAreaField(_l("Your message"), filters=[_strip],
                         description=_l("Take your time. Tell what is going on and what you would like help with."),
                         validators=[DataRequired(_l("Write your message.")),
                                     Length(max=BODY_MAX, message=_l("Use at most %(n)d characters.", n=BODY_MAX))],
                         render_kw={"rows": 12, "maxlength": BODY_MAX})
    age_group = SelectField(_l("Your age (optional)"), choices=choices(AGE_LABELS), default="",
                            validators=[Optional()])
    gender = SelectField(_l("You are a (optional)"), choices=choices(GENDER_LABELS), default="",
                         validators=[Optional()])
    access = RadioField(_l("How do you want to read the answer?"), choices=choices(ACCESS_LABELS), default="password",
                        validators=[DataRequired(_l("Choose how you want to read the answer."))])
    password = PasswordField(_l("Choose a password"),
                             description=_l("At least %(n)d characters. You need it with your code to read the answer.",
                                            n=PASSWORD_MIN),
                             validators=[Optional(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                                                            message=_l("Use at least %(n)d characters.", n=PASSWORD_MIN))],
                             render_kw={"autocomplete": "new-password"})
    password_again = PasswordField(_l("Type the password again"),
                                   validators=[EqualTo("password", message=_l("The two passwords are not the same."))],
                                   render_kw={"autocomplete": "new-password"})
    personal_checked = HiddenField()
    browser_token = HiddenField()
    submit = SubmitField(_l("Send my mail"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.access.data == "password" and not self.password.data:
            self.password.errors = [*self.password.errors, _l("Choose a password, or choose a secret link.")]
            valid = False
        return valid


class PickupForm(FlaskForm):
    code = StringField(_l("Your code"), filters=[_strip],
                       validators=[DataRequired(_l("Enter the code you got when you sent your mail.")),
                                   Length(max=20, message=_l("This is not a code from Hulpmix."))],
                       render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"})
    password = PasswordField(_l("Your password"),
                             validators=[DataRequired(_l("Enter your password.")),
                                         Length(max=PASSWORD_MAX, message=_l("This password is too long."))],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Read my mail"))


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Your message"), filters=[_strip],
                         validators=[DataRequired(_l("Write your message.")),
                                     Length(max=BODY_MAX, message=_l("Use at most %(n)d characters.", n=BODY_MAX))],
                         render_kw={"rows": 8, "maxlength": BODY_MAX})
    browser_token = HiddenField()
    submit = SubmitField(_l("Send my reply"))


class DeleteForm(FlaskForm):
    submit = SubmitField(_l("Yes, delete everything"))


class AnswerForm(FlaskForm):
    body = TextAreaField(_l("Your answer"), filters=[_strip],
                         validators=[DataRequired(_l("Write your answer.")),
                                     Length(max=BODY_MAX, message=_l("Use at most %(n)d characters.", n=BODY_MAX))],
                         render_kw={"rows": 14, "maxlength": BODY_MAX})
    save = SubmitField(_l("Save draft"))
    send = SubmitField(_l("Send answer"))


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token (claim, release)."""

    submit = SubmitField(_l("Go"))


class ReviewForm(FlaskForm):
    body = TextAreaField(_l("Answer"), filters=[_strip],
                         validators=[DataRequired(_l("Write your answer.")),
                                     Length(max=BODY_MAX, message=_l("Use at most %(n)d characters.", n=BODY_MAX))],
                         render_kw={"rows": 14, "maxlength": BODY_MAX})
    note = TextAreaField(_l("Comment for the counsellor (when you return it)"), filters=[_strip],
                         validators=[Length(max=2000, message=_l("Use at most %(n)d characters.", n=2000))],
                         render_kw={"rows": 4})
    approve = SubmitField(_l("Approve and send"))
    send_back = SubmitField(_l("Return with comment"))
