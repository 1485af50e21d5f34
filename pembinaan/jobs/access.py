"""Who may see a job: its creator alone. Every jobs view calls one of these first.

Anyone else, other staff and Admin Dinas included, gets 404: a job's title and query string say
what someone was looking at. The download asks again for the permissions the file's content needed
(full NIKs included), in case they were withdrawn since the job ran.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from pembinaan.accounts.models import User
from pembinaan.jobs.models import Job


def get_job_for_user(user: User, pk: int) -> Job:
    return get_object_or_404(Job.objects.select_related("created_by"), pk=pk, created_by=user.pk)


def get_result_for_user(user: User, pk: int) -> Job:
    job = get_job_for_user(user, pk)
    if job.status != Job.Status.DONE or not job.result:
        raise Http404
    needed = job.params.get("permissions")
    if not needed or not user.has_perms(needed):
        raise PermissionDenied
    return job


def require_queue_viewer(user: User) -> None:
    """The whole queue (every requester's job titles and messages) is for Admin Dinas only."""
    if not user.has_perm("jobs.view_queue"):
        raise PermissionDenied
