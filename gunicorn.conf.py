"""gunicorn settings for production: one gevent worker per core, WebSockets included.

Run: `make serve` or `gunicorn -c gunicorn.conf.py wsgi:app`. Several workers need sticky
sessions (nginx ip_hash) and SOCKETIO_MESSAGE_QUEUE=redis://... so that they share events.
"""

import os

bind = os.environ.get("HULPMIX_BIND", "127.0.0.1:8000")
worker_class = "gevent"
workers = int(os.environ.get("HULPMIX_WORKERS", "1"))
# Above the peak number of open sockets per worker (counsellors, young people, observers).
worker_connections = int(os.environ.get("HULPMIX_WORKER_CONNECTIONS", "4000"))
timeout = 60
graceful_timeout = 30
keepalive = 5
accesslog = None  # access logs would hold young people's addresses: off by default
errorlog = "-"
loglevel = os.environ.get("HULPMIX_LOG_LEVEL", "info")
# gunicorn's control socket is one fixed path per user; several servers on one machine
# (tests, benchmarks, several apps) would fight over it. Nothing here uses it.
control_socket_disable = True
