"""The Flask extensions, created unbound; create_app binds them in a fixed order."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints so that migrations work the same on SQLite (batch mode) and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """The embedded default: enforce foreign keys (ON DELETE CASCADE works as on PostgreSQL),
    write-ahead log so readers never wait for a writer, fsync at checkpoints only."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _limiter_key() -> str:
    # Imported here: the key function runs per request, after the app is set up.
    from app.ratelimit import client_key

    return client_key()


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
socketio = SocketIO()
babel = Babel()
limiter = Limiter(key_func=_limiter_key, default_limits=[])


def include_in_migrations(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object: skip tables a feature manages by hand (such as a full-text
    index and its shadow tables), listed by prefix in metadata.info."""
    prefixes = tuple(Base.metadata.info.get("unmanaged_table_prefixes", ()))
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
    return not (prefixes and reflected and compare_to is None and str(table or "").startswith(prefixes))
