"""Simulation pages."""

from flask import Blueprint, render_template

from app.permissions import roles_required

bp = Blueprint("simulations", __name__, url_prefix="/simulations", template_folder="templates")


@bp.route("/")
@roles_required("trainee", "trainer", "supervisor", "coordinator")
def index():
    return render_template("simulations/index.html")
