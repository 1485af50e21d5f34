"""Real workers, both engines, faults injected: `manage.py worker` processes started against the
test database (SQLite file or PostgreSQL) with the database backend and with RQ on Redis.

- `kill -9` in the middle of a 20,000-row import: nothing half-written; the next worker runs the job
  again and it ends done with exactly the previewed rows.
- SIGTERM: the worker finishes the job it holds, then exits; a second SIGTERM stops it at once and
  the job goes back to the queue, to be finished by the next worker.
- Jobs queued while no worker runs (a web process restarted, workers down), or whose task could not
  be sent (Redis away): none lost, all done once a worker is back.

Redis: REDIS_TEST_URL (default database 15 of the local server, emptied by these tests).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from pembinaan.imports import services as import_services
from pembinaan.imports.jobs import import_confirm_enqueue
from pembinaan.imports.models import ImportRun
from pembinaan.jobs.models import Job, Worker
from pembinaan.registry.models import Business
from tests.factories import BusinessFactory, make_nik
from tests.imports.files import HEADER, csv_bytes
from tests.workers import REDIS_TEST_URL, Workers

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ENGINES = ["database", "rq"]
TIMEOUT = 120  # seconds; a 20,000-row import takes a few on PostgreSQL, more on SQLite


@pytest.fixture(params=ENGINES)
def engine(request, settings):
    """The test process queues on the same engine its workers read."""
    name = request.param
    if name == "rq":
        import redis

        client = redis.Redis.from_url(REDIS_TEST_URL)
        try:
            client.flushdb()
        except redis.exceptions.ConnectionError as exc:
            pytest.fail(f"Redis is not running at {REDIS_TEST_URL} (.ci/run starts it): {exc}")
        settings.RQ_QUEUES = {
            q: {"URL": REDIS_TEST_URL, "DEFAULT_TIMEOUT": 600} for q in settings.TASK_QUEUES
        }
        settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": settings.TASK_QUEUES}}
    else:
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
        }
    return name


@pytest.fixture
def workers(engine, settings, tmp_path):
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    pool = Workers(engine, Path(settings.MEDIA_ROOT), log_dir)
    yield pool
    pool.stop_all()


def wait_for(condition, what: str, workers: Workers, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"{what}: not after {timeout} s.\nWorker output:\n{workers.logs()[-4000:]}")


def job_now(pk: int) -> Job:
    return Job.objects.get(pk=pk)


def import_previewed(staff_user, rows: int) -> ImportRun:
    """A previewed owners-and-businesses import of `rows` new businesses, ready to confirm."""
    data = [HEADER] + [
        [
            make_nik(day=1 + i // 9999, serial=i % 9999 + 1),
            f"Pemilik {i}",
            "",
            "",
            f"Usaha Uji {i}",
            "",
            "",
            "Mawar",
            "",
        ]
        for i in range(rows)
    ]
    run = import_services.import_start(
        kind="usaha", file_name="besar.csv", data=csv_bytes(data), by=staff_user
    )
    run = import_services.import_preview(run=run, mapping=run.mapping, valid_rows_only=True)
    assert run.created_count == rows, run.errors[:5]
    return run


def import_is_writing(job_pk: int) -> bool:
    """The import holds its write transaction open: on PostgreSQL another session has been in a
    writing transaction for a moment; on SQLite someone holds the write lock."""
    job = job_now(job_pk)
    if job.status != Job.Status.RUNNING:
        return False
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL "
                "AND xact_start < now() - interval '200 milliseconds'"
            )
            return cursor.fetchone()[0] > 0
    probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def process_of(job: Job) -> int:
    return int(job.worker.rpartition(":")[2])


def test_a_worker_killed_in_the_middle_of_a_large_import_writes_nothing_and_the_next_worker_finishes_it(
    workers, staff_user
):
    rows = 20_000
    run = import_previewed(staff_user, rows)
    job = import_confirm_enqueue(run=run, by=staff_user)
    first = workers.start()

    wait_for(lambda: import_is_writing(job.pk), "the import started writing", workers)
    running = job_now(job.pk)
    assert running.status == Job.Status.RUNNING, "the import finished before it could be killed"
    # kill -9: the worker, and the process that holds the job (RQ runs it in a forked child).
    os.kill(process_of(running), signal.SIGKILL)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()

    assert Business.objects.count() == 0  # nothing half-written
    assert job_now(job.pk).status == Job.Status.RUNNING
    assert ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.PREVIEWED

    workers.start()
    done = wait_for(
        lambda: (j := job_now(job.pk)).status not in Job.ACTIVE and j,
        "the job ended after the restart",
        workers,
    )
    assert done.status == Job.Status.DONE, done.message
    assert done.attempts == 2
    assert Business.objects.count() == rows
    run.refresh_from_db()
    assert (run.status, run.created_count, run.content) == (ImportRun.Status.DONE, rows, None)


def test_sigterm_lets_the_worker_finish_the_job_it_holds_then_exit(workers, staff_user):
    run = import_previewed(staff_user, 5_000)
    job = import_confirm_enqueue(run=run, by=staff_user)
    worker = workers.start()
    wait_for(lambda: job_now(job.pk).status == Job.Status.RUNNING, "the job started", workers)

    worker.send_signal(signal.SIGTERM)

    assert worker.wait(timeout=TIMEOUT) == 0, workers.logs()[-4000:]
    done = job_now(job.pk)
    assert done.status == Job.Status.DONE, done.message
    assert Business.objects.count() == 5_000


def test_a_second_sigterm_stops_the_worker_at_once_and_the_job_goes_back_to_the_queue(workers, staff_user):
    rows = 20_000
    run = import_previewed(staff_user, rows)
    job = import_confirm_enqueue(run=run, by=staff_user)
    worker = workers.start()
    wait_for(lambda: import_is_writing(job.pk), "the import started writing", workers)

    holder = process_of(job_now(job.pk))
    worker.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    if holder != worker.pid:  # RQ: the forked child that runs the job is told to stop
        os.kill(holder, signal.SIGTERM)
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=TIMEOUT)

    assert Business.objects.count() == 0  # the half-done import was rolled back
    stopped = job_now(job.pk)
    # Put back in the queue by the stopping worker itself (database engine), or left to the next
    # worker's upkeep when the process that held it was ended by the signal (RQ's forked child).
    assert stopped.status == Job.Status.QUEUED or (
        stopped.status == Job.Status.RUNNING and not _alive(process_of(stopped))
    ), (stopped.status, stopped.worker)

    workers.start()
    done = wait_for(lambda: (j := job_now(job.pk)).status not in Job.ACTIVE and j, "the job ended", workers)
    assert done.status == Job.Status.DONE, done.message
    assert done.attempts == 2
    assert Business.objects.count() == rows


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_jobs_queued_while_no_worker_runs_are_all_done_once_one_starts(workers, staff_client, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    BusinessFactory.create_batch(4)
    for fmt in ("csv", "xlsx"):
        response = staff_client.get(reverse("registry:business-export", args=[fmt]))
        assert response.status_code == 302
    assert Job.objects.filter(status=Job.Status.QUEUED).count() == 2

    workers.start()

    wait_for(lambda: not Job.objects.filter(status__in=Job.ACTIVE).exists(), "every job ended", workers)
    assert sorted(Job.objects.values_list("status", flat=True)) == [Job.Status.DONE] * 2
    for job in Job.objects.all():
        download = staff_client.get(reverse("jobs:job-download", args=[job.pk]))
        assert download.status_code == 200
    wait_for(lambda: Worker.objects.exists(), "the worker reported itself", workers)


def test_a_job_whose_task_could_not_be_sent_is_sent_by_the_next_worker(
    workers, staff_client, settings, monkeypatch
):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    BusinessFactory.create_batch(3)

    def engine_away(*args, **kwargs):
        raise ConnectionError("Redis tidak menjawab")

    from pembinaan.jobs.tasks import run_job

    monkeypatch.setattr(type(run_job), "enqueue", engine_away)
    response = staff_client.get(reverse("registry:business-export", args=["csv"]))
    monkeypatch.undo()

    job = Job.objects.get()
    assert response.status_code == 302 and (job.status, job.task_id) == (Job.Status.QUEUED, "")
    Job.objects.filter(pk=job.pk).update(queued_at=job.queued_at.replace(year=job.queued_at.year - 1))

    workers.start()

    done = wait_for(lambda: (j := job_now(job.pk)).status not in Job.ACTIVE and j, "the job ended", workers)
    assert done.status == Job.Status.DONE, done.message
