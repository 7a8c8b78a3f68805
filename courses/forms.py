"""Course forms: cohorts, sessions, enrolment, assignments and reviews.

Quiz and calibration forms are built from the content files in the templates (their fields
depend on the questions); they are read by courses.quiz and courses.services.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional


class CohortForm(FlaskForm):
    name = StringField(_l("Name of the cohort"), validators=[DataRequired(), Length(max=120)],
                       description=_l("For example: Counsellor course, spring, Rotterdam."))
    course = SelectField(_l("Course"), validators=[DataRequired()])
    starts_on = DateField(_l("Start date"), validators=[InputRequired(message=_l("Give a valid date."))])
    submit = SubmitField(_l("Create cohort"))


class SessionForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired(message=_l("Give a valid date."))])
    time = TimeField(_l("Time"), validators=[InputRequired(message=_l("Give a valid time."))])
    topic = StringField(_l("Topic"), validators=[Optional(), Length(max=200)],
                        description=_l("For example: module 2, the five-phase model."))
    submit = SubmitField(_l("Add session"))


class EnrolForm(FlaskForm):
    person = SelectField(_l("Trainee from the intake list"), coerce=int, validate_choice=False,
                         validators=[InputRequired(message=_l("Choose someone from the intake list."))])
    submit = SubmitField(_l("Enrol"))


class AssignmentForm(FlaskForm):
    text = TextAreaField(_l("Your answer"), validators=[DataRequired(message=_l("Write your answer before you hand it in.")),
                                                       Length(max=10_000)])
    submit = SubmitField(_l("Hand in"))


class ReviewForm(FlaskForm):
    comments = TextAreaField(_l("Comments for the trainee"), validators=[Optional(), Length(max=4_000)],
                             description=_l("Needed when you return the assignment: say what to improve."))
    approve = SubmitField(_l("Approve"))
    send_back = SubmitField(_l("Return with comments"))
