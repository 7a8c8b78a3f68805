"""People management: coordinators see their institution's accounts, admins manage all."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from app import audit
from app.accounts import forms, services
from app.accounts.labels import ROLE_LABELS
from app.accounts.models import ROLES, STAFF_ROLES, Institution, Role, User, user_roles
from app.extensions import db
from app.formtools import choices
from app.permissions import can, policy, roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50


@policy("view_user")
def _may_view_user(user, other: User) -> bool:
    if user.id == other.id or user.has_role("admin"):
        return True
    return user.has_role("coordinator") and user.institution_id == other.institution_id


@policy("manage_user")
def _may_manage_user(user, other: User) -> bool:
    return user.has_role("admin")


def _people_query(viewer: User, *, q: str = "", role: str = "", institution_id: int | None = None):
    query = select(User).order_by(User.display_name, User.id)
    if not viewer.has_role("admin"):
        query = query.where(User.institution_id == viewer.institution_id)
    elif institution_id:
        query = query.where(User.institution_id == institution_id)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(or_(func.lower(User.email).like(like),
                                func.lower(User.display_name).like(like),
                                func.lower(User.full_name).like(like)))
    if role in ROLES:
        query = query.where(User.id.in_(select(user_roles.c.user_id).where(user_roles.c.role_name == role)))
    return query


@bp.route("/users")
@roles_required("coordinator")
def users():
    q = request.args.get("q", "").strip()[:100]
    role = request.args.get("role", "")
    institution_id = request.args.get("institution", type=int)
    page = max(1, request.args.get("page", 1, type=int))
    query = _people_query(current_user, q=q, role=role, institution_id=institution_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    people = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    institutions = db.session.scalars(select(Institution).order_by(Institution.name)).all()
    return render_template("admin/users.html", people=people, total=total, page=page,
                           pages=max(1, -(-total // PAGE_SIZE)), q=q, role=role,
                           institution_id=institution_id, institutions=institutions,
                           roles=ROLES, role_labels=ROLE_LABELS)


@bp.route("/users.csv")
@roles_required("coordinator")
def users_csv():
    query = _people_query(current_user, q=request.args.get("q", "").strip()[:100],
                          role=request.args.get("role", ""),
                          institution_id=request.args.get("institution", type=int))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "display_name", "full_name", "email", "institution", "roles",
                     "languages", "created_at", "last_login_at", "active"])
    for person in db.session.scalars(query):
        writer.writerow([
            person.id, person.display_name, person.full_name, person.email,
            person.institution.name if person.institution else "",
            " ".join(sorted(person.role_names)),
            " ".join(f"{lang.code}:{lang.level}" for lang in person.languages),
            person.created_at.isoformat(timespec="seconds"),
            person.last_login_at.isoformat(timespec="seconds") if person.last_login_at else "",
            "yes" if person.active else "no",
        ])
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=hulpmix-people.csv"})


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("coordinator")
def user_detail(user_id: int):
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    if not can(current_user, "view_user", person):
        abort(403)
    form = forms.AdminUserForm(
        staff_roles=sorted(person.role_names & set(STAFF_ROLES)),
        institution=person.institution_id or 0,
        active=person.active,
    )
    form.staff_roles.choices = choices((r, ROLE_LABELS[r]) for r in STAFF_ROLES)
    form.institution.choices = choices([(0, "—")] + [
        (i.id, i.name) for i in db.session.scalars(select(Institution).order_by(Institution.name))
    ])
    if request.method == "POST":
        if not can(current_user, "manage_user", person):
            abort(403)
        if form.validate_on_submit():
            try:
                services.set_institution(current_user, person, form.institution.data or None)
                services.set_active(current_user, person, form.active.data)
                added, removed = services.set_staff_roles(current_user, person, set(form.staff_roles.data))
            except services.AccountError as error:
                flash(str(error), "error")
            else:
                flash(_("Saved. Roles added: %(added)s; removed: %(removed)s.",
                        added=", ".join(str(ROLE_LABELS[r]) for r in sorted(added)) or "—",
                        removed=", ".join(str(ROLE_LABELS[r]) for r in sorted(removed)) or "—"),
                      "success")
                return redirect(url_for("admin.user_detail", user_id=person.id))
    events = db.session.scalars(
        select(audit.AuditEvent).where(audit.AuditEvent.subject_user_id == person.id)
        .order_by(audit.AuditEvent.at.desc()).limit(50)
    ).all()
    return render_template("admin/user_detail.html", person=person, form=form, events=events,
                           may_manage=can(current_user, "manage_user", person),
                           role_labels=ROLE_LABELS)


@bp.route("/audit")
@roles_required("admin")
def audit_log():
    page = max(1, request.args.get("page", 1, type=int))
    action = request.args.get("action", "").strip()[:64]
    query = select(audit.AuditEvent).order_by(audit.AuditEvent.at.desc(), audit.AuditEvent.id.desc())
    if action:
        query = query.where(audit.AuditEvent.action.like(f"{action}%"))
    events = db.session.scalars(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("admin/audit.html", events=events[:PAGE_SIZE], page=page,
                           has_more=len(events) > PAGE_SIZE, action=action)


def ensure_roles() -> None:
    """Make sure every role name exists as a row (used by seeding and migrations)."""
    existing = set(db.session.scalars(select(Role.name)))
    for name in ROLES:
        if name not in existing:
            db.session.add(Role(name=name))
    db.session.commit()
