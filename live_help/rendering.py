"""Topic content for the pages: loaded once per process, Markdown rendered once per language,
with [[org:KEY]] and [[hulpmix:chat|mail]] turned into links."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from app.content import render_markdown
from live_help.content import (
    CONTENT_DIR,
    TOKEN_RE,
    HelpContent,
    Organisation,
    Topic,
    load_help_content,
)


@cache
def _load(folder: str) -> HelpContent:
    return load_help_content(Path(folder))


def help_content() -> HelpContent:
    """The checked help content of this app (HELP_CONTENT_DIR, or live_help/content)."""
    return _load(str(current_app.config.get("HELP_CONTENT_DIR") or CONTENT_DIR))


def _phone_link(phone: str) -> str:
    return f"[{phone}](tel:{''.join(ch for ch in phone if ch.isdigit() or ch == '+')})"


def org_markdown(org: Organisation, lang: str) -> str:
    """An organisation as Markdown: its name linked to its site, and its number."""
    text = f"**[{org.name}]({org.website})**"
    if org.phone:
        note = org.phone_note.get(lang, "") if org.phone_note else ""
        text += f" ({_phone_link(org.phone)}{', ' + note if note else ''})"
    return text


def _expand(markdown_text: str, content: HelpContent, lang: str) -> str:
    page = url_for("live_help.chat_and_mail")

    def token(match) -> str:
        kind, value = match.groups()
        if kind == "org":
            return org_markdown(content.organisations[value], lang)
        label = _("Chat with Hulpmix") if value == "chat" else _("Mail Hulpmix")
        return f"**[{label}]({page}#{value})**"

    return TOKEN_RE.sub(token, markdown_text)


def rendered_topic(topic: Topic, lang: str) -> Markup:
    """The topic's HTML in `lang`, rendered once per app and language."""
    cache_store = current_app.extensions.setdefault("hulpmix.help_html", {})
    key = (topic.slug, lang)
    html = cache_store.get(key)
    if html is None:
        with force_locale(lang):
            html = render_markdown(_expand(topic.body[lang], help_content(), lang))
        cache_store[key] = html
    return html
