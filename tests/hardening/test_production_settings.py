"""Issue 15: production mode refuses to start with weak settings (a short, public or development
secret key, DEBUG on, a wildcard host) and with a cache each process keeps to itself, each with a
message that says what to do. Each case runs `manage.py check` in a new process, as a server would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

ROOT = Path(django_settings.BASE_DIR)

STRONG_KEY = "p2Xq8Lr7-Vb4Nm1Kc6Jw9Hz3Tg5Fd0Sa_Ye2Ui7Oo4Pp8Ll1Mm5Nn9Bb3Vv6Cc0Xx"
STRONG = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "umkm.banjarmasinkota.go.id",
    "CACHE_URL": "redis://127.0.0.1:6379/1",  # settings only: `check` does not contact Redis
}
# Anything of the caller's that these settings read is left out, so each case is what it says.
CLEARED = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CACHE_URL", "SINGLE_PROCESS", "DJANGO_ENV"}


def _check(**overrides: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(STRONG)
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_strong_production_configuration_starts():
    result = _check()
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": "x"}, "SECRET_KEY is too weak (1 characters)"),
        ({"SECRET_KEY": STRONG_KEY[:49]}, "SECRET_KEY is too weak (49 characters)"),
        ({"SECRET_KEY": "a" * 60}, "SECRET_KEY is too weak"),
        (
            {"SECRET_KEY": "development-only-key-never-used-in-production-000"},
            "SECRET_KEY is the development key",
        ),
        ({"SECRET_KEY": "django-insecure-" + STRONG_KEY}, "SECRET_KEY starts with 'django-insecure'"),
        ({"DEBUG": "true"}, "DEBUG is on in production mode"),
        ({"DEBUG": "1"}, "DEBUG is on in production mode"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS contains '*'"),
        ({"ALLOWED_HOSTS": "umkm.banjarmasinkota.go.id,*"}, "ALLOWED_HOSTS contains '*'"),
        ({"ALLOWED_HOSTS": ".id"}, "ALLOWED_HOSTS contains '.id'"),
        ({"ALLOWED_HOSTS": ".go.id"}, "ALLOWED_HOSTS contains '.go.id'"),
        ({"ALLOWED_HOSTS": "."}, "ALLOWED_HOSTS contains '.'"),
    ],
    ids=[
        "one-character-key",
        "49-character-key",
        "one-repeated-character",
        "development-key",
        "django-insecure-key",
        "debug-true",
        "debug-1",
        "star-host",
        "star-among-hosts",
        "top-level-domain",
        "public-domain",
        "lone-dot",
    ],
)
def test_production_refuses_a_weak_setting_with_a_clear_message(overrides, message):
    result = _check(**overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_a_leading_dot_for_the_city_s_own_domain_is_allowed():
    result = _check(ALLOWED_HOSTS=".banjarmasinkota.go.id")
    assert result.returncode == 0, result.stderr


def test_production_refuses_the_local_memory_cache_unless_told_it_runs_one_process():
    refused = _check(CACHE_URL=None)
    assert refused.returncode != 0
    assert "needs a cache shared by every process" in refused.stderr
    assert "CACHE_URL=redis://" in refused.stderr and "SINGLE_PROCESS=true" in refused.stderr
    assert _check(CACHE_URL="locmemcache://", SINGLE_PROCESS="false").returncode != 0
    single = _check(CACHE_URL=None, SINGLE_PROCESS="true")
    assert single.returncode == 0, single.stderr


def test_production_refuses_a_cache_that_keeps_nothing():
    result = _check(CACHE_URL="dummycache://", SINGLE_PROCESS="true")
    assert result.returncode != 0
    assert "limits would never count" in result.stderr


def test_development_mode_keeps_starting_with_no_settings_at_all():
    result = _check(DJANGO_ENV=None, SECRET_KEY=None, ALLOWED_HOSTS=None, CACHE_URL=None)
    assert result.returncode == 0, result.stderr
