"""Friendly error pages in the visitor's language, and a JSON error for API clients."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: (_l("Something in that request was not right"),
          _l("The page could not handle what was sent. Go back, reload the page and try again.")),
    403: (_l("This page is not for your account"),
          _l("You are signed in, but your role does not give access to this page. Ask your coordinator if you think it should.")),
    404: (_l("We cannot find that page"),
          _l("The link may be old or mistyped. Use the menu or the search to find your way.")),
    405: (_l("That does not work here"),
          _l("This page cannot be used in this way. Go back and use the buttons on the page.")),
    413: (_l("That is too large"),
          _l("What you sent is larger than we accept. Make it shorter and try again.")),
    429: (_l("Slow down a little"),
          _l("You did that too often in a short time. Wait a moment and try again.")),
    500: (_l("Something went wrong on our side"),
          _l("We have noted the error. Try again in a moment. If you need help right now, call 113 or 112 in an emergency.")),
}


def _render(code: int, detail: str | None = None):
    title, text = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
        return jsonify(error=str(title), detail=str(detail or text)), code
    return render_template("errors/error.html", code=code, title=title, text=text, detail=detail), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return _render(400, str(_l("The form expired or was sent twice. Reload the page and try again.")))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return _render(error.code)

    @app.errorhandler(InternalServerError)
    def _internal(error):
        return _render(500)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        return _render(500)
