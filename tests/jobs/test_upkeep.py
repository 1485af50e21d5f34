"""Worker upkeep: a job whose worker died is queued again and run, a queued job whose task never
went out is sent, a job that died too often fails with a message, result files older than
JOB_RESULT_HOURS are deleted. A job is claimed once, and an attempt that lost its claim keeps no file.
(These replace the tests of the old `run_jobs` command: the same behaviours on the task engine.)"""

from __future__ import annotations

import datetime
import socket
import subprocess
from pathlib import Path

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from pembinaan.jobs import export_jobs, services
from pembinaan.jobs.models import Job, Worker
from pembinaan.jobs.upkeep import ChoreClock, register_chore, registered_chores
from tests.factories import BusinessFactory
from tests.jobs.factories import JobFactory, done_job

pytestmark = pytest.mark.django_db


def seconds_ago(n: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=n)


def stored_files(settings) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def dead_process_here() -> str:
    """The "host:pid" of a process of this server that has ended."""
    process = subprocess.Popen(["true"])  # noqa: S603, S607
    process.wait()
    return f"{socket.gethostname()}:{process.pid}"


@pytest.fixture
def businesses():
    return BusinessFactory.create_batch(3)


def test_a_job_whose_worker_process_on_this_server_died_is_queued_again_and_run_at_once(
    staff_user, businesses, settings
):
    settings.JOB_STALE_SECONDS = 600
    job = JobFactory(
        created_by=staff_user,
        running=True,
        heartbeat_at=seconds_ago(5),
        worker=dead_process_here(),
        total=3,
        done=1,
    )

    requeued, failed, resent = services.jobs_recover()

    job.refresh_from_db()
    assert (requeued, failed) == (1, 0)
    assert (job.status, job.attempts, job.done, job.total) == (Job.Status.DONE, 2, 3, 3)
    assert job.result and Path(job.result.path).is_file()


def test_a_job_of_a_live_worker_on_this_server_is_left_alone_however_old_its_heartbeat(staff_user, settings):
    # On SQLite a long import holds the write lock and its heartbeat cannot be written.
    settings.JOB_STALE_SECONDS = 60
    alive = f"{socket.gethostname()}:{subprocess.os.getpid()}"
    job = JobFactory(created_by=staff_user, running=True, heartbeat_at=seconds_ago(3600), worker=alive)

    assert services.jobs_recover() == (0, 0, 0)

    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)


def test_a_job_on_another_server_is_queued_again_only_once_its_heartbeat_is_stale(
    staff_user, businesses, settings
):
    settings.JOB_STALE_SECONDS = 60
    quiet = JobFactory(created_by=staff_user, running=True, heartbeat_at=seconds_ago(30), worker="lain:42")

    services.jobs_recover()
    quiet.refresh_from_db()
    assert quiet.status == Job.Status.RUNNING

    Job.objects.filter(pk=quiet.pk).update(heartbeat_at=seconds_ago(61))
    services.jobs_recover()
    quiet.refresh_from_db()
    assert (quiet.status, quiet.attempts, quiet.total) == (Job.Status.DONE, 2, 3)


def test_a_job_that_died_too_often_fails_with_a_message_instead(staff_user, settings):
    settings.JOB_MAX_ATTEMPTS = 3
    job = JobFactory(created_by=staff_user, running=True, worker=dead_process_here(), attempts=3)

    assert services.jobs_recover() == (0, 1, 0)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at
    assert "terhenti 3 kali" in job.message


def test_a_queued_job_whose_task_never_went_out_is_sent_by_upkeep(staff_user, businesses):
    job = JobFactory(created_by=staff_user, queued_at=seconds_ago(120), task_id="")

    assert services.jobs_recover() == (0, 0, 1)

    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.DONE, 1)


def test_a_job_just_queued_is_not_sent_twice(staff_user):
    job = JobFactory(created_by=staff_user, queued_at=seconds_ago(5), task_id="")

    assert services.jobs_recover() == (0, 0, 0)
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED


def test_result_files_older_than_the_limit_are_deleted_and_their_jobs_expire(staff_user, settings):
    settings.JOB_RESULT_HOURS = 24
    old, recent = done_job(staff_user, hours_ago=25), done_job(staff_user, hours_ago=23)
    old_path, recent_path = Path(old.result.path), Path(recent.result.path)

    assert services.jobs_expire_results() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == Job.Status.EXPIRED and not old.result and not old_path.exists()
    assert "setelah 24 jam" in old.message
    assert recent.status == Job.Status.DONE and recent_path.is_file()


def test_with_a_queuing_engine_a_long_export_waits_for_a_worker(
    staff_client, businesses, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    settings.EXPORT_INLINE_MAX_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.get(reverse("registry:business-export", args=["csv"]))
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED and job.task_id

    from django_tasks_db.models import DBTaskResult

    task = DBTaskResult.objects.get()
    assert task.task_path == "pembinaan.jobs.tasks.run_job" and task.args_kwargs["args"] == [job.pk]
    assert task.queue_name == "jobs"


def test_a_job_is_claimed_once(staff_user, businesses):
    job = JobFactory(created_by=staff_user)

    assert services.job_run(job.pk) is True
    assert services.job_run(job.pk) is False
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.DONE, 1)


def test_an_attempt_that_lost_its_claim_keeps_no_file(staff_user, businesses, settings, monkeypatch):
    job = JobFactory(created_by=staff_user)
    original = export_jobs.export_run

    def requeued_and_claimed_again_meanwhile(job, progress):
        outcome = original(job, progress)
        Job.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1)
        return outcome

    monkeypatch.setitem(services._RUNNERS, "ekspor", requeued_and_claimed_again_meanwhile)
    services.job_run(job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and not job.result  # the other attempt's to finish
    assert not stored_files(settings)


def test_a_worker_stopped_in_the_middle_of_a_job_puts_it_back_in_the_queue(
    staff_user, businesses, monkeypatch, settings
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    job = JobFactory(created_by=staff_user)

    def stopped(job, progress):
        raise SystemExit(1)

    monkeypatch.setitem(services._RUNNERS, "ekspor", stopped)
    with pytest.raises(SystemExit):
        services.job_run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts, job.worker) == (Job.Status.QUEUED, 1, "")


def test_a_job_of_a_deleted_account_fails(businesses):
    job = JobFactory(created_by=None)

    services.job_run(job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "tidak lagi berhak" in job.message


def test_the_heartbeat_writes_progress_only_for_the_attempt_that_holds_the_job(staff_user):
    job = JobFactory(created_by=staff_user, running=True, heartbeat_at=seconds_ago(300), done=0, total=10)
    beat = services._Heartbeat(job)
    beat.progress(7)
    beat.write()
    job.refresh_from_db()
    assert job.done == 7 and job.heartbeat_at > seconds_ago(60)

    Job.objects.filter(pk=job.pk).update(attempts=2)
    beat.progress(9)
    beat.write()
    job.refresh_from_db()
    assert job.done == 7


def test_every_app_registers_its_chores_and_a_failing_chore_does_not_stop_the_others(monkeypatch):
    names = {chore.name for chore in registered_chores()}
    assert {"jobs-recover", "jobs-expire-results", "imports-drop-old-files"} <= names

    ran = []
    monkeypatch.setattr("pembinaan.jobs.upkeep._CHORES", {})
    register_chore(name="rusak", run=lambda: 1 / 0, every_seconds=60)
    register_chore(name="baik", run=lambda: ran.append(1), every_seconds=60)
    clock = ChoreClock()

    assert clock.run_due() == ["baik"]
    assert clock.run_due() == []  # not due again for a minute
    assert ran == [1]


def test_a_worker_that_reports_is_recorded_with_the_time_it_was_last_seen():
    services.worker_seen(name="server-1:10", backend="database", queues="default,jobs")
    first = Worker.objects.get().last_seen_at
    services.worker_seen(name="server-1:10", backend="database", queues="default,jobs")

    worker = Worker.objects.get()
    assert worker.last_seen_at >= first and worker.backend == "database"


def test_the_expiry_and_old_import_file_chores_queue_their_work_as_tasks(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    chores = {chore.name: chore for chore in registered_chores()}

    chores["jobs-expire-results"].run()
    chores["imports-drop-old-files"].run()

    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "pembinaan.imports.tasks.drop_old_files",
        "pembinaan.jobs.tasks.expire_results",
    ]
