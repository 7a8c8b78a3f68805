"""Pages of the platform as a whole: the dashboard, the language switch, privacy, health."""

from flask import Flask

from app.site.routes import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


__all__ = ["bp", "init_app"]
