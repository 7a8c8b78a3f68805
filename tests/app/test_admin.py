"""People management: admins grant staff roles (audited), coordinators see their own institution."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from app.audit import AuditEvent
from app.extensions import db
from tests.conftest import sign_in_session


def test_admin_grants_a_staff_role_and_it_is_audited(client, signed_in, make_user):
    admin = signed_in("admin")
    person = make_user("counsellor")
    response = client.post(f"/admin/users/{person.id}", data={
        "staff_roles": ["supervisor"], "institution": person.institution_id, "active": "y"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.has_role("supervisor")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "role.granted"))
    assert (event.actor_id, event.subject_user_id, event.details["role"]) == (admin.id, person.id, "supervisor")
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "role.granted" in page


def test_a_role_change_ends_the_persons_running_sessions(app, client, signed_in, make_user):
    signed_in("admin")
    person = make_user("trainee")
    their_browser = app.test_client()
    sign_in_session(their_browser, person)
    assert their_browser.get("/dashboard").status_code == 200
    client.post(f"/admin/users/{person.id}", data={"staff_roles": ["coordinator"],
                                                   "institution": person.institution_id, "active": "y"})
    assert their_browser.get("/dashboard").status_code == 302


def test_admin_cannot_remove_their_own_admin_role(client, signed_in):
    admin = signed_in("admin")
    html = client.post(f"/admin/users/{admin.id}", data={"staff_roles": [], "institution": admin.institution_id,
                                                          "active": "y"}, follow_redirects=True).get_data(as_text=True)
    assert "eigen beheerdersrol" in html
    db.session.refresh(admin)
    assert admin.has_role("admin")


def test_coordinator_sees_only_their_own_institution(client, signed_in, make_user, make_institution):
    coordinator = signed_in("coordinator")
    colleague = make_user("trainee", display_name="Colleague Here")
    elsewhere = make_user("trainee", display_name="Someone Elsewhere", institution_obj=make_institution("ggze", "GGzE"))
    html = client.get("/admin/users").get_data(as_text=True)
    assert "Colleague Here" in html and "Someone Elsewhere" not in html
    assert client.get(f"/admin/users/{colleague.id}").status_code == 200
    assert client.get(f"/admin/users/{elsewhere.id}").status_code == 403
    # Coordinators look, admins change.
    assert client.post(f"/admin/users/{colleague.id}", data={"staff_roles": ["admin"]}).status_code == 403
    assert coordinator.institution_id == colleague.institution_id


def test_people_export_as_csv_respects_the_filters(client, signed_in, make_user):
    signed_in("admin")
    make_user("trainee", display_name="Trainee One")
    make_user("counsellor", display_name="Counsellor One")
    response = client.get("/admin/users.csv?role=trainee")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["display_name"] for row in rows] == ["Trainee One"]
    assert response.headers["Content-Type"].startswith("text/csv")


def test_people_list_search_and_paging(client, signed_in, make_user):
    signed_in("admin")
    for n in range(55):
        make_user("applicant", display_name=f"Applicant {n:02d}")
    first = client.get("/admin/users?role=applicant").get_data(as_text=True)
    assert "55 personen" in first and "Pagina 1 van 2" in first
    found = client.get("/admin/users?q=applicant 07").get_data(as_text=True)
    assert "Applicant 07" in found and "Applicant 08" not in found


def test_audit_log_lists_events_newest_first(client, signed_in, make_user):
    signed_in("admin")
    person = make_user("trainee")
    client.post(f"/admin/users/{person.id}", data={"staff_roles": ["supervisor"], "institution": person.institution_id, "active": "y"})
    client.post(f"/admin/users/{person.id}", data={"staff_roles": [], "institution": person.institution_id, "active": "y"})
    html = client.get("/admin/audit?action=role.").get_data(as_text=True)
    assert html.index("role.revoked") < html.index("role.granted")
