"""Forms for starting, ending and assessing simulations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.formtools import MultiCheckboxField, choices


class PracticeForm(FlaskForm):
    scenario = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Start practising"))


class StartLiveForm(FlaskForm):
    scenario = SelectField(_l("Scenario"), validators=[DataRequired()])
    trainees = MultiCheckboxField(_l("Trainees (one chat each)"), coerce=int,
                                  validators=[DataRequired(message=_l("Choose at least one trainee."))])
    lang = SelectField(_l("Language of the chat"), choices=choices({"nl": "Nederlands", "en": "English"}))
    submit = SubmitField(_l("Start the role-play"))


class NotesForm(FlaskForm):
    notes = TextAreaField(_l("Private notes"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save notes"))


class EndForm(FlaskForm):
    submit = SubmitField(_l("End the chat"))


class AnnotationForm(FlaskForm):
    message_id = IntegerField(validators=[InputRequired()])
    body = TextAreaField(_l("Remark on this message"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Add remark"))


class ObserveForm(FlaskForm):
    submit = SubmitField(_l("Read along"))


def assessment_form(rubric, lang: str, data=None):
    """A form with one level choice and one comment per rubric criterion."""

    class AssessmentForm(FlaskForm):
        summary = TextAreaField(_l("Summary for the trainee"), validators=[Optional(), Length(max=3000)])
        passed = RadioField(_l("Decision"), choices=choices({"yes": _l("Passed"), "no": _l("Not passed yet")}),
                            validators=[DataRequired(message=_l("Decide whether the simulation is passed."))])
        confirm = BooleanField(_l("I have read the whole transcript."),
                               validators=[DataRequired(message=_l("Read the whole transcript first."))])
        submit = SubmitField(_l("Save assessment"))

    for criterion in rubric.criteria:
        level_choices = choices((str(value), f"{value} · {rubric.levels[value][lang]}") for value in rubric.level_values)
        setattr(AssessmentForm, f"score_{criterion.key}",
                RadioField(criterion.title[lang], choices=level_choices,
                           validators=[DataRequired(message=_l("Choose a level."))]))
        setattr(AssessmentForm, f"comment_{criterion.key}",
                TextAreaField(_l("Comment"), validators=[Optional(), Length(max=1000)]))
    return AssessmentForm(data=data)
