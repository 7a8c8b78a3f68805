"""Screening forms: the background questions (built from background.yml), reviewers, decisions.

The scales, vignettes and review levels are radio groups named after the instrument's keys;
their values are checked in services.py, so that an unknown key is refused as a whole.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.formtools import choices
from app.screening.instrument import Instrument

LANGUAGE_ROWS = 5


class ActionForm(FlaskForm):
    """A POST that only needs its CSRF token (start, submit, withdraw, save a step)."""


def background_form_class(inst: Instrument, lang: str) -> type[FlaskForm]:
    """A form class with one field per background question, labels in `lang`."""

    class BackgroundForm(FlaskForm):
        consent = BooleanField(_l("I agree that Hulpmix keeps my answer about my cultural background for this "
                                  "screening. I can withdraw this at any time."))
        submit = SubmitField(_l("Save and continue"))

        def validate_consent(self, field) -> None:
            background = getattr(self, "cultural_background", None)
            if background is not None and (background.data or "").strip() and not field.data:
                raise ValidationError(_l("Tick this box to keep your answer, or leave your background empty."))

    for question in inst.questions:
        label = question.label[lang]
        description = question.help.get(lang, "") if question.help else ""
        required = [DataRequired(message=_l("Please answer this question."))] if question.required else [Optional()]
        if question.type == "text":
            field = StringField(label, description=description, validators=[*required, Length(max=200)])
        elif question.type == "textarea":
            field = TextAreaField(label, description=description, validators=[*required, Length(max=2000)],
                                  render_kw={"rows": 5})
        elif question.type == "choice":
            field = RadioField(label, description=description, choices=choices(
                (option.key, option.label[lang]) for option in question.options),
                validators=required if question.required else [Optional()])
        else:  # languages
            field = FieldList(FormField(_language_row_class(question, lang)), label=label,
                              description=description, min_entries=LANGUAGE_ROWS, max_entries=12)
        setattr(BackgroundForm, question.key, field)
    BackgroundForm.languages_question = next(q for q in inst.questions if q.type == "languages")
    return BackgroundForm


def _language_row_class(question, lang: str) -> type[Form]:
    class LanguageRow(Form):
        language = StringField(_l("Language"), validators=[Optional(), Length(max=60)],
                               render_kw={"list": "screening-languages", "autocomplete": "off"})
        level = SelectField(_l("Level"), choices=choices(
            [("", "—")] + [(level.key, level.label[lang]) for level in question.levels]), validate_choice=False)

        def validate_level(self, field) -> None:
            if field.data and field.data not in {level.key for level in question.levels}:
                raise ValidationError(_l("Choose a level from the list."))
            if (self.language.data or "").strip() and not field.data:
                raise ValidationError(_l("Choose a level for this language."))

    return LanguageRow


class AssignReviewerForm(FlaskForm):
    reviewer = SelectField(_l("Reviewer"), coerce=int, validators=[DataRequired(message=_l("Choose a reviewer."))])
    round = SelectField(_l("Round"), coerce=int, choices=choices([(1, "1"), (2, "2"), (3, "3")]))
    submit = SubmitField(_l("Assign"))


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=choices([
        ("accepted", _l("Accept: trainee role and a place on the intake list")),
        ("waitlisted", _l("Waiting list")),
        ("rejected", _l("Reject")),
    ]), validators=[DataRequired(message=_l("Choose a decision."))])
    message = TextAreaField(
        _l("Message to the applicant"),
        description=_l("Sent by e-mail and shown on their dashboard. Explain the decision in plain words."),
        validators=[DataRequired(message=_l("Write a message to the applicant.")), Length(max=2000)],
        render_kw={"rows": 5},
    )
    submit = SubmitField(_l("Decide"))


class DeleteDataForm(FlaskForm):
    confirm = BooleanField(_l("Yes, delete my screening answers and scores for good."),
                           validators=[DataRequired(message=_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Delete my screening data"))
