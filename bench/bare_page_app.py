"""The baseline: a bare Flask app serving one template of about the size of a topic page."""

from pathlib import Path

from flask import Flask, render_template_string

PAGE = (Path(__file__).parent / "bare_page.html").read_text(encoding="utf-8")

app = Flask(__name__)


@app.route("/")
def page():
    return render_template_string(PAGE, title="Ruzie met je ouders")
