"""Jobs in every state, as a worker would leave them (an export of the business list by default)."""

from __future__ import annotations

import datetime

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from pembinaan.jobs.models import Job

CSV = "\ufeffNama Usaha\r\nWarung Uji\r\n".encode()


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    kind = Job.Kind.EXPORT
    title = "Daftar usaha (.csv)"
    status = Job.Status.QUEUED
    total = 10
    params = factory.LazyFunction(
        lambda: {"source": "usaha", "fmt": "csv", "query": "", "ids": {}, "language": "id"}
    )

    class Params:
        running = factory.Trait(
            status=Job.Status.RUNNING,
            started_at=factory.LazyFunction(timezone.now),
            heartbeat_at=factory.LazyFunction(timezone.now),
            attempts=1,
            done=4,
        )
        failed = factory.Trait(
            status=Job.Status.FAILED,
            started_at=factory.LazyFunction(timezone.now),
            finished_at=factory.LazyFunction(timezone.now),
            attempts=1,
            message="Terjadi kesalahan saat memproses pekerjaan uji.",
        )


def done_job(user, *, hours_ago: float = 0, content: bytes = CSV, **fields) -> Job:
    """A finished export whose file is in storage, finished `hours_ago`."""
    finished = timezone.now() - datetime.timedelta(hours=hours_ago)
    job = JobFactory(
        created_by=user,
        status=Job.Status.DONE,
        started_at=finished,
        heartbeat_at=finished,
        finished_at=finished,
        attempts=1,
        done=1,
        total=1,
        result_name="usaha-20261128.csv",
        **fields,
    )
    job.params["permissions"] = ["registry.view_business"]
    job.result.save("pekerjaan/uji.csv", ContentFile(content), save=False)
    job.save()
    return job
