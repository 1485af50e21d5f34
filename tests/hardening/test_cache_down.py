"""Issue 15: Redis as the shared cache. While Redis is down or hangs the portal still serves pages,
quickly, and its per-IP limits let posts through with a logged warning; while it runs, a limit holds
across processes (each with its own connection), as gunicorn workers and servers share it.

The Redis-up tests use the local Redis (127.0.0.1:6379, database 1: REDIS_CACHE_TEST_URL); they fail,
never skip, when it is missing (.ci/run starts it).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from pembinaan.lib.cache import FailOpenRedisCache
from pembinaan.progress.models import Target
from pembinaan.progress.services import rebuild
from tests.hardening.servers import closed_port, silent_server

pytestmark = pytest.mark.django_db

ROOT = Path(django_settings.BASE_DIR)
REDIS_CACHE_TEST_URL = os.environ.get("REDIS_CACHE_TEST_URL", "redis://127.0.0.1:6379/1")
# What a page may take while Redis is away: one CACHE_TIMEOUT_SECONDS (0.5 s here) at most, and
# the page's own work; a portal that waited on Redis for each call would take several seconds.
PAGE_BOUND_SECONDS = 2.0
# A window no test run crosses, so both processes count in the same one.
ONE_WINDOW = 10**9
PAGES = ["accounts:login", "progress:public-progress", "progress:api-progress"]


def _use_redis(settings, url: str, *, retry_seconds: float = 5) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "pembinaan.lib.cache.FailOpenRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_SECONDS": retry_seconds},
        }
    }


def _timed_get(client: Client, name: str):
    started = time.perf_counter()
    response = client.get(reverse(name))
    return response, time.perf_counter() - started


def _login_post(client: Client, **extra):
    return client.post(
        reverse("accounts:login"), {"username": "siapa@contoh.test", "password": "salah"}, **extra
    )


def _cache_warnings(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "pembinaan.lib.cache" and r.levelno == logging.WARNING
    ]


@pytest.fixture
def figures(db):
    """The progress figures built, so that /kemajuan/ and the API keep their payload in the cache."""
    rebuild(Target.primary())


# --- Redis down -------------------------------------------------------------------------------------


@pytest.mark.parametrize("retry_seconds", [5, 0], ids=["pausing-after-a-failure", "trying-every-call"])
def test_pages_answer_quickly_while_nothing_listens_on_the_redis_port(
    settings, caplog, figures, retry_seconds
):
    _use_redis(settings, f"redis://127.0.0.1:{closed_port()}/1", retry_seconds=retry_seconds)
    client = Client()
    for name in PAGES:
        response, seconds = _timed_get(client, name)
        assert response.status_code == 200, name
        assert seconds < PAGE_BOUND_SECONDS, (name, seconds)
    assert _cache_warnings(caplog)  # the pages did ask the cache


def test_pages_answer_within_the_cache_timeout_while_redis_accepts_and_never_answers(
    settings, caplog, figures
):
    with silent_server() as port:
        _use_redis(settings, f"redis://127.0.0.1:{port}/1")
        client = Client()
        for _round in range(2):
            for name in PAGES:
                response, seconds = _timed_get(client, name)
                assert response.status_code == 200, name
                assert seconds < PAGE_BOUND_SECONDS, (name, seconds)
    assert _cache_warnings(caplog)


def test_a_hung_redis_costs_one_timeout_and_not_one_per_call(settings, figures):
    with silent_server() as port:
        _use_redis(settings, f"redis://127.0.0.1:{port}/1")
        client = Client()
        started = time.perf_counter()
        for _ in range(10):
            assert client.get(reverse("progress:api-progress")).status_code == 200
        # Ten pages, several cache calls each: waiting 0.5 s on each call would take many seconds.
        assert time.perf_counter() - started < PAGE_BOUND_SECONDS


@pytest.mark.parametrize("hangs", [False, True], ids=["refused", "hanging"])
def test_rate_limited_posts_go_through_with_one_warning_while_redis_is_down(settings, caplog, hangs):
    settings.LOGIN_RATE_LIMIT = 1
    settings.AXES_ENABLED = False  # only the per-IP limit is under test
    caplog.set_level(logging.WARNING, logger="pembinaan.lib.cache")
    with silent_server() as port:
        _use_redis(settings, f"redis://127.0.0.1:{port if hangs else closed_port()}/1")
        client = Client()
        for _ in range(5):  # over the limit of one, but nothing can count them
            response = _login_post(client)
            assert response.status_code == 200
            assert "kata sandi salah" in response.content.decode()
    warnings = _cache_warnings(caplog)
    # One warning when the outage starts, not one per request.
    assert len(warnings) == 1, warnings
    assert "unreachable" in warnings[0] and "rate limits not enforced" in warnings[0]
    assert "127.0.0.1" in warnings[0]


def test_a_password_in_the_redis_url_never_reaches_the_log(settings, caplog, figures):
    caplog.set_level(logging.WARNING, logger="pembinaan.lib.cache")
    _use_redis(settings, f"redis://:rahasia-redis@127.0.0.1:{closed_port()}/1")
    assert Client().get(reverse("progress:api-progress")).status_code == 200
    warnings = _cache_warnings(caplog)
    assert warnings and not any("rahasia-redis" in w for w in warnings)


def test_lockouts_hold_while_redis_is_down_because_axes_keeps_them_in_the_database(settings, staff_user):
    # django-axes counts failures with its database handler; nothing of it lives in the cache.
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    _use_redis(settings, f"redis://127.0.0.1:{closed_port()}/1")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": staff_user.email, "password": "salah"})
    response = client.post(
        reverse("accounts:login"), {"username": staff_user.email, "password": "rahasia-uji-123"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


# --- Redis up: one count for every process ------------------------------------------------------


@pytest.fixture
def redis_db():
    """The test Redis database, emptied before and after (database 1 belongs to these tests)."""
    import redis

    client = redis.Redis.from_url(REDIS_CACHE_TEST_URL, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(f"Redis is not running at {REDIS_CACHE_TEST_URL} (.ci/run starts it): {exc}")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def test_two_cache_clients_count_one_limit_together(redis_db):
    # Two backend objects, two connection pools: what two gunicorn workers have.
    first = FailOpenRedisCache(REDIS_CACHE_TEST_URL, {})
    second = FailOpenRedisCache(REDIS_CACHE_TEST_URL, {})
    key = f"rate:test:{uuid.uuid4().hex}"
    assert first.add(key, 0, timeout=60)
    assert not second.add(key, 0, timeout=60)
    assert [first.incr(key), second.incr(key), first.incr(key), second.incr(key)] == [1, 2, 3, 4]
    assert second.get(key) == 4


def test_the_cache_is_used_again_once_redis_answers_and_the_log_says_so(redis_db, caplog, monkeypatch):
    import redis

    def unreachable(*args, **kwargs):
        raise redis.ConnectionError("Redis mati")

    caplog.set_level(logging.INFO, logger="pembinaan.lib.cache")
    cache = FailOpenRedisCache(REDIS_CACHE_TEST_URL, {"OPTIONS": {"RETRY_SECONDS": 0}})
    cache.set("kunci", "nilai")
    monkeypatch.setattr(cache._cache, "get_client", unreachable)
    assert cache.get("kunci", "kosong") == "kosong"  # down: a miss
    monkeypatch.undo()
    assert cache.get("kunci") == "nilai"  # back: what was stored before
    messages = [r.getMessage() for r in caplog.records if r.name == "pembinaan.lib.cache"]
    assert any("unreachable" in m for m in messages)
    assert any("answers again" in m for m in messages)


def _count_login_in_another_process(address: str) -> bool:
    """One login post counted by a separate Python process, as another gunicorn worker would."""
    code = (
        "import django; django.setup(); "
        "from django.test import RequestFactory; "
        "from pembinaan.accounts.login_limit import login_over_limit; "
        f"request = RequestFactory().post('/akun/masuk/', REMOTE_ADDR={address!r}); "
        "import json; print(json.dumps(login_over_limit(request)))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "umkm_portal.settings",
        "CACHE_URL": REDIS_CACHE_TEST_URL,
        "LOGIN_RATE_LIMIT": "3",
        "LOGIN_RATE_WINDOW_SECONDS": str(ONE_WINDOW),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_login_limit_holds_across_processes_sharing_redis(settings, redis_db):
    settings.LOGIN_RATE_LIMIT = 3
    settings.LOGIN_RATE_WINDOW_SECONDS = ONE_WINDOW
    settings.AXES_ENABLED = False
    settings.CACHES = {
        "default": {
            "BACKEND": "pembinaan.lib.cache.FailOpenRedisCache",
            "LOCATION": REDIS_CACHE_TEST_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    address = "198.51.100.23"
    client = Client(REMOTE_ADDR=address)
    assert _login_post(client).status_code == 200  # 1 in this process
    assert _login_post(client).status_code == 200  # 2
    assert _count_login_in_another_process(address) is False  # 3, counted by the other process
    response = _login_post(client)  # 4: over the limit of 3, whichever process counted the rest
    assert response.status_code == 429
    # Someone else, elsewhere, is not affected.
    assert _login_post(Client(REMOTE_ADDR="198.51.100.24")).status_code == 200


def test_a_redis_cache_url_selects_django_s_redis_backend_with_short_timeouts():
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "from django.core.cache import caches; "
        "print(json.dumps([settings.CACHES['default'], type(caches['default']).__mro__[1].__module__]))"
    )
    env = {**os.environ, "CACHE_URL": "redis://127.0.0.1:6379/1", "CACHE_TIMEOUT_SECONDS": "0.75"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    config, parent_module = json.loads(result.stdout.strip().splitlines()[-1])
    assert config["BACKEND"] == "pembinaan.lib.cache.FailOpenRedisCache"
    assert parent_module == "django.core.cache.backends.redis"
    assert config["LOCATION"] == "redis://127.0.0.1:6379/1"
    assert config["OPTIONS"]["socket_connect_timeout"] == 0.75
    assert config["OPTIONS"]["socket_timeout"] == 0.75
