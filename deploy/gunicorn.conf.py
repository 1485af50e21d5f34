"""gunicorn's settings for the portal: `gunicorn --config deploy/gunicorn.conf.py umkm_portal.wsgi`.

The systemd unit (deploy/systemd/umkm-portal.service) starts it this way behind nginx, on the socket
systemd holds (deploy/systemd/umkm-portal.socket), so a restart drops no connection. Every value
below can be changed in the environment file (/etc/umkm-portal/portal.env) by the variable named
beside it; the defaults suit a server of 2-4 cores with 2-4 GB of memory.
"""

import multiprocessing
import os


def _number(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


# Started by hand (no socket from systemd): the loopback only, nginx in front. With the systemd
# socket this is not used; gunicorn takes the socket systemd passes it.
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]

# Synchronous workers: every request is short (long exports and imports are background jobs), and
# nginx buffers slow clients, so a worker never waits on one. Two per core and one more is
# gunicorn's own advice; capped, as each worker holds ~150 MB and a database connection.
workers = _number("GUNICORN_WORKERS", min(multiprocessing.cpu_count() * 2 + 1, 12))
worker_class = "sync"

# A request still running after this many seconds is killed with its worker. Longer than any page
# needs (the database cancels a statement after DB_STATEMENT_TIMEOUT_MS, 30 s) and shorter than
# nginx's proxy_read_timeout (60 s), so the visitor gets nginx's 502/504 page, not a hang.
timeout = _number("GUNICORN_TIMEOUT", 45)
# On restart or reload, a worker may finish the request in hand for this long; systemd waits longer
# (TimeoutStopSec=40 in the unit) before it kills anything.
graceful_timeout = _number("GUNICORN_GRACEFUL_TIMEOUT", 30)
# nginx is the only client; a short keep-alive frees the worker soon after a response.
keepalive = 5

# A worker is replaced after this many requests (±jitter, so they are not all replaced at once):
# whatever memory a worker gathers over days is given back.
max_requests = _number("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _number("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Request lines and headers: gunicorn's limits, stated so that nobody has to look them up. nginx
# refuses larger ones before they get here.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# The workers' heartbeat files in memory, not on a disk that may stall under load (then gunicorn
# would take live workers for hung ones).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Logs to standard error, which systemd sends to journald (`journalctl -u umkm-portal`). The portal
# writes its own line per request (with the request id, user id, status and duration), so gunicorn's
# access log is off unless GUNICORN_ACCESS_LOG names a file or "-".
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
proc_name = "umkm-portal"
