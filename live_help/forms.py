"""Forms of the public help side and of its moderators and coordinators."""

from __future__ import annotations

import re
from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.formtools import choices
from live_help.services import BODY_MAX, NICKNAME_MAX, TITLE_MAX

NICKNAME_HELP = _l("Not your real name. Make something up, like Zonnetje15.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class QuestionForm(FlaskForm):
    nickname = StringField(_l("Nickname"), description=NICKNAME_HELP, filters=[_strip],
                           validators=[DataRequired(_l("Choose a nickname.")),
                                       Length(min=2, max=NICKNAME_MAX,
                                              message=_l("Use 2 to %(n)d characters.", n=NICKNAME_MAX))])
    title = StringField(_l("Your question in one line"), filters=[_strip],
                        validators=[DataRequired(_l("Write your question in one line.")),
                                    Length(min=5, max=TITLE_MAX,
                                           message=_l("Use 5 to %(n)d characters.", n=TITLE_MAX))])
    body = TextAreaField(
        _l("Tell a bit more"),
        description=_l("Leave out names, addresses, phone numbers and your school: other young people read this."),
        filters=[_strip],
        validators=[DataRequired(_l("Write a bit more about your question.")),
                    Length(min=20, max=BODY_MAX,
                           message=_l("Use 20 to %(n)d characters.", n=BODY_MAX))],
        render_kw={"rows": 8, "maxlength": BODY_MAX},
    )
    browser_token = HiddenField()
    submit = SubmitField(_l("Send my question"))


class ReplyForm(FlaskForm):
    nickname = StringField(_l("Nickname"), description=NICKNAME_HELP, filters=[_strip],
                           validators=[DataRequired(_l("Choose a nickname.")),
                                       Length(min=2, max=NICKNAME_MAX,
                                              message=_l("Use 2 to %(n)d characters.", n=NICKNAME_MAX))])
    body = TextAreaField(_l("Your reply to this question"), filters=[_strip],
                         validators=[DataRequired(_l("Write your reply.")),
                                     Length(min=5, max=BODY_MAX,
                                            message=_l("Use 5 to %(n)d characters.", n=BODY_MAX))],
                         render_kw={"rows": 5, "maxlength": BODY_MAX})
    browser_token = HiddenField()
    submit = SubmitField(_l("Send my reply"))


class KeyForm(FlaskForm):
    key = StringField(_l("Your secret key"), filters=[_strip],
                      validators=[DataRequired(_l("Enter the secret key you got when you posted.")),
                                  Length(max=100, message=_l("This is not a key from Hulpmix."))],
                      render_kw={"autocomplete": "off", "spellcheck": "false"})
    submit = SubmitField(_l("Open"))


class EditForm(FlaskForm):
    key = HiddenField()
    title = StringField(_l("Your question in one line"), filters=[_strip],
                        validators=[Optional(), Length(max=TITLE_MAX,
                                                       message=_l("Use 5 to %(n)d characters.", n=TITLE_MAX))])
    body = TextAreaField(_l("Text"), filters=[_strip],
                         validators=[DataRequired(_l("Write something, or delete the post.")),
                                     Length(min=5, max=BODY_MAX,
                                            message=_l("Use 5 to %(n)d characters.", n=BODY_MAX))],
                         render_kw={"rows": 8, "maxlength": BODY_MAX})
    save = SubmitField(_l("Save changes"))


class DeleteForm(FlaskForm):
    key = HiddenField()
    delete = SubmitField(_l("Delete for good"))


REPORT_LABELS = {
    "personal_data": _l("It shows who someone is (name, address, phone number)"),
    "unkind": _l("It is mean, discriminating or bullying"),
    "worrying": _l("I am worried about the writer"),
    "spam": _l("Advertising or nonsense"),
    "other": _l("Something else"),
}


class ReportForm(FlaskForm):
    reason = SelectField(_l("What is wrong?"), choices=choices(REPORT_LABELS),
                         validators=[DataRequired(_l("Choose what is wrong."))])
    note = TextAreaField(_l("Anything else we should know? (optional)"), filters=[_strip],
                         validators=[Length(max=500, message=_l("Use at most %(n)d characters.", n=500))],
                         render_kw={"rows": 3, "maxlength": 500})
    submit = SubmitField(_l("Report"))


DECISION_LABELS = {
    "approve": _l("Publish"),
    "reject": _l("Do not publish"),
    "chat": _l("Invite to chat instead"),
    "mail": _l("Invite to mail instead"),
}


class ModerationForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=choices(DECISION_LABELS), validators=[DataRequired()])
    note = TextAreaField(_l("Message to the writer (with an invitation)"), filters=[_strip],
                         validators=[Length(max=1000)], render_kw={"rows": 3})
    submit = SubmitField(_l("Save decision"))


class CounsellorReplyForm(FlaskForm):
    body = TextAreaField(_l("Reply as counsellor"), filters=[_strip],
                         validators=[DataRequired(_l("Write your reply.")), Length(min=5, max=BODY_MAX)],
                         render_kw={"rows": 5})
    submit = SubmitField(_l("Publish reply"))


RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_ranges(value: str) -> list[tuple[time, time]]:
    """'16:00-22:00, 09:00-12:00' to time pairs; raises ValueError with a readable message."""
    ranges = []
    for part in filter(None, (p.strip() for p in (value or "").split(","))):
        match = RANGE.match(part)
        if not match:
            raise ValueError(part)
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if not (h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60):
            raise ValueError(part)
        opens, closes = time(h1, m1), time(h2, m2)
        if closes <= opens:
            raise ValueError(part)
        ranges.append((opens, closes))
    return ranges


def _ranges_valid(form, field) -> None:
    try:
        parse_ranges(field.data)
    except ValueError as error:
        raise ValidationError(_l("Write times like 16:00-22:00; closing after opening (%(part)s).",
                                 part=str(error))) from error


WEEKDAY_LABELS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
                  _l("Saturday"), _l("Sunday"))


class HoursForm(FlaskForm):
    day0 = StringField(WEEKDAY_LABELS[0], validators=[_ranges_valid])
    day1 = StringField(WEEKDAY_LABELS[1], validators=[_ranges_valid])
    day2 = StringField(WEEKDAY_LABELS[2], validators=[_ranges_valid])
    day3 = StringField(WEEKDAY_LABELS[3], validators=[_ranges_valid])
    day4 = StringField(WEEKDAY_LABELS[4], validators=[_ranges_valid])
    day5 = StringField(WEEKDAY_LABELS[5], validators=[_ranges_valid])
    day6 = StringField(WEEKDAY_LABELS[6], validators=[_ranges_valid])
    submit = SubmitField(_l("Save opening hours"))


class HolidayForm(FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired(_l("Choose a date."))])
    name = StringField(_l("Name"), filters=[_strip],
                       validators=[DataRequired(_l("Give the day a name.")), Length(max=80)])
    hours = StringField(_l("Open on this day (optional)"),
                        description=_l("Empty: chat is closed all day. Or, for example, 19:00-22:00."),
                        validators=[_ranges_valid])
    submit = SubmitField(_l("Add day"))
