"""A job's page and file are its creator's alone: everyone else, staff and Admin Dinas included, gets
404; the download asks again for the permissions the file needed. The page shows the status and a
<progress> bar, refreshes its progress box while the job is queued or running (static/js/job-progress.js,
an external script: the CSP allows no inline script; no timed meta refresh, which axe flags for screen
readers), and shows the download or the failure message when it has ended."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from pembinaan.jobs.models import Job
from tests.jobs.factories import CSV, JobFactory, done_job

pytestmark = pytest.mark.django_db

# The progress box the script refreshes, and the script itself.
REFRESH = re.compile(r'data-job-progress[\s>].*<script src="/static/js/job-progress\.js">', re.S)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=", re.I)


def page(client, job: Job) -> str:
    response = client.get(reverse("jobs:job-detail", args=[job.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_creator_sees_a_running_job_with_its_progress_and_the_page_refreshes_itself(
    staff_client, staff_user
):
    job = JobFactory(created_by=staff_user, running=True, done=4, total=10)
    body = page(staff_client, job)

    assert REFRESH.search(body)
    assert '<progress class="w-100" value="4" max="10"' in body and "4 dari 10 baris (40\u00a0%)" in body
    assert "Sedang diproses" in body
    assert not INLINE_SCRIPT.search(body)


def test_a_queued_job_waits_and_refreshes_too(staff_client, staff_user):
    body = page(staff_client, JobFactory(created_by=staff_user))
    assert REFRESH.search(body) and "Menunggu giliran" in body and "<progress" in body


def test_a_finished_job_offers_its_file_and_stops_refreshing(staff_client, staff_user):
    job = done_job(staff_user)
    body = page(staff_client, job)

    assert not REFRESH.search(body)
    assert reverse("jobs:job-download", args=[job.pk]) in body and "usaha-20261128.csv" in body


def test_a_failed_job_shows_its_message_and_stops_refreshing(staff_client, staff_user):
    body = page(staff_client, JobFactory(created_by=staff_user, failed=True))
    assert "Terjadi kesalahan saat memproses pekerjaan uji." in body and "Gagal" in body
    assert not REFRESH.search(body) and "unduh" not in body


def test_the_creator_downloads_the_file_as_a_private_attachment(staff_client, staff_user):
    job = done_job(staff_user)
    response = staff_client.get(reverse("jobs:job-download", args=[job.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="usaha-20261128.csv"'
    assert response["Content-Type"].startswith("text/csv")
    assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == CSV


@pytest.mark.parametrize("persona", ["other_staff_client", "admin_client", "viewer_client", "owner_client"])
def test_anyone_but_the_creator_gets_404_for_the_page_and_the_file(request, staff_user, persona):
    client = request.getfixturevalue(persona)
    for job in (done_job(staff_user), JobFactory(created_by=staff_user, running=True)):
        assert client.get(reverse("jobs:job-detail", args=[job.pk])).status_code == 404
        assert client.get(reverse("jobs:job-download", args=[job.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(anon_client, staff_user):
    job = done_job(staff_user)
    for url in (
        reverse("jobs:job-list"),
        reverse("jobs:job-detail", args=[job.pk]),
        reverse("jobs:job-download", args=[job.pk]),
    ):
        response = anon_client.get(url)
        assert response.status_code == 302 and "/akun/" in response["Location"]


def test_the_download_is_refused_once_the_creator_lost_the_permission_it_needed(staff_client, staff_user):
    job = done_job(staff_user)
    staff_user.groups.clear()

    assert staff_client.get(reverse("jobs:job-download", args=[job.pk])).status_code == 403
    assert staff_client.get(reverse("jobs:job-detail", args=[job.pk])).status_code == 200


def test_a_file_with_full_niks_is_refused_once_the_full_nik_permission_is_withdrawn(
    nik_staff_client, nik_staff_user
):
    job = done_job(nik_staff_user)
    job.params["permissions"] = ["registry.view_business", "registry.view_full_nik"]
    job.save()
    url = reverse("jobs:job-download", args=[job.pk])
    assert nik_staff_client.get(url).status_code == 200

    nik_staff_user.user_permissions.remove(
        Permission.objects.get(codename="view_full_nik", content_type__app_label="registry")
    )
    assert nik_staff_client.get(url).status_code == 403


def test_an_expired_job_says_so_and_has_no_file(staff_client, staff_user):
    job = JobFactory(
        created_by=staff_user, status=Job.Status.EXPIRED, finished_at="2026-01-01T00:00:00Z",
        message="Berkasnya sudah dihapus setelah 24 jam; buat ekspor baru bila masih perlu.",
    )  # fmt: skip
    assert "sudah dihapus" in page(staff_client, job)
    assert staff_client.get(reverse("jobs:job-download", args=[job.pk])).status_code == 404


def test_unfinished_jobs_have_no_download(staff_client, staff_user):
    for job in (JobFactory(created_by=staff_user), JobFactory(created_by=staff_user, failed=True)):
        assert staff_client.get(reverse("jobs:job-download", args=[job.pk])).status_code == 404


def test_my_jobs_lists_only_my_own_and_staff_reach_it_from_the_menu(
    staff_client, staff_user, other_staff_user
):
    JobFactory(created_by=staff_user, title="Ekspor saya")
    JobFactory(created_by=other_staff_user, title="Ekspor orang lain")
    body = staff_client.get(reverse("jobs:job-list")).content.decode()

    assert "Ekspor saya" in body and "Ekspor orang lain" not in body
    assert f'href="{reverse("jobs:job-list")}"' in body


def test_the_job_page_costs_a_handful_of_queries(staff_client, staff_user, django_assert_max_num_queries):
    job = JobFactory(created_by=staff_user, running=True)
    # Measured: session, user, the user's roles, the job, and the menu's two permission look-ups;
    # +1 since issue 14: the staff menu's worklist badges (one query).
    with django_assert_max_num_queries(7):
        page(staff_client, job)


def test_my_jobs_costs_the_same_queries_however_many_jobs_there_are(
    staff_client, staff_user, django_assert_max_num_queries
):
    JobFactory.create_batch(2, created_by=staff_user)
    # 6, +1 since issue 14: the staff menu's worklist badges (one query).
    with django_assert_max_num_queries(7) as few:
        staff_client.get(reverse("jobs:job-list"))
    JobFactory.create_batch(30, created_by=staff_user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(reverse("jobs:job-list"))


def test_a_council_member_without_jobs_sees_an_empty_list(viewer_client, staff_user):
    JobFactory(created_by=staff_user)
    assert "Belum ada pekerjaan." in viewer_client.get(reverse("jobs:job-list")).content.decode()


def test_the_job_pages_speak_english_after_the_switch(staff_client, staff_user):
    job = JobFactory(created_by=staff_user, running=True, done=4, total=10)
    staff_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = page(staff_client, job)

    assert "My Jobs" in body and "Running" in body and "4 of 10 rows (40%)" in body
    assert "Pekerjaan Saya" not in body and "Sedang diproses" not in body
