"""Certification forms: sign-off, issue, revoke, renew, founding staff, and the code to verify."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.certification.services import FOUNDING_REASON_MIN, REASON_MIN


class SignOffForm(FlaskForm):
    note = TextAreaField(_l("Note for the coordinator (optional)"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Sign off"))


class IssueForm(FlaskForm):
    submit = SubmitField(_l("Issue the certificate"))


class RenewForm(FlaskForm):
    submit = SubmitField(_l("Renew the certificate"))


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for revoking"),
        description=_l("Written to the audit log. The holder is signed out at once."),
        validators=[DataRequired(message=_l("Give the reason for revoking.")),
                    Length(min=REASON_MIN, max=2000,
                           message=_l("Write at least %(n)d characters.", n=REASON_MIN))],
    )
    submit = SubmitField(_l("Revoke the certificate"))


class FoundingForm(FlaskForm):
    person = SelectField(_l("Staff member"), coerce=int,
                         validators=[DataRequired(message=_l("Choose a staff member."))])
    certificate_type = SelectField(_l("Certificate"), validators=[DataRequired()])
    reason = TextAreaField(
        _l("Why is this person founding staff?"),
        description=_l("For example: counsellor at this institution since 2005, trained before Hulpmix existed. Written to the audit log."),
        validators=[DataRequired(message=_l("Write down the reason.")),
                    Length(min=FOUNDING_REASON_MIN, max=2000,
                           message=_l("Write at least %(n)d characters.", n=FOUNDING_REASON_MIN))],
    )
    submit = SubmitField(_l("Register as founding staff"))


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False  # a public look-up that changes nothing; sent with GET

    code = StringField(_l("Verification code"),
                       description=_l("The code printed under the QR code on the certificate."),
                       validators=[DataRequired(message=_l("Type the code from the certificate.")),
                                   Length(max=100)])
