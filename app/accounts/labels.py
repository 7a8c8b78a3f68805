"""Translated names of roles, for menus, badges and admin screens."""

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "applicant": _l("Applicant"),
    "trainee": _l("Trainee"),
    "counsellor": _l("Counsellor"),
    "trainer": _l("Trainer"),
    "supervisor": _l("Supervisor"),
    "coordinator": _l("Coordinator"),
    "admin": _l("Administrator"),
}
