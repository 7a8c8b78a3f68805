"""Certification pages: progress, pipeline, sign-off and issue, certificates, founding staff,
and the public verification page with its JSON twin."""

from __future__ import annotations

import csv
import io

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import User
from app.certification import CERTIFICATE_TYPES, forms, live_gate, services
from app.certification.models import Certificate
from app.extensions import db, limiter
from app.formtools import choices
from app.permissions import can, login_required, policy, public, roles_required, same_institution

bp = Blueprint("certification", __name__, template_folder="templates", static_folder="static",
               static_url_path="/certification/static")


# --- policies ------------------------------------------------------------------------------
@policy("view_progress_of")
def _may_view_progress(user, person: User) -> bool:
    if user.id == person.id or user.has_role("admin"):
        return True
    if user.has_role("coordinator", "trainer") and same_institution(user, person.institution_id):
        return True
    return user.has_role("trainer") and services.trains(user, person)


@policy("view_certificate")
def _may_view_certificate(user, certificate: Certificate) -> bool:
    if user.id == certificate.holder_id or user.has_role("admin"):
        return True
    return user.has_role("coordinator") and same_institution(user, certificate.holder.institution_id)


@policy("manage_certificate")
def _may_manage_certificate(user, certificate: Certificate) -> bool:
    return (user.id != certificate.holder_id and user.has_role("coordinator", "admin")
            and same_institution(user, certificate.holder.institution_id))


def _verify_limit() -> str:
    return current_app.config["CERTIFICATION_VERIFY_RATE_LIMIT"]


verify_limit = limiter.shared_limit(_verify_limit, scope="certificate-verify")


def _person_or_404(user_id: int, kind: str) -> User:
    person = db.session.get(User, user_id)
    if person is None or kind not in CERTIFICATE_TYPES:
        abort(404)
    if not can(current_user, "view_progress_of", person):
        abort(403)
    return person


def _certificate_or_404(certificate_id: int, action: str = "view_certificate") -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        abort(404)
    if not can(current_user, action, certificate):
        abort(403)
    return certificate


# --- the trainee's and holder's own view ----------------------------------------------------
@bp.route("/certification/")
@login_required
def progress():
    certificates = services.certificates_of(current_user)
    tracks = []
    counsellor = services.progress(current_user, "counsellor")
    if counsellor.certificate is None:
        tracks.append(counsellor)
    if services.valid_certificate(current_user, "counsellor") is not None:
        trainer = services.progress(current_user, "trainer")
        if trainer.certificate is None:
            tracks.append(trainer)
    renewals = {c.id: services.renewal_status(c) for c in certificates if c.status() == "valid"}
    return render_template("certification/progress.html", tracks=tracks, certificates=certificates,
                           renewals=renewals, gate=live_gate(current_user), services=services)


# --- coordinators and trainers --------------------------------------------------------------
@bp.route("/certification/pipeline")
@roles_required("trainer", "coordinator")
def pipeline():
    kind = request.args.get("type", "")
    rows = services.pipeline(current_user, kind if kind in CERTIFICATE_TYPES else None)
    return render_template("certification/pipeline.html", rows=rows, kind=kind, services=services,
                           types=CERTIFICATE_TYPES)


@bp.route("/certification/pipeline.csv")
@roles_required("coordinator")
def pipeline_csv():
    kind = request.args.get("type", "")
    rows = services.pipeline(current_user, kind if kind in CERTIFICATE_TYPES else None)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "display_name", "full_name", "email", "institution", "certificate_type",
                     "stage", "requirements_met", "requirements_total", "blocking", "signed_off_by"])
    for row in rows:
        person = row.user
        writer.writerow([
            person.id, person.display_name, person.full_name, person.email,
            person.institution.name if person.institution else "", row.certificate_type, row.stage,
            row.met, row.total, "; ".join(row.blocking),
            row.signoff.trainer_name if row.signoff else "",
        ])
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=hulpmix-certification.csv"})


def _render_person(person: User, kind: str, *, signoff_form=None, status: int = 200):
    row = services.progress(person, kind)
    return render_template(
        "certification/person.html", person=person, row=row, kind=kind, services=services,
        signoff_form=signoff_form or forms.SignOffForm(), issue_form=forms.IssueForm(),
        may_sign_off=current_user.has_role("trainer") and services.may_certify(current_user)
        and current_user.id != person.id,
        may_issue=current_user.has_role("coordinator", "admin") and current_user.id != person.id
        and same_institution(current_user, person.institution_id),
        certificates=services.certificates_of(person, kind),
    ), status


@bp.route("/certification/people/<int:user_id>/<kind>")
@roles_required("trainer", "coordinator")
def person(user_id: int, kind: str):
    return _render_person(_person_or_404(user_id, kind), kind)


@bp.route("/certification/people/<int:user_id>/<kind>/sign-off", methods=["POST"])
@roles_required("trainer")
def sign_off(user_id: int, kind: str):
    person = _person_or_404(user_id, kind)
    form = forms.SignOffForm()
    if not form.validate_on_submit():
        return _render_person(person, kind, signoff_form=form, status=400)
    try:
        services.sign_off(current_user, person, kind, form.note.data or "")
    except services.CertificationError as error:
        flash(str(error), "error")
        return _render_person(person, kind, signoff_form=form, status=409)
    flash(_("Signed off. A coordinator can now issue the certificate."), "success")
    return redirect(url_for("certification.person", user_id=person.id, kind=kind))


@bp.route("/certification/people/<int:user_id>/<kind>/issue", methods=["POST"])
@roles_required("coordinator")
def issue(user_id: int, kind: str):
    person = _person_or_404(user_id, kind)
    if not same_institution(current_user, person.institution_id):
        abort(403)
    if not forms.IssueForm().validate_on_submit():
        abort(400)
    try:
        certificate = services.issue(current_user, person, kind)
    except services.CertificationError as error:
        flash(str(error), "error")
        return _render_person(person, kind, status=409)
    flash(_("Certificate issued to %(name)s.", name=certificate.holder_name), "success")
    return redirect(url_for("certification.certificate", certificate_id=certificate.id))


@bp.route("/certification/certificates/<int:certificate_id>")
@login_required
def certificate(certificate_id: int):
    cert = _certificate_or_404(certificate_id)
    return _render_certificate(cert)


def _render_certificate(cert: Certificate, *, revoke_form=None, status: int = 200):
    return render_template(
        "certification/certificate.html", cert=cert, services=services,
        verification=services.verification(cert), renewal=services.renewal_status(cert),
        revoke_form=revoke_form or forms.RevokeForm(), renew_form=forms.RenewForm(),
        may_manage=can(current_user, "manage_certificate", cert),
        verify_url=url_for("certification.verify", code=cert.code, _external=True),
    ), status


@bp.route("/certification/certificates/<int:certificate_id>/certificate.pdf")
@login_required
def certificate_pdf_view(certificate_id: int):
    # reportlab loads on the first PDF, not when a worker starts
    from app.certification.pdf import certificate_pdf

    cert = _certificate_or_404(certificate_id)
    language = request.args.get("lang") or str(get_locale())
    if language not in current_app.config["LANGUAGES"]:
        language = "nl"
    data = certificate_pdf(cert, language, url_for("certification.verify", code=cert.code, _external=True))
    name = f"hulpmix-{'certificaat' if language == 'nl' else 'certificate'}-{cert.id}.pdf"
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


@bp.route("/certification/certificates/<int:certificate_id>/revoke", methods=["POST"])
@roles_required("coordinator")
def revoke(certificate_id: int):
    cert = _certificate_or_404(certificate_id, "manage_certificate")
    form = forms.RevokeForm()
    if not form.validate_on_submit():
        return _render_certificate(cert, revoke_form=form, status=400)
    try:
        services.revoke(current_user, cert, form.reason.data)
    except services.CertificationError as error:
        flash(str(error), "error")
        return _render_certificate(cert, revoke_form=form, status=409)
    flash(_("The certificate is revoked. The verification page now says so."), "success")
    return redirect(url_for("certification.certificate", certificate_id=cert.id))


@bp.route("/certification/certificates/<int:certificate_id>/renew", methods=["POST"])
@roles_required("coordinator")
def renew(certificate_id: int):
    cert = _certificate_or_404(certificate_id, "manage_certificate")
    if not forms.RenewForm().validate_on_submit():
        abort(400)
    try:
        renewed = services.renew(current_user, cert)
    except services.CertificationError as error:
        flash(str(error), "error")
        return _render_certificate(cert, status=409)
    flash(_("Renewed: the new certificate is valid until %(date)s.",
            date=services.long_date(renewed.expires_at)), "success")
    return redirect(url_for("certification.certificate", certificate_id=renewed.id))


@bp.route("/certification/founding", methods=["GET", "POST"])
@roles_required("coordinator")
def founding():
    form = forms.FoundingForm()
    query = select(User).where(User.active.is_(True), User.id != current_user.id).order_by(User.display_name)
    if not current_user.has_role("admin"):
        query = query.where(User.institution_id == current_user.institution_id)
    people = list(db.session.scalars(query))
    form.person.choices = choices([(0, "—")] + [(p.id, f"{p.name_for_certificate} ({p.email})") for p in people])
    form.certificate_type.choices = choices((kind, services.type_label(kind)) for kind in CERTIFICATE_TYPES)
    if form.validate_on_submit():
        person = next((p for p in people if p.id == form.person.data), None)
        if person is None:
            form.person.errors.append(_("Choose a staff member."))
        else:
            try:
                cert = services.register_founding(current_user, person, form.certificate_type.data,
                                                  form.reason.data)
            except services.CertificationError as error:
                flash(str(error), "error")
            else:
                flash(_("%(name)s is registered as founding staff.", name=cert.holder_name), "success")
                return redirect(url_for("certification.certificate", certificate_id=cert.id))
    status = 400 if form.errors else 200
    return render_template("certification/founding.html", form=form), status


# --- public verification --------------------------------------------------------------------
def _normalise(code: str) -> str:
    return "".join((code or "").split())


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/verify", methods=["GET"])
@public
@verify_limit
def verify_form():
    form = forms.VerifyForm(request.args)
    if "code" in request.args and form.validate():
        code = _normalise(form.code.data)
        if services.CODE_PATTERN.match(code):
            return redirect(url_for("certification.verify", code=code))
        form.code.errors.append(_("This is not a code from a Hulpmix certificate: check it and try again."))
    status = 400 if form.errors else 200
    return _no_store(Response(render_template("certification/verify.html", form=form, result=None),
                              status=status))


@bp.route("/verify/<code>")
@public
@verify_limit
def verify(code: str):
    if not services.CODE_PATTERN.match(code):
        problem, status = "malformed", 400
        cert = None
    else:
        cert = services.by_code(code)
        problem, status = (None, 200) if cert else ("not_found", 404)
    # After a problem the typed code stays in the field, to correct it; after an answer it is empty.
    form = forms.VerifyForm(formdata=None, code=code[:100] if problem else "")
    result = services.verification(cert) if cert else None
    dates = {}
    if cert is not None:
        dates = {"issued": services.long_date(cert.issued_at), "expires": services.long_date(cert.expires_at),
                 "revoked": services.long_date(cert.revoked_at) if cert.revoked_at else ""}
    return _no_store(Response(render_template("certification/verify.html", form=form, result=result,
                                              dates=dates, problem=problem), status=status))


@bp.route("/api/verify/<code>")
@public
@verify_limit
def verify_json(code: str):
    if not services.CODE_PATTERN.match(code):
        return _no_store(jsonify(found=False, error="malformed_code")), 400
    cert = services.by_code(code)
    if cert is None:
        return _no_store(jsonify(found=False, error="not_found")), 404
    return _no_store(jsonify(services.verification(cert)))
