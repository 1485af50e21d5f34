"""/healthz and /readyz: what a load balancer and an uptime monitor see, for each dependency down."""

from __future__ import annotations

import datetime
import socket
import time

import pytest
import redis
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from pembinaan.jobs.models import Worker
from pembinaan.ops import selectors

DATABASE_ENGINE = {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "jobs"]}
RQ_ENGINE = {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "jobs"]}
# Port 1 on the loopback: nothing listens there, a connection is refused at once.
CLOSED_PORT = 1


@pytest.fixture(autouse=True)
def _fresh_migration_answer():
    selectors.MIGRATIONS_CACHE.clear()
    yield
    selectors.MIGRATIONS_CACHE.clear()


def _readyz(client: Client | None = None):
    response = (client or Client()).get("/readyz")
    return response, response.json()


def _postgres_at(monkeypatch, port: int) -> None:
    """New connections to "default" go to a PostgreSQL server on 127.0.0.1:`port` (the test's own,
    already open connection is untouched)."""
    current = connections.settings["default"]
    monkeypatch.setitem(
        connections.settings,
        "default",
        {
            **current,
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "portal",
            "USER": "portal",
            "PASSWORD": "rahasia",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "OPTIONS": {},
        },
    )


def _worker(seen_seconds_ago: float) -> Worker:
    seen = timezone.now() - datetime.timedelta(seconds=seen_seconds_ago)
    return Worker.objects.create(
        name="server-1:4242", backend="database", queues="default,jobs", started_at=seen, last_seen_at=seen
    )


# --- /healthz ----------------------------------------------------------------------------------


def test_healthz_says_the_process_is_alive_without_touching_the_database():
    # No django_db mark: any query here would fail the test.
    client = Client()

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert client.head("/healthz").status_code == 200


def test_healthz_refuses_a_post():
    assert Client().post("/healthz").status_code == 405


# --- /readyz: all well ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_readyz_is_200_with_one_entry_per_check_when_all_pass():
    response, body = _readyz()

    assert response.status_code == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "migrations", "tasks", "worker"}
    assert all(check["status"] == "ok" for check in body["checks"].values())
    assert body["checks"]["migrations"]["pending"] == 0
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_with_the_database_engine_is_200_while_a_worker_reports(settings):
    settings.TASKS = {"default": DATABASE_ENGINE}
    _worker(seen_seconds_ago=10)

    response, body = _readyz()

    assert response.status_code == 200
    assert body["checks"]["tasks"] == {
        "status": "ok",
        "engine": "database",
        "ms": body["checks"]["tasks"]["ms"],
    }
    assert body["checks"]["worker"]["age_seconds"] == 10


# --- /readyz: one dependency down at a time ----------------------------------------------------------


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_refuses_connections(monkeypatch):
    _postgres_at(monkeypatch, CLOSED_PORT)

    response, body = _readyz()

    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["database"]["status"] == "fail"
    # The checks that need the database are not run against a database that is not there.
    assert body["checks"]["migrations"]["status"] == "skipped"
    # The page is public: no server address, user name or driver message in it.
    text = response.content.decode()
    assert "127.0.0.1" not in text and "portal" not in text and "refused" not in text


@pytest.mark.django_db
def test_readyz_is_503_within_the_timeout_when_the_database_accepts_and_never_answers(monkeypatch, settings):
    settings.HEALTH_CHECK_TIMEOUT = 0.5
    # A server that takes the connection (the kernel completes it) and then says nothing.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    _postgres_at(monkeypatch, silent.getsockname()[1])
    try:
        started = time.monotonic()
        response, body = _readyz()
        took = time.monotonic() - started
    finally:
        silent.close()  # the stuck probe gets its answer (a reset) and ends

    assert response.status_code == 503
    assert body["checks"]["database"]["error"] == "timeout"
    assert took < 2


@pytest.mark.django_db
def test_readyz_is_503_when_a_cache_points_at_a_redis_that_is_not_there(settings):
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{CLOSED_PORT}/2",
        },
    }

    response, body = _readyz()

    assert response.status_code == 503
    assert body["checks"]["cache"]["status"] == "fail"
    assert body["checks"]["cache"]["caches"] == {"default": "ok", "shared": "fail"}


@pytest.mark.django_db
def test_readyz_is_503_when_a_cache_answers_every_read_with_a_miss(settings):
    # What a fail-open cache does while Redis is down: no error, nothing stored.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    response, body = _readyz()

    assert response.status_code == 503
    assert body["checks"]["cache"]["caches"] == {"default": "fail"}


@pytest.mark.django_db
def test_readyz_is_503_while_a_migration_is_not_applied(monkeypatch):
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("plan", False)])

    response, body = _readyz()

    assert response.status_code == 503
    assert body["checks"]["migrations"] == {
        "status": "fail",
        "pending": 1,
        "ms": body["checks"]["migrations"]["ms"],
    }


@pytest.mark.django_db
def test_readyz_is_503_when_the_last_worker_heartbeat_is_stale(settings):
    settings.TASKS = {"default": DATABASE_ENGINE}
    _worker(seen_seconds_ago=settings.JOB_STALE_SECONDS + 60)

    response, body = _readyz()

    assert response.status_code == 503
    assert body["checks"]["worker"]["status"] == "fail"
    assert body["checks"]["worker"]["age_seconds"] == settings.JOB_STALE_SECONDS + 60


@pytest.mark.django_db
def test_readyz_is_503_when_the_engine_needs_a_worker_and_none_ever_reported(settings):
    settings.TASKS = {"default": DATABASE_ENGINE}

    response, body = _readyz()

    assert response.status_code == 503
    assert body["checks"]["worker"]["status"] == "fail"


@pytest.mark.django_db
def test_readyz_needs_no_worker_when_tasks_run_in_the_web_process(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    response, body = _readyz()

    assert response.status_code == 200
    assert body["checks"]["worker"]["needed"] is False


@pytest.mark.django_db
def test_readyz_is_503_when_the_rq_engine_cannot_reach_redis(settings):
    settings.TASKS = {"default": RQ_ENGINE}
    settings.REDIS_URL = f"redis://127.0.0.1:{CLOSED_PORT}/2"
    _worker(seen_seconds_ago=5)

    response, body = _readyz()

    assert response.status_code == 503
    assert body["checks"]["tasks"]["status"] == "fail"
    assert body["checks"]["tasks"]["error"] == "ConnectionError"


@pytest.mark.django_db
def test_readyz_with_the_rq_engine_is_200_when_redis_answers(settings):
    # .ci/run starts Redis on 127.0.0.1:6379 (database 2 is this test's).
    settings.TASKS = {"default": RQ_ENGINE}
    settings.REDIS_URL = "redis://127.0.0.1:6379/2"
    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()  # fails, never skips, without Redis
    _worker(seen_seconds_ago=5)

    response, body = _readyz()

    assert response.status_code == 200, body
    assert body["checks"]["tasks"]["engine"] == "rq"


# --- how it answers -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_migration_graph_is_built_once_for_many_polls_then_again_after_a_while(monkeypatch, settings):
    builds = []
    real = selectors._pending_migrations

    def counted() -> int:
        builds.append(1)
        return real()

    monkeypatch.setattr(selectors, "_pending_migrations", counted)
    client = Client()
    for _ in range(5):
        assert client.get("/readyz").status_code == 200
    assert len(builds) == 1

    selectors.MIGRATIONS_CACHE["checked_at"] -= settings.HEALTH_MIGRATIONS_CACHE_SECONDS
    client.get("/readyz")
    assert len(builds) == 2


@pytest.mark.django_db
def test_a_503_from_readyz_is_not_logged_as_a_server_error(settings, caplog):
    settings.TASKS = {"default": DATABASE_ENGINE}  # and no worker: 503

    with caplog.at_level("INFO"):
        response, _body = _readyz()

    assert response.status_code == 503
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    # The request line and the failing check's warning are there.
    assert [r for r in caplog.records if r.name == "portal.requests" and r.status == 503]


@pytest.mark.django_db
def test_the_probes_answer_over_plain_http_when_the_site_redirects_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # made after the change: the middleware reads it when it starts

    assert client.get("/kemajuan/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.head("/readyz").status_code == 200
