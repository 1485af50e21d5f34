"""A user's background jobs: the list, one job's page (refreshing itself while it runs), its file."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from pembinaan.jobs.access import get_job_for_user, get_result_for_user, require_queue_viewer
from pembinaan.jobs.models import Job
from pembinaan.jobs.selectors import jobs_queue_overview
from pembinaan.lib.uploads import private_download

LIST_SIZE = 50


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    """The user's own recent jobs; nobody sees anyone else's."""
    jobs = Job.objects.filter(created_by=request.user).defer("params", "message")[:LIST_SIZE]
    return render(request, "jobs/job_list.html", {"jobs": jobs})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for_user(request.user, pk)
    return render(
        request,
        "jobs/job_detail.html",
        {"job": job, "run_pk": job.params.get("run"), "result_hours": settings.JOB_RESULT_HOURS},
    )


@login_required
def job_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = get_result_for_user(request.user, pk)
    extension = "." + job.result.name.rsplit(".", 1)[-1]
    try:
        return private_download(job.result, name=job.result_name, extension=extension)
    except FileNotFoundError as exc:  # expired between the check and the read
        raise Http404 from exc


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Admin Dinas: what waits, what runs, what failed lately, and when each worker was last seen."""
    require_queue_viewer(request.user)
    return render(request, "jobs/queue.html", jobs_queue_overview())
