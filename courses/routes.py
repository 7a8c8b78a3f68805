"""Course pages."""

from flask import Blueprint, render_template

from app.permissions import login_required

bp = Blueprint("courses", __name__, url_prefix="/courses", template_folder="templates")


@bp.route("/")
@login_required
def index():
    return render_template("courses/index.html")
