"""The one place where Markdown and user text become safe HTML."""

from __future__ import annotations

import markdown as _markdown
import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i", "li",
    "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


def render_markdown(text: str) -> Markup:
    """Markdown from our content files (or a trusted editor) to sanitised HTML."""
    html = _markdown.markdown(text or "", extensions=["sane_lists", "tables"], output_format="html")
    return Markup(  # noqa: S704 - nh3 has removed everything outside the allow-list
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto", "tel"},
            link_rel="noopener noreferrer",
        )
    )


def render_user_text(text: str) -> Markup:
    """Text typed by a user: escaped, line breaks kept, never interpreted as markup."""
    escaped = escape(text or "")
    paragraphs = [p.replace("\n", Markup("<br>")) for p in escaped.split("\n\n") if p.strip()]
    return Markup("").join(Markup("<p>") + p + Markup("</p>") for p in paragraphs)
