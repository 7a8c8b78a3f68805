"""Forms of live chat: the young person's start and evaluation, the counsellor's registration,
transfer, block and notes."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.formtools import MultiCheckboxField, choices
from app.languages import LANGUAGES

AGE_GROUPS = {"12-14": _l("12 to 14"), "15-17": _l("15 to 17"), "18-20": _l("18 to 20"), "21-23": _l("21 to 23"),
              "other": _l("Another age")}
GENDERS = {"girl": _l("Girl"), "boy": _l("Boy"), "other": _l("Other, or I'd rather say it myself"),
           "none": _l("I'd rather not say")}
WISH_LANGUAGES = ("ar", "tr", "ber", "pap", "so", "en", "srn", "ti", "prs", "pl", "uk", "fr", "es")
THREE = {"yes": _l("Yes"), "somewhat": _l("Somewhat"), "no": _l("No")}
BACKGROUNDS = {"nl": _l("My parents were both born in the Netherlands"),
               "one": _l("One of my parents was born in another country"),
               "both": _l("Both my parents were born in another country"),
               "me": _l("I was born in another country myself"),
               "skip": _l("I'd rather not say")}
RISK_LEVELS = {"none": _l("No risk"), "low": _l("Low"), "medium": _l("Medium"), "high": _l("High"),
               "acute": _l("Acute")}
MESSAGE_MAX = 2000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def topic_choices():
    from live_help.rendering import help_content

    lang = str(get_locale() or "nl")
    return [("", _l("Choose a subject"))] + [(c.key, c.title.get(lang) or c.title["nl"])
                                              for c in help_content().categories] + [("other", _l("Something else"))]


class StartForm(FlaskForm):
    nickname = StringField(_l("Nickname (optional)"), filters=[_strip],
                           description=_l("Not your real name. You may also leave it empty."),
                           validators=[Optional(), Length(max=30, message=_l("At most %(n)d characters.", n=30))])
    age_group = SelectField(_l("How old are you?"), validators=[DataRequired(_l("Choose your age."))])
    gender = SelectField(_l("You are a…"), validators=[Optional()])
    topic = SelectField(_l("What is it about?"), validators=[DataRequired(_l("Choose a subject."))])
    language = SelectField(_l("I would like a counsellor who speaks…"), validators=[Optional()],
                           description=_l("Optional. You may wait a little longer for this."))
    first_message = TextAreaField(
        _l("Want to write something already? (optional)"), filters=[_strip],
        description=_l("The counsellor reads it when the chat starts."),
        validators=[Optional(), Length(max=MESSAGE_MAX, message=_l("At most %(n)d characters.", n=MESSAGE_MAX))],
        render_kw={"rows": 3, "maxlength": MESSAGE_MAX})
    accept_rules = BooleanField(_l("I have read the house rules and I accept them."),
                                validators=[DataRequired(_l("Accept the house rules to start."))])
    submit = SubmitField(_l("Start the chat"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.age_group.choices = choices([("", _l("Choose"))] + list(AGE_GROUPS.items()))
        self.gender.choices = choices([("", _l("Choose (optional)"))] + list(GENDERS.items()))
        self.topic.choices = choices(topic_choices())
        self.language.choices = choices([("", _l("No preference"))] + [(code, LANGUAGES[code]) for code in WISH_LANGUAGES])


class EvaluationForm(FlaskForm):
    grade = IntegerField(_l("What grade do you give this chat? (1 to 10)"),
                         validators=[InputRequired(_l("Give a grade from 1 to 10.")),
                                     NumberRange(1, 10, message=_l("Give a grade from 1 to 10."))],
                         render_kw={"min": 1, "max": 10, "inputmode": "numeric"})
    understood = RadioField(_l("Did you feel understood?"), validators=[InputRequired(_l("Choose an answer."))])
    helped = RadioField(_l("Did the chat help you?"), validators=[InputRequired(_l("Choose an answer."))])
    background = SelectField(_l("Where were you and your parents born? (optional, for our figures)"),
                             validators=[Optional()])
    comment = TextAreaField(_l("Anything else you want to tell us? (optional)"), filters=[_strip],
                            validators=[Optional(), Length(max=1000, message=_l("At most %(n)d characters.", n=1000))],
                            render_kw={"rows": 3, "maxlength": 1000})
    submit = SubmitField(_l("Send"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.understood.choices = choices(THREE)
        self.helped.choices = choices(THREE)
        self.background.choices = choices([("", _l("Choose (optional)"))] + list(BACKGROUNDS.items()))


def _at_least_one(form, field) -> None:
    if not field.data:
        raise ValidationError(_l("Choose at least one topic."))


class RegistrationForm(FlaskForm):
    # Not DataRequired: that marks every checkbox `required`, and the browser would ask for all.
    topic_codes = MultiCheckboxField(_l("Topics of this chat"), validators=[_at_least_one])
    risk_level = SelectField(_l("Risk level"), validators=[DataRequired(_l("Choose the risk level."))])
    submit = SubmitField(_l("End the chat and register"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic_codes.choices = choices([c for c in topic_choices() if c[0]])
        self.risk_level.choices = choices(RISK_LEVELS)


class DebriefForm(FlaskForm):
    debrief = TextAreaField(_l("What stays with you from this chat? (for yourself and your supervisor)"),
                            filters=[_strip], validators=[Optional(), Length(max=3000)], render_kw={"rows": 5})
    submit = SubmitField(_l("Save"))


class TransferForm(FlaskForm):
    to_user = SelectField(_l("Colleague on duty"), coerce=int, validators=[DataRequired(_l("Choose a colleague."))])
    note = TextAreaField(_l("A note for your colleague (optional)"), filters=[_strip],
                         validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})
    submit = SubmitField(_l("Transfer"))


class BlockForm(FlaskForm):
    reason = StringField(_l("Reason"), filters=[_strip],
                         validators=[DataRequired(_l("Give a reason for the block.")), Length(max=500)])
    submit = SubmitField(_l("Block for 24 hours and end the chat"))


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Private note"), filters=[_strip],
                         validators=[DataRequired(_l("Write a note first.")), Length(max=2000)], render_kw={"rows": 3})
    submit = SubmitField(_l("Save note"))


class ShadowForm(FlaskForm):
    trainee = SelectField(_l("Trainee in shadow mode"), coerce=int, validators=[DataRequired(_l("Choose a trainee."))])
    submit = SubmitField(_l("Invite to draft replies"))


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token (read along, take over, leave)."""

    submit = SubmitField(_l("Go"))
