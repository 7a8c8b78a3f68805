"""The live gate: may this person take live work now, in which mode, how many chats at once.

Live help asks it on every event that starts or accepts work (docs/certification.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from app.certification import chats_done, evaluate_shadow
from app.certification.services import certificates_of, setting, valid_certificate
from app.timeutil import utcnow

MODES = ("no", "shadow", "supervised", "live")


@dataclass(frozen=True)
class Gate:
    """The answer. `mode` is one of MODES; `reason` a stable code (see `message`)."""

    mode: str
    max_chats: int
    reason: str
    certificate_id: int | None = None
    supervised_chats_left: int = 0

    @property
    def allowed(self) -> bool:
        return self.mode != "no"

    def may_start(self, running_chats: int) -> bool:
        """May one more chat start next to `running_chats` that are open now?"""
        return self.allowed and running_chats < self.max_chats

    @property
    def message(self) -> str:
        n = self.supervised_chats_left
        return {
            "inactive": _("This account is not active."),
            "no_certificate": _("Live work needs a valid counsellor certificate."),
            "certificate_expired": _("Your counsellor certificate has expired: live work stopped. Ask your coordinator about renewal."),
            "certificate_revoked": _("Your counsellor certificate was revoked: live work is not possible."),
            "shadow_not_ready": _("Shadow chats open after the course and at least one passed simulation."),
            "shadow": _("Shadow mode: you write drafts that a certified counsellor approves."),
            "supervised": ngettext("Supervised: one chat at a time with a supervisor reading along, for %(num)d more chat.",
                                   "Supervised: one chat at a time with a supervisor reading along, for %(num)d more chats.", n),
            "founding": _("Live, as founding staff."),
            "live": _("Live."),
        }.get(self.reason, self.reason)


def live_gate(user, at: datetime | None = None) -> Gate:
    at = at or utcnow()
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Gate("no", 0, "inactive")
    certificate = valid_certificate(user, "counsellor", at)
    if certificate is not None:
        history = [c for c in certificates_of(user, "counsellor") if c.issued_at <= at]
        live = Gate("live", int(setting("LIVE_MAX_CHATS")), "live", certificate.id)
        if any(c.founding for c in history):
            return Gate(live.mode, live.max_chats, "founding", certificate.id)
        first_issued = min(c.issued_at for c in history)
        needed = int(setting("LIVE_SUPERVISED_CHATS"))
        done = chats_done(user, first_issued)
        if done < needed:
            return Gate("supervised", 1, "supervised", certificate.id, supervised_chats_left=needed - done)
        return live
    earlier = [c for c in certificates_of(user, "counsellor") if c.issued_at <= at]
    if earlier:
        latest = earlier[0]
        return Gate("no", 0, "certificate_revoked" if latest.is_revoked else "certificate_expired", latest.id)
    if user.has_role("trainee"):
        prerequisites = evaluate_shadow(user)
        if prerequisites and all(result.met for _req, result in prerequisites):
            return Gate("shadow", int(setting("LIVE_SHADOW_MAX_CHATS")), "shadow")
        return Gate("no", 0, "shadow_not_ready")
    return Gate("no", 0, "no_certificate")
