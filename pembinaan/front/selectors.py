"""Reads for the staff home: what waits for the signed-in staff member, in one query.

The same counts feed the staff home and the badges of the menu, which every staff page shows, so
they are read together in a single statement (one scalar subquery per list) and only for the
lists the user may open: a list the user cannot reach is neither counted nor shown.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Func, IntegerField, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pembinaan.accounts.models import User
from pembinaan.enrolment.models import ClaimRequest
from pembinaan.enrolment.selectors import submitted_businesses
from pembinaan.jobs.models import Job
from pembinaan.notifications.models import OutboxMessage
from pembinaan.ownerspace.models import ChangeRequest
from pembinaan.privacy.models import DataRequest

# Failed background jobs are news for a week; the jobs queue page looks back as far.
FAILED_JOBS_SINCE = datetime.timedelta(days=7)


@dataclass(frozen=True)
class WorkItem:
    key: str
    label: str | Promise
    count: int
    url: str


@dataclass(frozen=True)
class Worklist:
    items: tuple[WorkItem, ...]

    @property
    def total(self) -> int:
        return sum(item.count for item in self.items)

    def __getitem__(self, key: str) -> WorkItem:
        # Lets a template write `worklist.verify.count`. A list the user may not open raises
        # KeyError, which a template reads as empty (and `worklist.total` still finds the property).
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def __bool__(self) -> bool:
        return bool(self.items)


def _count(qs: QuerySet) -> Subquery:
    """COUNT(*) of a queryset as a scalar subquery (no GROUP BY: a plain function, not an aggregate)."""
    counted = qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


def _lists_for(user: User, now: datetime.datetime) -> list[tuple[str, str | Promise, str, QuerySet]]:
    """(key, label, url, rows) of each list the user may open, in the order the home shows them."""
    # (permission that opens the list, key, label, list's URL name, its waiting rows)
    waiting = [
        ("registry.verify_business", "verify", _("Pendaftaran menunggu verifikasi"), "enrolment:queue",
         submitted_businesses),
        ("enrolment.change_claimrequest", "claims", _("Klaim data menunggu"), "enrolment:claim-list",
         lambda: ClaimRequest.objects.filter(status=ClaimRequest.Status.PENDING)),
        ("ownerspace.review_changerequest", "changes", _("Perubahan data menunggu tinjauan"),
         "ownerspace:change-request-list",
         lambda: ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING)),
        ("privacy.process_datarequest", "data_requests", _("Permintaan data pribadi"), "privacy:request-list",
         lambda: DataRequest.objects.filter(status=DataRequest.Status.OPEN)),
        ("notifications.view_outboxmessage", "failed_messages", _("Pesan gagal terkirim"),
         "notifications:failed-list", lambda: OutboxMessage.objects.needing_attention()),
    ]  # fmt: skip
    lists = [
        (key, label, reverse(url), rows())
        for permission, key, label, url, rows in waiting
        if user.has_perm(permission)
    ]
    failed_jobs = Job.objects.filter(status=Job.Status.FAILED, finished_at__gte=now - FAILED_JOBS_SINCE)
    if user.has_perm("jobs.view_queue"):
        lists.append(("failed_jobs", _("Pekerjaan latar gagal (7 hari)"), reverse("jobs:queue"), failed_jobs))
    elif user.is_staf_dinas:
        # Others' jobs are not theirs to see (pembinaan/jobs/access.py): only their own failures.
        lists.append(
            (
                "failed_jobs",
                _("Pekerjaan Anda yang gagal (7 hari)"),
                reverse("jobs:job-list"),
                failed_jobs.filter(created_by=user.pk),
            )
        )
    return lists


def worklist_for(user: User, *, now: datetime.datetime | None = None) -> Worklist:
    """The staff member's waiting work: one count per list they may open, read in one query."""
    if not (user.is_authenticated and user.is_staf_dinas):
        return Worklist(items=())
    lists = _lists_for(user, now or timezone.now())
    if not lists:
        return Worklist(items=())
    # Any one-row table carries the subqueries; the user's own row is certain to exist.
    counts = (
        User.objects.filter(pk=user.pk)
        .annotate(**{key: _count(rows) for key, _label, _url, rows in lists})
        .values(*(key for key, *_rest in lists))
        .get()
    )
    return Worklist(
        items=tuple(
            WorkItem(key=key, label=label, count=counts[key] or 0, url=url) for key, label, url, _ in lists
        )
    )


def worklist_for_request(request: HttpRequest) -> Worklist:
    """The worklist, read once per request however many templates (menu, home) ask for it."""
    cached = getattr(request, "_worklist", None)
    if cached is None:
        cached = request._worklist = worklist_for(request.user)
    return cached
