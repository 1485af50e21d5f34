"""`manage.py run_jobs`: runs queued jobs, queues again a job whose process died (its heartbeat went
quiet), gives up after JOB_MAX_ATTEMPTS, and deletes result files older than JOB_RESULT_HOURS.
A job is claimed once, and an attempt that lost its claim keeps no file."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from pembinaan.jobs import export_jobs, services
from pembinaan.jobs.models import Job
from tests.factories import BusinessFactory
from tests.jobs.factories import JobFactory, done_job

pytestmark = pytest.mark.django_db


def run_jobs_once() -> str:
    out = io.StringIO()
    call_command("run_jobs", "--once", stdout=out)
    return out.getvalue()


def minutes_ago(n: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=n)


def stored_files(settings) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


@pytest.fixture
def businesses():
    return BusinessFactory.create_batch(3)


def test_a_job_whose_process_died_is_queued_again_and_run_by_run_jobs_once(staff_user, businesses, settings):
    settings.JOB_STALE_MINUTES = 10
    job = JobFactory(created_by=staff_user, running=True, heartbeat_at=minutes_ago(11), total=3, done=1)

    out = run_jobs_once()

    job.refresh_from_db()
    assert "1 diantrekan lagi" in out and "1 dijalankan" in out
    assert (job.status, job.attempts, job.done, job.total) == (Job.Status.DONE, 2, 3, 3)
    assert job.result and Path(job.result.path).is_file()


def test_a_running_job_with_a_recent_heartbeat_is_left_alone(staff_user, settings):
    settings.JOB_STALE_MINUTES = 10
    job = JobFactory(created_by=staff_user, running=True, heartbeat_at=minutes_ago(9))

    run_jobs_once()

    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)


def test_a_job_that_died_too_often_fails_with_a_message_instead(staff_user, settings):
    settings.JOB_MAX_ATTEMPTS = 3
    job = JobFactory(created_by=staff_user, running=True, heartbeat_at=minutes_ago(60), attempts=3)

    out = run_jobs_once()

    job.refresh_from_db()
    assert "1 gagal karena terhenti" in out
    assert job.status == Job.Status.FAILED and job.finished_at
    assert "terhenti 3 kali" in job.message


def test_result_files_older_than_the_limit_are_deleted_and_their_jobs_expire(staff_user, settings):
    settings.JOB_RESULT_HOURS = 24
    old, recent = done_job(staff_user, hours_ago=25), done_job(staff_user, hours_ago=23)
    old_path, recent_path = Path(old.result.path), Path(recent.result.path)

    out = run_jobs_once()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert "1 berkas kedaluwarsa dihapus" in out
    assert old.status == Job.Status.EXPIRED and not old.result and not old_path.exists()
    assert "setelah 24 jam" in old.message
    assert recent.status == Job.Status.DONE and recent_path.is_file()


def test_in_worker_mode_a_long_export_waits_for_run_jobs(
    staff_client, businesses, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_MODE = "worker"
    settings.EXPORT_INLINE_MAX_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.get(reverse("registry:business-export", args=["csv"]))
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED

    run_jobs_once()

    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.total == 3


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

    monkeypatch.setattr(export_jobs, "export_run", requeued_and_claimed_again_meanwhile)
    services.job_run(job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and not job.result  # the other attempt's to finish
    assert not stored_files(settings)


def test_a_job_of_a_deleted_account_fails(businesses):
    job = JobFactory(created_by=None)

    services.job_run(job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "tidak lagi berhak" in job.message


def test_the_heartbeat_writes_progress_only_for_the_attempt_that_holds_the_job(staff_user):
    job = JobFactory(created_by=staff_user, running=True, heartbeat_at=minutes_ago(5), done=0, total=10)
    beat = services._Heartbeat(job)
    beat.progress(7)
    beat.write()
    job.refresh_from_db()
    assert job.done == 7 and job.heartbeat_at > minutes_ago(1)

    Job.objects.filter(pk=job.pk).update(attempts=2)
    beat.progress(9)
    beat.write()
    job.refresh_from_db()
    assert job.done == 7
