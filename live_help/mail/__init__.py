"""The anonymous mail service: young people write without an account and pick up the answer
with a code and password (or a secret link); counsellors answer from one shared inbox."""

from __future__ import annotations

from live_help.mail import models  # noqa: F401 - tables for migrations
from live_help.mail.routes import bp
from live_help.mail.services import approvals_waiting, mail_figures, purge, waiting_count

__all__ = ["approvals_waiting", "bp", "mail_figures", "purge", "waiting_count"]
