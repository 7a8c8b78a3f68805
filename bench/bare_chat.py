"""The bare baseline for bench/chat_load.py: a minimal Flask-SocketIO app that does the
least a chat must do per message: store it (one INSERT, one commit), acknowledge, emit to
the room. It speaks the same protocol subset as Hulpmix's /chat, so one load script
drives both. Run: gunicorn -k gevent -w 1 -b 127.0.0.1:8101 bench.bare_chat:app
"""

from __future__ import annotations

import os
import time

import sqlalchemy as sa
from flask import Flask, request
from flask_socketio import SocketIO, join_room

DATABASE_URL = os.environ.get("BARE_DATABASE_URL", "sqlite:////tmp/bare_chat.db")
engine = sa.create_engine(DATABASE_URL, pool_size=20, max_overflow=40)
if DATABASE_URL.startswith("sqlite"):
    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        # The same settings as Hulpmix's embedded default: WAL, fsync at checkpoints only.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
metadata = sa.MetaData()
messages = sa.Table(
    "bare_messages", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("room", sa.String(64)),
    sa.Column("client_id", sa.String(64)),
    sa.Column("body", sa.Text),
    sa.Column("created_at", sa.Float),
)
metadata.drop_all(engine)
metadata.create_all(engine)

app = Flask(__name__)
app.config["SECRET_KEY"] = "bench"  # noqa: S105 - a local benchmark
socketio = SocketIO(app, async_mode=os.environ.get("SOCKETIO_ASYNC_MODE", "gevent"))
rooms: dict[str, str] = {}


@socketio.on("connect", namespace="/chat")
def connect(auth=None):
    # The token names the room: the baseline has no accounts or participants.
    token = (auth or {}).get("token", "")
    room = token.split(":", 1)[0]
    rooms[request.sid] = room
    join_room(room)


@socketio.on("disconnect", namespace="/chat")
def disconnect(reason=None):
    rooms.pop(request.sid, None)


@socketio.on("join", namespace="/chat")
def join(data):
    return {"ok": True, "messages": []}


@socketio.on("send", namespace="/chat")
def send(data):
    room = rooms.get(request.sid)
    with engine.begin() as conn:
        new_id = conn.execute(messages.insert().values(room=room, client_id=data["client_id"], body=data["body"],
                                                       created_at=time.time())).inserted_primary_key[0]
    payload = {"conversation_id": data["conversation_id"], "seq": new_id, "client_id": data["client_id"],
               "body": data["body"], "side": "x"}
    socketio.emit("message", payload, to=room, namespace="/chat")
    return {"ok": True, "seq": new_id}
