"""Production mode: refuses unsafe starts and passes Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _check(env_extra: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "env_extra",
    [
        {"DJANGO_ENV": "production", "ALLOWED_HOSTS": "umkm.example.go.id"},
        {"DJANGO_ENV": "production", "SECRET_KEY": "x" * 60},
    ],
    ids=["no-secret-key", "no-allowed-hosts"],
)
def test_production_mode_refuses_to_start_without_secret_key_or_allowed_hosts(env_extra):
    result = _check(env_extra)
    assert result.returncode != 0
    assert "Production mode needs" in result.stderr


def test_production_settings_pass_the_deployment_checklist_without_warnings():
    result = _check(
        {
            "DJANGO_ENV": "production",
            "SECRET_KEY": "k8Jw2pQz9vXr4LmN7bT1cY6hF3dS0aGeU5iO-_ZxWqPoRtVbNmLkJhGfDsA",
            "ALLOWED_HOSTS": "umkm.example.go.id",
            # Production refuses the local-memory cache (issue 15); Redis is not contacted.
            "CACHE_URL": "redis://127.0.0.1:6379/1",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr + result.stdout
