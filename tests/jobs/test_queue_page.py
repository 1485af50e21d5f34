"""Admin Dinas's queue page: every requester's waiting, running and failed jobs, and the workers
with the time each was last seen. Nobody else reaches it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pembinaan.jobs.models import Worker
from tests.jobs.factories import JobFactory

pytestmark = pytest.mark.django_db

URL = reverse("jobs:queue")


def a_worker(name: str, *, seconds_ago: float) -> Worker:
    seen = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    return Worker.objects.create(
        name=name, backend="database", queues="default,jobs", started_at=seen, last_seen_at=seen
    )


def test_admin_sees_every_requesters_jobs_and_when_each_worker_was_last_seen(admin_client, staff_user):
    JobFactory(created_by=staff_user, title="Daftar usaha (.xlsx)")
    JobFactory(created_by=staff_user, title="Impor #7: data-2025.xlsx", running=True, worker="server-a:311")
    JobFactory(
        created_by=staff_user,
        title="Peserta (.csv)",
        failed=True,
        message="Data yang diminta tidak ditemukan lagi.",
    )
    a_worker("server-a:311", seconds_ago=3)

    page = admin_client.get(URL).content.decode()

    for text in (
        "Daftar usaha (.xlsx)",
        "Impor #7: data-2025.xlsx",
        "Peserta (.csv)",
        "tidak ditemukan lagi",
    ):
        assert text in page
    assert "server-a:311" in page and staff_user.full_name in page
    assert "Tidak ada pekerja yang aktif" not in page


def test_the_page_warns_when_no_worker_has_reported_lately(admin_client, staff_user):
    a_worker("server-a:1", seconds_ago=3600)
    JobFactory(created_by=staff_user)

    page = admin_client.get(URL).content.decode()

    assert "Tidak ada pekerja yang aktif" in page and "tidak aktif" in page


@pytest.mark.parametrize("persona", ["staff_client", "viewer_client", "owner_client"])
def test_nobody_but_admin_dinas_sees_the_queue(request, persona):
    assert request.getfixturevalue(persona).get(URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login(anon_client):
    response = anon_client.get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_menu_shows_the_queue_to_admin_only(admin_client, staff_client):
    assert URL in admin_client.get(reverse("jobs:job-list")).content.decode()
    assert URL not in staff_client.get(reverse("jobs:job-list")).content.decode()


@pytest.mark.parametrize("jobs", [2, 60])
def test_the_queue_page_costs_the_same_queries_however_many_jobs_wait(
    admin_client, staff_user, jobs, django_assert_max_num_queries
):
    for i in range(jobs):
        JobFactory(created_by=staff_user, key=f"ekspor:{i}")
        a_worker(f"server:{i}", seconds_ago=i)
    # 12, +1 since issue 14: the staff menu's worklist badges (one query).
    with django_assert_max_num_queries(13):
        assert admin_client.get(URL).status_code == 200
