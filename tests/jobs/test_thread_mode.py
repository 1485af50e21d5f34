"""The default mode for real: the web process starts a thread once the request's transaction has
committed, the thread writes the file (or runs the import) and ends, and the page can be polled
meanwhile."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from pembinaan.imports import services
from pembinaan.imports.models import ImportRun
from pembinaan.jobs.models import Job
from pembinaan.registry.models import Business
from tests.exports.sheets import rows_of
from tests.factories import BusinessFactory, make_nik
from tests.imports.files import HEADER, xlsx

TIMEOUT_SECONDS = 60


def wait_until_finished(job: Job) -> Job:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if not job.is_active:
            return job
        time.sleep(0.1)
    pytest.fail(f"job {job.pk} still {job.status} after {TIMEOUT_SECONDS} s")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_in_thread_mode_a_long_export_is_written_by_a_thread_of_the_web_process(staff_client, settings):
    settings.JOBS_MODE = "thread"
    settings.EXPORT_INLINE_MAX_ROWS = 3
    BusinessFactory.create_batch(5)

    response = staff_client.get(reverse("registry:business-export", args=["csv"]))

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job = wait_until_finished(job)
    assert job.status == Job.Status.DONE, job.message
    assert len(rows_of(staff_client.get(reverse("jobs:job-download", args=[job.pk])))) == 6
    # The thread ends once the job is written (and has closed its database connection by then).
    worker = next((t for t in threading.enumerate() if t.name == f"job-{job.pk}"), None)
    if worker is not None:
        worker.join(timeout=TIMEOUT_SECONDS)
        assert not worker.is_alive()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_in_thread_mode_a_large_import_is_previewed_and_written_by_threads_of_the_web_process(
    staff_client, settings, monkeypatch
):
    settings.JOBS_MODE = "thread"
    settings.IMPORT_INLINE_MAX_ROWS = 3
    planned_beside_writing = []
    original = services._plan_and_write

    def spy(*args, **kwargs):
        planned_beside_writing.append(True)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_plan_and_write", spy)
    rows = [HEADER] + [
        [make_nik(), f"Pemilik {i}", "", "", f"Usaha {i}", "", "", "Mawar", ""] for i in range(6)
    ]
    staff_client.post(
        reverse("imports:run-list"), {"kind": "usaha", "file": SimpleUploadedFile("besar.xlsx", xlsx(rows))}
    )
    run = ImportRun.objects.get()

    mapping = {f"col_{i}": key for i, key in enumerate(run.mapping)}
    staff_client.post(reverse("imports:run-preview", args=[run.pk]), mapping)
    assert wait_until_finished(Job.objects.get()).status == Job.Status.DONE
    staff_client.post(reverse("imports:run-confirm", args=[run.pk]))
    job = wait_until_finished(Job.objects.latest("pk"))

    assert job.status == Job.Status.DONE, job.message
    run.refresh_from_db()
    assert (run.status, run.created_count) == (ImportRun.Status.DONE, 6)
    assert Business.objects.filter(source="impor").count() == 6
    # A job's import is its own transaction: on PostgreSQL it plans beside writing.
    assert planned_beside_writing == ([True] if connection.vendor == "postgresql" else [])
    for thread in [t for t in threading.enumerate() if t.name.startswith(("job-", "import-"))]:
        thread.join(timeout=TIMEOUT_SECONDS)
        assert not thread.is_alive()
