"""The baseline: a bare Flask app serving one template of about the size of a topic page."""

from pathlib import Path

from flask import Flask, render_template

app = Flask(__name__, template_folder=str(Path(__file__).parent))


@app.route("/")
def page():
    return render_template("bare_page.html", title="Ruzie met je ouders")
