"""Real `manage.py worker` processes for the tests that exercise the queue (tests/jobs/test_workers.py)
and the browser journeys: started against the test database (the SQLite file or PostgreSQL) and
stopped, every one, at the end of the test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
BASE_DIR = Path(settings.BASE_DIR)


def database_url() -> str:
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    return f"postgres://{params['USER']}{password}@{host}:{params.get('PORT') or 5432}/{params['NAME']}"


class Workers:
    """Starts `manage.py worker` processes and stops every one of them at the end of the test."""

    def __init__(self, engine: str, media_root: Path, log_dir: Path):
        self.engine, self.media_root, self.log_dir = engine, media_root, log_dir
        self.processes: list[subprocess.Popen] = []
        self._logs: list = []

    def start(self, **extra_env: str) -> subprocess.Popen:
        """One more worker; `extra_env` adds settings of its own (a test gateway's address)."""
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "TASKS_BACKEND": self.engine,
            "REDIS_URL": REDIS_TEST_URL,
            "MEDIA_ROOT": str(self.media_root),
            "WORKER_UPKEEP_SECONDS": "1",
            "JOB_HEARTBEAT_SECONDS": "1",
            "JOB_STALE_SECONDS": "5",
            "PYTHONUNBUFFERED": "1",
            **extra_env,
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        log = open(self.log_dir / f"worker-{len(self.processes)}.log", "w")  # noqa: SIM115
        self._logs.append(log)
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "worker"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(path.read_text() for path in sorted(self.log_dir.glob("worker-*.log")))

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for log in self._logs:
            log.close()

    def restart_all(self, **extra_env: str) -> subprocess.Popen:
        """Stop every worker and start one with `extra_env`, so that no other takes its tasks."""
        self.stop_all()
        return self.start(**extra_env)
