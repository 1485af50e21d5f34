"""`python manage.py worker`: runs the portal's background tasks, and its upkeep.

It starts the worker of the configured engine (TASKS_BACKEND): django-tasks-db's `db_worker` for
the database backend, django-rq's `rqworker` for RQ on Redis. Beside it, a thread does the upkeep
every WORKER_UPKEEP_SECONDS: it records that this worker is alive (Admin Dinas's queue page), sends
again the jobs a dead worker left behind, and runs the chores the apps registered (outbox retries,
reminders, expiry of old files). Run as many as you like, on one server or several.

Signals: the first SIGTERM or Ctrl-C lets the task in hand finish, then the worker exits; a second
one stops it at once, and the job it held goes back to the queue (its work was rolled back).
"""

from __future__ import annotations

import logging
import os
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections, connections
from django.db.backends.signals import connection_created

from pembinaan.jobs.services import this_process, worker_seen
from pembinaan.jobs.upkeep import ChoreClock
from pembinaan.lib.tasks import JOBS_QUEUE, MESSAGES_QUEUE

logger = logging.getLogger(__name__)

# Held by the upkeep thread for a whole round, and taken before this process forks (RQ forks a
# work horse per job). A fork in the middle of a round would copy into the child a lock some
# library holds at that moment (a connection pool's, the logging module's, the database driver's)
# with no thread left to release it: the work horse would wait on it forever with its job RUNNING.
_ROUND = threading.Lock()
_fork_guarded = False


def _guard_forks() -> None:
    """No fork while an upkeep round runs; once per process (fork hooks cannot be removed)."""
    global _fork_guarded
    if not _fork_guarded and hasattr(os, "register_at_fork"):
        os.register_at_fork(
            before=_ROUND.acquire, after_in_parent=_ROUND.release, after_in_child=_ROUND.release
        )
        _fork_guarded = True


class Command(BaseCommand):
    help = "Jalankan pekerja latar belakang (ekspor, impor, email) beserta pemeliharaannya."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queues",
            default=f"{MESSAGES_QUEUE},{JOBS_QUEUE}",
            help="antrean yang dikerjakan, dipisah koma (bawaan: semua)",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="kerjakan semua yang antre, lalu berhenti",
        )
        parser.add_argument("--no-upkeep", action="store_true", help="tanpa utas pemeliharaan")

    def handle(self, *args, **options):
        _use_worker_statement_timeout()
        queues = [name.strip() for name in options["queues"].split(",") if name.strip()]
        name = this_process()
        stop = threading.Event()
        if not options["no_upkeep"]:
            _guard_forks()
            threading.Thread(
                target=_upkeep, args=(stop, name, ",".join(queues)), name="worker-upkeep", daemon=True
            ).start()
        try:
            if settings.TASKS_BACKEND == "database":
                call_command(
                    "db_worker",
                    queue_name=",".join(queues),
                    batch=options["batch"],
                    reload=False,
                    startup_delay=False,
                    worker_id=name[:64],
                    interval=1,
                    verbosity=options["verbosity"],
                )
            elif settings.TASKS_BACKEND == "rq":
                # django-tasks-rq's job class runs the task through the Tasks API (and its signals).
                call_command(
                    "rqworker",
                    *queues,
                    name=name,
                    job_class="django_tasks_rq.backend.Job",
                    with_scheduler=not options["batch"],
                    burst=options["batch"],
                )
            else:
                raise CommandError(
                    f"TASKS_BACKEND={settings.TASKS_BACKEND!r} runs tasks in the process that queues "
                    "them; there is nothing for a worker to do."
                )
        finally:
            stop.set()


def _use_worker_statement_timeout() -> None:
    """Give this process's PostgreSQL connections WORKER_STATEMENT_TIMEOUT_MS, not the web's.

    Settings put the web's DB_STATEMENT_TIMEOUT_MS into every connection's start-up options; a
    100,000-row import or a large export may run statements far longer. A receiver of
    connection_created sets the worker's limit on each new connection of this process: its threads
    (the upkeep) and the work horses RQ forks, which inherit the receiver. That is one statement
    per new connection, and it does not depend on how Django keeps the settings it connects with.
    Connections opened before (by the system checks) are closed, so none runs with the web's limit.
    """
    connection_created.connect(_set_worker_statement_timeout, dispatch_uid="worker-statement-timeout")
    connections.close_all()


def _set_worker_statement_timeout(sender, connection, **kwargs) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # 0 means no limit. Connections start in autocommit, so the SET outlives any transaction.
            cursor.execute("SET statement_timeout = %s", [settings.WORKER_STATEMENT_TIMEOUT_MS])


def _upkeep(stop: threading.Event, name: str, queues: str) -> None:
    """Every WORKER_UPKEEP_SECONDS: say this worker is alive, then run the chores that are due."""
    clock = ChoreClock()
    while True:
        try:
            with _ROUND:
                _upkeep_round(clock, name, queues)
        except DatabaseError:
            # The database is away or (SQLite) a long import holds the lock: next round.
            logger.warning("Worker upkeep skipped a round: the database did not answer", exc_info=True)
        except Exception:
            logger.exception("Worker upkeep failed this round")
        if stop.wait(settings.WORKER_UPKEEP_SECONDS):
            connections.close_all()
            return


def _upkeep_round(clock: ChoreClock, name: str, queues: str) -> None:
    close_old_connections()
    worker_seen(name=name, backend=settings.TASKS_BACKEND, queues=queues)
    clock.run_due()
