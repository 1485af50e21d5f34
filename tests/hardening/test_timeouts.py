"""Issue 15: database timeouts. A database host that accepts and never answers fails a request
within DB_CONNECT_TIMEOUT; a statement running past DB_STATEMENT_TIMEOUT_MS is cancelled; the task
worker runs with its own, longer WORKER_STATEMENT_TIMEOUT_MS.

The statement timeouts are PostgreSQL's and run on the PostgreSQL pass (`DATABASE_URL=postgres://…`,
as .ci/run does); SQLite has no server to wait on and no statement timeout, so they are skipped on
the SQLite pass. The connect timeout needs only the PostgreSQL driver and runs on both passes.
(Email's EMAIL_TIMEOUT and the gateways' MESSAGE_TIMEOUT are tested with hanging servers in
tests/accounts/test_password_reset_mail.py and tests/notifications/test_channels.py.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from tests.hardening.servers import silent_server
from tests.workers import database_url

ROOT = Path(django_settings.BASE_DIR)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="statement timeouts are PostgreSQL's; run with DATABASE_URL=postgres://… (.ci/run does)",
)


def _python(code: str, **env_extra: str) -> tuple[subprocess.CompletedProcess, float]:
    """Run `code` after django.setup() in a new process with these settings; its result and seconds."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DB_STATEMENT_TIMEOUT_MS", "WORKER_STATEMENT_TIMEOUT_MS", "DB_CONNECT_TIMEOUT"}
    }
    env.update(env_extra, DJANGO_SETTINGS_MODULE="umkm_portal.settings")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result, time.perf_counter() - started


def test_a_database_host_that_accepts_and_never_answers_fails_within_the_connect_timeout():
    code = "from django.db import connection\nconnection.ensure_connection()\n"
    with silent_server() as port:
        result, seconds = _python(
            code, DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/portal", DB_CONNECT_TIMEOUT="2"
        )
    assert result.returncode != 0
    assert "timeout expired" in result.stderr
    # Two seconds of connect timeout, plus starting Python and Django (about a second here).
    assert seconds < 2 + 4, seconds


@postgresql_only
@pytest.mark.django_db
def test_web_connections_carry_the_statement_timeout_from_the_settings():
    with connection.cursor() as cursor:
        cursor.execute("SELECT setting FROM pg_settings WHERE name = 'statement_timeout'")
        assert int(cursor.fetchone()[0]) == django_settings.DB_STATEMENT_TIMEOUT_MS == 30_000


@postgresql_only
@pytest.mark.django_db
def test_a_statement_longer_than_the_web_timeout_is_cancelled_not_waited_for():
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SELECT pg_sleep(10)')\n"
    )
    result, seconds = _python(code, DATABASE_URL=database_url(), DB_STATEMENT_TIMEOUT_MS="500")
    assert result.returncode != 0
    assert "canceling statement due to statement timeout" in result.stderr
    assert seconds < 5, seconds


WORKER_PROBE = """
from unittest import mock
from django.core.management import call_command
from django.db import connection

def engine(*args, **kwargs):  # stands in for db_worker / rqworker: one long statement, as a job would
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(1.5)")
        cursor.execute("SELECT setting FROM pg_settings WHERE name = 'statement_timeout'")
        print("worker statement_timeout", cursor.fetchone()[0])

with mock.patch("pembinaan.jobs.management.commands.worker.call_command", engine):
    call_command("worker", "--batch", "--no-upkeep")
"""


@postgresql_only
@pytest.mark.django_db
def test_the_worker_runs_long_statements_under_its_own_timeout():
    result, _seconds = _python(
        WORKER_PROBE,
        DATABASE_URL=database_url(),
        DB_STATEMENT_TIMEOUT_MS="500",
        WORKER_STATEMENT_TIMEOUT_MS="600000",
    )
    assert result.returncode == 0, result.stderr
    assert "worker statement_timeout 600000" in result.stdout


@postgresql_only
@pytest.mark.django_db
def test_the_worker_s_statement_timeout_cancels_a_statement_longer_than_it():
    result, seconds = _python(
        WORKER_PROBE,
        DATABASE_URL=database_url(),
        DB_STATEMENT_TIMEOUT_MS="600000",
        WORKER_STATEMENT_TIMEOUT_MS="500",
    )
    assert result.returncode != 0
    assert "canceling statement due to statement timeout" in result.stderr
    assert seconds < 5, seconds


def test_management_commands_other_than_runserver_run_without_the_web_statement_timeout():
    # A migration or an import of 100,000 rows may rightly run for minutes (manage.py).
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.DB_STATEMENT_TIMEOUT_MS)",
        ],
        cwd=django_settings.BASE_DIR,
        env={k: v for k, v in os.environ.items() if k not in {"DB_STATEMENT_TIMEOUT_MS", "PORTAL_PROCESS"}},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1] == "0", result.stderr
    served = subprocess.run(
        [
            sys.executable,
            "-c",
            "import umkm_portal.wsgi; from django.conf import settings; print(settings.DB_STATEMENT_TIMEOUT_MS)",
        ],
        cwd=django_settings.BASE_DIR,
        env={k: v for k, v in os.environ.items() if k not in {"DB_STATEMENT_TIMEOUT_MS", "PORTAL_PROCESS"}},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert served.stdout.strip().splitlines()[-1] == "30000", served.stderr
