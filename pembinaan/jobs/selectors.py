"""Reads of the jobs app."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from pembinaan.jobs.models import Job, Worker

# A job queued this long with no worker taking it is shown as a warning on the queue page.
WAITING_TOO_LONG = datetime.timedelta(minutes=10)
LIST_SIZE = 100


def jobs_queue_overview() -> dict:
    """For Admin Dinas: what waits, what runs, what failed lately, and the workers."""
    now = timezone.now()
    # A worker reports every WORKER_UPKEEP_SECONDS; three missed reports and it counts as gone.
    quiet = now - datetime.timedelta(seconds=max(3 * settings.WORKER_UPKEEP_SECONDS, 60))
    queued = Job.objects.filter(status=Job.Status.QUEUED)
    return {
        "queued": queued.select_related("created_by").order_by("pk")[:LIST_SIZE],
        "queued_count": queued.count(),
        "running": Job.objects.filter(status=Job.Status.RUNNING)
        .select_related("created_by")
        .order_by("pk")[:LIST_SIZE],
        "failed": Job.objects.filter(
            status=Job.Status.FAILED, finished_at__gte=now - datetime.timedelta(days=7)
        ).select_related("created_by")[:LIST_SIZE],
        "workers": Worker.objects.order_by("-last_seen_at")[:LIST_SIZE],
        "quiet_since": quiet,
        "any_alive": Worker.objects.filter(last_seen_at__gte=quiet).exists(),
        "waiting_too_long": Job.objects.filter(
            status=Job.Status.QUEUED, queued_at__lt=now - WAITING_TOO_LONG
        ).count(),
    }
