"""A file of more than IMPORT_INLINE_MAX_ROWS rows is dry-run and imported by background jobs through
the same services, with the same result as in the request; the run's page shows the job's progress,
and a second "confirm" while the import waits or runs starts nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pembinaan.imports import jobs as import_jobs
from pembinaan.imports.models import ImportRun
from pembinaan.jobs.models import Job
from pembinaan.registry.models import Business
from tests.factories import BusinessFactory, OwnerFactory, make_nik
from tests.imports.files import HEADER, xlsx
from tests.jobs.factories import JobFactory

pytestmark = pytest.mark.django_db

ROWS = 8


def messy_file() -> bytes:
    """Eight rows: six new businesses, one refused (a NIK Excel made a number), one update of a
    business already in the registry (same NIB)."""
    rows = [HEADER]
    for i in range(6):
        rows.append(
            [make_nik(), f"Pemilik {i}", "", f"0812-0000-{1000 + i}", f"Usaha {i}", "", "", "Mawar", ""]
        )
    rows.append(["6.37101E+15", "Budi", "", "", "Toko Budi", "", "", "Mawar", ""])
    rows.append([make_nik(), "Pemilik Lama", "", "", "Usaha Lama", "1234567890123", "", "Mawar", 90_000_000])
    return xlsx(rows)


@pytest.fixture
def existing():
    return BusinessFactory(name="Usaha Lama", nib="1234567890123", owner=OwnerFactory(nik=None))


def upload(client) -> ImportRun:
    client.post(
        reverse("imports:run-list"), {"kind": "usaha", "file": SimpleUploadedFile("besar.xlsx", messy_file())}
    )
    return ImportRun.objects.get()


def preview(client, run: ImportRun, **extra):
    mapping = {f"col_{i}": key for i, key in enumerate(run.mapping)} | extra
    return client.post(reverse("imports:run-preview", args=[run.pk]), mapping)


def confirm(client, run: ImportRun):
    return client.post(reverse("imports:run-confirm", args=[run.pk]), follow=True)


@pytest.mark.parametrize("background", [False, True], ids=["in-the-request", "as-jobs"])
def test_a_large_file_is_previewed_and_imported_by_jobs_with_the_same_counts_as_in_the_request(
    staff_client, staff_user, existing, settings, django_capture_on_commit_callbacks, background
):
    settings.IMPORT_INLINE_MAX_ROWS = ROWS - 1 if background else ROWS
    run = upload(staff_client)

    with django_capture_on_commit_callbacks(execute=True):
        preview(staff_client, run, valid_rows_only="on")
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED
    assert (run.created_count, run.updated_count, run.refused_count) == (6, 1, 1)
    assert Business.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        confirm(staff_client, run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.created_by == staff_user
    assert (run.created_count, run.updated_count, run.skipped_count, run.refused_count) == (6, 1, 0, 1)
    assert Business.objects.count() == 7 and run.records.count() > 0
    existing.refresh_from_db()
    assert existing.annual_sales == 90_000_000

    jobs = Job.objects.order_by("pk")
    if background:
        assert [(j.kind, j.status, j.created_by, j.total, j.done) for j in jobs] == [
            ("impor-pratinjau", "selesai", staff_user, ROWS, ROWS),
            ("impor", "selesai", staff_user, ROWS, ROWS),
        ]
        assert jobs[1].message == "Impor selesai: 6 dibuat, 1 diperbarui, 0 dilewati, 1 ditolak."
    else:
        assert not jobs.exists()


def test_an_all_or_nothing_background_import_with_a_refused_row_imports_nothing(
    staff_client, existing, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_MAX_ROWS = 1
    run = upload(staff_client)
    with django_capture_on_commit_callbacks(execute=True):
        preview(staff_client, run)
    page = staff_client.get(reverse("imports:run-detail", args=[run.pk])).content.decode()
    assert "Konfirmasi dan impor" not in page  # a refused row: the page offers no import, but a post

    with django_capture_on_commit_callbacks(execute=True):
        confirm(staff_client, run)
    run.refresh_from_db()
    job = Job.objects.get(kind=Job.Kind.IMPORT_CONFIRM)
    assert run.status == ImportRun.Status.REFUSED and Business.objects.count() == 1
    assert job.status == Job.Status.DONE and job.message == run.message


def test_a_second_confirm_while_the_import_waits_starts_no_second_import(
    staff_client, existing, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_MAX_ROWS = 1
    run = upload(staff_client)
    with django_capture_on_commit_callbacks(execute=True):
        preview(staff_client, run, valid_rows_only="on")
    run.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        confirm(staff_client, run)  # queued: it runs when this block ends
        second = confirm(staff_client, run).content.decode()
        assert "sedang diproses di latar belakang" in second
        # Asked for again (a double click, a retried request): the job already waiting, not a new one.
        waiting = Job.objects.get(kind=Job.Kind.IMPORT_CONFIRM)
        assert import_jobs.import_confirm_enqueue(run=run, by=run.created_by) == waiting
    assert Job.objects.filter(kind=Job.Kind.IMPORT_CONFIRM).count() == 1
    assert Business.objects.count() == 7

    third = confirm(staff_client, run).content.decode()
    assert "sudah selesai" in third
    assert Job.objects.filter(kind=Job.Kind.IMPORT_CONFIRM).count() == 1 and Business.objects.count() == 7


def test_a_wrong_mapping_is_a_form_error_before_any_job_is_queued(staff_client, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 1
    run = upload(staff_client)
    response = preview(staff_client, run, col_2="owner_name")  # two columns mapped to the owner's name

    assert response.status_code == 200 and "dipetakan dua kali" in response.content.decode()
    assert not Job.objects.exists()


def test_the_run_page_shows_the_progress_of_its_job_and_refreshes_itself(staff_client, staff_user, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 1
    run = upload(staff_client)
    JobFactory(
        created_by=staff_user, kind=Job.Kind.IMPORT_CONFIRM, key=import_jobs.run_key(run), running=True,
        done=3, total=ROWS, params={"run": run.pk},
    )  # fmt: skip
    body = staff_client.get(reverse("imports:run-detail", args=[run.pk])).content.decode()

    assert "Impor sedang diproses" in body and f'value="3" max="{ROWS}"' in body
    assert "data-job-progress" in body and '<script src="/static/js/job-progress.js">' in body
    assert reverse("imports:run-preview", args=[run.pk]) not in body  # no form while it runs
    assert staff_client.post(reverse("imports:run-cancel", args=[run.pk])).status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.NEW  # not cancelled under the running job


def test_a_failed_background_dry_run_shows_its_message_on_the_run_page(staff_client, staff_user, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 1
    run = upload(staff_client)
    JobFactory(
        created_by=staff_user, kind=Job.Kind.IMPORT_PREVIEW, key=import_jobs.run_key(run), failed=True,
        params={"run": run.pk},
    )  # fmt: skip
    body = staff_client.get(reverse("imports:run-detail", args=[run.pk])).content.decode()

    assert "Terjadi kesalahan saat memproses pekerjaan uji." in body
    assert reverse("imports:run-preview", args=[run.pk]) in body  # the user can try again


def test_an_import_job_checks_the_import_permission_again_when_it_runs(
    staff_client, staff_user, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_MAX_ROWS = 1
    run = upload(staff_client)
    with django_capture_on_commit_callbacks(execute=True):
        preview(staff_client, run, valid_rows_only="on")
        staff_user.groups.clear()

    run.refresh_from_db()
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and "tidak lagi berhak" in job.message
    assert run.status == ImportRun.Status.NEW
