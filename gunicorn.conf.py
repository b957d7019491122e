"""gunicorn's settings, read from the working directory by `gunicorn app:server` (Procfile).

Threaded workers, so one slow client or a slow report build ties up a thread, not a whole
worker; a buffering reverse proxy (nginx) in front takes slow clients off the app altogether
(README: "Running in production"). Workers and the port come from the environment, as on Heroku
and similar hosts: WEB_CONCURRENCY (default 2) and PORT (default: 127.0.0.1:8000).
"""

import os

wsgi_app = "app:server"

# A process each; the app is imported after the fork, so every worker has its own database
# engine and connection pool (STYLE.md section 3: no preload_app without engine.dispose).
workers = int(os.environ.get("WEB_CONCURRENCY") or 2)
worker_class = "gthread"
threads = 4  # per worker; each needs at most one pooled connection (SQLAlchemy's pool is 5 + 10)

_port = os.environ.get("PORT")
bind = [f"0.0.0.0:{_port}"] if _port else ["127.0.0.1:8000"]

timeout = 30  # a worker whose main loop is silent this long is killed and replaced
graceful_timeout = 30  # on a restart or deploy, requests in flight get this long to finish
keepalive = 5  # seconds an idle kept-alive connection (the proxy's) stays open

# Errors to stderr; the access log is off (the proxy keeps one). To turn it on:
# GUNICORN_CMD_ARGS="--access-logfile -".
accesslog = None
errorlog = "-"
loglevel = "info"
