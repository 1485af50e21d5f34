"""What /readyz reports: can this web process serve pages and hand work to the workers right now?

Each check answers {"status": "ok" | "fail" | "skipped", ...} with how long it took. A check that
talks to another server runs in a thread of its own with a deadline (HEALTH_CHECK_TIMEOUT), so that
a database or Redis that accepts connections and never answers makes /readyz say so in two
seconds instead of hanging like every other page. The answers hold no personal data and no server
addresses or error texts (the page is public): those go to the log.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Max
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pembinaan.jobs.models import Worker

logger = logging.getLogger(__name__)

T = TypeVar("T")

OK, FAIL, SKIPPED = "ok", "fail", "skipped"
# Probe threads still waiting on a server that does not answer are left to finish on their own; at
# most this many per process, so that /readyz polled during an outage cannot pile up threads.
MAX_PROBES_IN_FLIGHT = 8
_probes_in_flight = threading.BoundedSemaphore(MAX_PROBES_IN_FLIGHT)

# Building the migration graph reads every migration file (see README: tens of milliseconds to
# well over a hundred); a load balancer asks every few seconds, so the answer is kept a while.
# {"checked_at": monotonic seconds, "pending": count}; empty until the first check.
MIGRATIONS_CACHE: dict[str, float | int] = {}
_migrations_lock = threading.Lock()

# Engines of settings.TASKS whose tasks wait for a worker process (by backend class name).
ENGINES = {"DatabaseBackend": "database", "RQBackend": "rq", "ImmediateBackend": "immediate"}
NEEDS_WORKER = {"database", "rq"}


class ProbeTimeout(Exception):
    """The server did not answer within HEALTH_CHECK_TIMEOUT."""


def _within_deadline(probe: Callable[[], T]) -> T:
    """`probe()` run in its own thread; ProbeTimeout if it has not answered in time."""
    if not _probes_in_flight.acquire(blocking=False):
        raise ProbeTimeout("earlier probes are still waiting for an answer")
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = probe()
        except BaseException as exc:  # handed back to the caller below
            outcome["error"] = exc
        finally:
            _probes_in_flight.release()

    thread = threading.Thread(target=run, name="readyz-probe", daemon=True)
    thread.start()
    thread.join(settings.HEALTH_CHECK_TIMEOUT)
    if thread.is_alive():
        raise ProbeTimeout(f"no answer within {settings.HEALTH_CHECK_TIMEOUT} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _timed(name: str, check: Callable[[], dict]) -> dict:
    started = time.perf_counter()
    try:
        result = check()
    except Exception as exc:  # any failure is a failed check, never a 500
        logger.warning("Readiness check %s failed: %s: %s", name, type(exc).__name__, exc)
        result = {"status": FAIL, "error": "timeout" if isinstance(exc, ProbeTimeout) else type(exc).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


# --- the checks ------------------------------------------------------------------------------


def _database() -> dict:
    def probe() -> None:
        # A connection of its own, made and closed in the probe's thread: the request's connection
        # cannot be shared across threads, and a stuck probe must not hold it.
        own = connections.create_connection("default")
        try:
            with own.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        finally:
            own.close()

    _within_deadline(probe)
    return {"status": OK}


def _cache() -> dict:
    """Every configured cache stores and returns a value. A cache that fails open (Redis down,
    pembinaan.lib.cache) answers a miss instead of raising: a wrong answer counts as a failure."""
    answers = {}
    for alias in settings.CACHES:
        cache = caches[alias]
        key, value = f"readyz:{secrets.token_hex(8)}", secrets.token_hex(8)

        def probe(cache=cache, key=key, value=value) -> bool:
            cache.set(key, value, timeout=30)
            try:
                return cache.get(key) == value
            finally:
                cache.delete(key)

        try:
            read_back = _within_deadline(probe)
        except Exception as exc:  # a cache that fails is a failed check
            logger.warning("Readiness check cache %s failed: %s: %s", alias, type(exc).__name__, exc)
            read_back = False
        else:
            if not read_back:
                logger.warning("Readiness check cache %s failed: a value stored was not read back", alias)
        answers[alias] = OK if read_back else FAIL
    status = OK if all(answer == OK for answer in answers.values()) else FAIL
    return {"status": status, "caches": answers}


def _pending_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _migrations() -> dict:
    with _migrations_lock:
        now = time.monotonic()
        checked_at = MIGRATIONS_CACHE.get("checked_at")
        if checked_at is None or now - checked_at >= settings.HEALTH_MIGRATIONS_CACHE_SECONDS:
            MIGRATIONS_CACHE.update(checked_at=now, pending=_pending_migrations())
        pending = int(MIGRATIONS_CACHE["pending"])
    return {"status": OK if pending == 0 else FAIL, "pending": pending}


def task_engine() -> str:
    """The engine settings.TASKS names: "database", "rq", "immediate" or the backend's class name."""
    backend = settings.TASKS["default"]["BACKEND"].rsplit(".", 1)[-1]
    return ENGINES.get(backend, backend)


def _task_queue(engine: str, *, database_ok: bool) -> dict:
    if engine == "database":
        if not database_ok:
            return {"status": SKIPPED, "engine": engine}
        DBTaskResult.objects.exists()
    elif engine == "rq":

        def ping() -> None:
            timeout = settings.HEALTH_CHECK_TIMEOUT
            client = redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout
            )
            try:
                client.ping()
            finally:
                client.close()

        _within_deadline(ping)
    return {"status": OK, "engine": engine}


def _worker(engine: str, *, database_ok: bool) -> dict:
    """The newest heartbeat of any worker (`manage.py worker` writes one every
    WORKER_UPKEEP_SECONDS) is younger than JOB_STALE_SECONDS; needed only by engines with workers."""
    if engine not in NEEDS_WORKER:
        return {"status": OK, "needed": False}
    if not database_ok:
        return {"status": SKIPPED, "needed": True}
    latest = Worker.objects.aggregate(latest=Max("last_seen_at"))["latest"]
    if latest is None:
        return {"status": FAIL, "needed": True, "error": "no worker has reported"}
    age = (timezone.now() - latest) / datetime.timedelta(seconds=1)
    fresh = age <= settings.JOB_STALE_SECONDS
    return {"status": OK if fresh else FAIL, "needed": True, "age_seconds": round(age)}


def readiness() -> dict:
    """All checks, and "ok" only when every one of them is."""
    checks = {"database": _timed("database", _database)}
    database_ok = checks["database"]["status"] == OK
    checks["cache"] = _timed("cache", _cache)
    if database_ok:
        checks["migrations"] = _timed("migrations", _migrations)
    else:
        checks["migrations"] = {"status": SKIPPED}
    engine = task_engine()
    checks["tasks"] = _timed("tasks", lambda: _task_queue(engine, database_ok=database_ok))
    checks["worker"] = _timed("worker", lambda: _worker(engine, database_ok=database_ok))
    status = OK if all(check["status"] == OK for check in checks.values()) else FAIL
    return {"status": status, "checks": checks}
