"""Asking twice is one job; a person has at most JOBS_PER_USER jobs waiting or running; an
abandoned import's raw file (NIKs, phone numbers) is deleted after IMPORT_FILE_HOURS."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pembinaan.imports import services as import_services
from pembinaan.imports.models import ImportRun
from pembinaan.jobs.models import Job
from tests.factories import BusinessFactory, make_nik
from tests.imports.files import HEADER, csv_bytes
from tests.jobs.factories import JobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queuing_engine(settings):
    """Jobs wait in the database for a worker, as in production (none runs in these tests)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    settings.EXPORT_INLINE_MAX_ROWS = 2
    BusinessFactory.create_batch(3)


def export(client, fmt="csv", **query):
    return client.get(reverse("registry:business-export", args=[fmt]), query)


def test_the_same_export_asked_twice_while_it_waits_is_one_job(
    staff_client, queuing_engine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = export(staff_client)
        second = export(staff_client)

    job = Job.objects.get()
    assert first["Location"] == second["Location"] == job.get_absolute_url()
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.count() == 1


def test_another_filter_or_format_is_another_job(staff_client, queuing_engine):
    export(staff_client)
    export(staff_client, "xlsx")
    export(staff_client, q="Usaha Contoh")

    assert Job.objects.count() == 3


def test_two_people_asking_for_the_same_export_get_a_job_each(staff_client, admin_client, queuing_engine):
    export(staff_client)
    export(admin_client)

    assert Job.objects.count() == 2 and Job.objects.values("created_by").distinct().count() == 2


def test_a_person_with_jobs_per_user_waiting_is_told_to_wait_and_nothing_is_queued(
    staff_client, queuing_engine, settings
):
    settings.JOBS_PER_USER = 2
    export(staff_client)
    export(staff_client, "xlsx")

    response = export(staff_client, q="Usaha Contoh")

    assert response.status_code == 302 and response["Location"] == reverse("jobs:job-list")
    page = staff_client.get(response["Location"]).content.decode()
    assert "sudah punya 2 pekerjaan yang menunggu" in page
    assert Job.objects.count() == 2


def test_finished_jobs_do_not_count_against_the_limit(staff_client, staff_user, queuing_engine, settings):
    settings.JOBS_PER_USER = 1
    JobFactory(created_by=staff_user, failed=True)

    export(staff_client)

    assert Job.objects.filter(status=Job.Status.QUEUED).count() == 1


def a_run(staff_user, *, hours_ago: float, status=ImportRun.Status.NEW) -> ImportRun:
    rows = [HEADER, [make_nik(), "Ani", "", "0812-3456-7890", "Warung Ani", "", "", "Mawar", ""]]
    run = import_services.import_start(
        kind="usaha", file_name="data.csv", data=csv_bytes(rows), by=staff_user
    )
    ImportRun.objects.filter(pk=run.pk).update(
        status=status, created_at=timezone.now() - datetime.timedelta(hours=hours_ago)
    )
    return run


def test_an_abandoned_imports_file_is_deleted_after_import_file_hours_and_the_run_cancelled(
    staff_user, settings
):
    settings.IMPORT_FILE_HOURS = 24
    old = a_run(staff_user, hours_ago=25)
    previewed = a_run(staff_user, hours_ago=30, status=ImportRun.Status.PREVIEWED)
    recent = a_run(staff_user, hours_ago=23)

    assert import_services.imports_drop_old_files() == 2

    for run in (old, previewed):
        run.refresh_from_db()
        assert run.content is None and run.status == ImportRun.Status.CANCELLED
        assert "dihapus setelah 24 jam" in run.message and run.checksum
    recent.refresh_from_db()
    assert recent.content is not None and recent.status == ImportRun.Status.NEW


def test_an_old_import_a_job_is_still_working_on_keeps_its_file(staff_user, settings):
    settings.IMPORT_FILE_HOURS = 24
    run = a_run(staff_user, hours_ago=25, status=ImportRun.Status.PREVIEWED)
    JobFactory(created_by=staff_user, kind=Job.Kind.IMPORT_CONFIRM, key=f"impor:{run.pk}", running=True)

    assert import_services.imports_drop_old_files() == 0
    run.refresh_from_db()
    assert run.content is not None
