"""Public pages for young people: no account, nothing that identifies them."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, render_template

from app.permissions import public
from live_help.content import load_categories, load_organisations

bp = Blueprint("live_help", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/live_help")

URGENT = ("alarmnummer-112", "zelfmoordpreventie-113", "kindertelefoon", "veilig-thuis")


@cache
def _content():
    organisations = load_organisations()
    return load_categories(), [organisations[key] for key in URGENT]


@bp.route("/")
@public
def home():
    categories, urgent = _content()
    return render_template("live_help/home.html", categories=categories, urgent=urgent)
