"""Sending e-mail over SMTP; printed to the console in development when no server is set."""

from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage

from flask import current_app, render_template


def send_mail(to: str, subject: str, template: str, **context) -> EmailMessage:
    """Render `template` (a .txt template under templates/) and send it to one address."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(render_template(template, **context))
    config = current_app.config
    if config.get("MAIL_CONSOLE"):
        print(f"--- e-mail (MAIL_SERVER not set) ---\n{message}", file=sys.stderr)
        return message
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
    return message
