"""The default mode for real: the web process starts a thread once the request's transaction has
committed, the thread writes the file and ends, and the page can be polled meanwhile."""

from __future__ import annotations

import threading
import time

import pytest
from django.urls import reverse

from pembinaan.jobs.models import Job
from tests.exports.sheets import rows_of
from tests.factories import BusinessFactory

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
