"""A list export above EXPORT_INLINE_MAX_ROWS becomes a job that writes the same file the request
would have: the same selector and filters, the same user's permissions (NIK masking, the full-NIK
access log, aggregates only for council members); at or below the limit nothing changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse

from pembinaan.jobs.models import Job
from pembinaan.registry.models import NikAccessLog
from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.exports.sheets import content_of, records_of, rows_of
from tests.factories import BusinessFactory, OwnerFactory, make_nik
from tests.funding.factories import BudgetLineFactory, CapitalAssistanceFactory

pytestmark = pytest.mark.django_db

NIK = make_nik(day=3, month=2, yy=77, serial=1)  # 6371010302770001: a birth date the factories never use
MASKED = "6371 **** **** 0001"
FORMATS = ["xlsx", "csv"]


@pytest.fixture
def amplang():
    """Four businesses match "amplang" (one of them Aminah's, with a known NIK); two do not."""
    aminah = BusinessFactory(owner=OwnerFactory(nik=NIK, name="Aminah"), name="Amplang Aminah")
    for i in range(3):
        BusinessFactory(name=f"Amplang Lain {i}")
    BusinessFactory.create_batch(2, name="Warung Sebelah")
    return aminah


def business_export(fmt: str) -> str:
    return reverse("registry:business-export", args=[fmt])


def download(client, job: Job):
    return client.get(reverse("jobs:job-download", args=[job.pk]))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_long_filtered_export_becomes_a_job_whose_file_has_exactly_the_filtered_rows_masked(
    staff_client, staff_user, amplang, settings, django_capture_on_commit_callbacks, fmt
):
    settings.EXPORT_INLINE_MAX_ROWS = 3
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.get(business_export(fmt), {"q": "amplang"})

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.kind, job.status, job.created_by, job.done, job.total) == (
        "ekspor",
        "selesai",
        staff_user,
        4,
        4,
    )
    file = download(staff_client, job)
    records = records_of(file)
    assert sorted(r["Nama Usaha"] for r in records) == [
        "Amplang Aminah", "Amplang Lain 0", "Amplang Lain 1", "Amplang Lain 2",
    ]  # fmt: skip
    assert next(r["NIK"] for r in records if r["Nama Usaha"] == "Amplang Aminah") == MASKED
    assert NIK.encode() not in content_of(download(staff_client, job))
    assert not NikAccessLog.objects.exists()
    assert job.result_name.startswith("usaha-") and job.result_name.endswith(f".{fmt}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_admins_export_job_has_full_niks_and_logs_each_owner_once(
    admin_client, admin_user, amplang, settings, django_capture_on_commit_callbacks, fmt
):
    settings.EXPORT_INLINE_MAX_ROWS = 3
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.get(business_export(fmt), {"q": "amplang"})

    job = Job.objects.get()
    records = records_of(download(admin_client, job))
    assert next(r["NIK"] for r in records if r["Nama Usaha"] == "Amplang Aminah") == NIK
    logged = NikAccessLog.objects.filter(user=admin_user, purpose=NikAccessLog.Purpose.EXPORT)
    assert logged.count() == 4 and logged.filter(owner=amplang.owner).count() == 1
    assert "registry.view_full_nik" in job.params["permissions"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_at_the_limit_is_still_the_file_itself_and_no_job(staff_client, amplang, settings, fmt):
    settings.EXPORT_INLINE_MAX_ROWS = 4
    response = staff_client.get(business_export(fmt), {"q": "amplang"})

    assert isinstance(response, FileResponse if fmt == "xlsx" else StreamingHttpResponse)
    assert len(records_of(response)) == 4
    assert not Job.objects.exists()


@pytest.fixture
def every_export(amplang):
    activity = ActivityFactory()
    for business in (amplang, BusinessFactory(name="Amplang Peserta")):
        ParticipationFactory(activity=activity, business=business)
    CapitalAssistanceFactory(business=amplang)
    CapitalAssistanceFactory()
    BudgetLineFactory.create_batch(2)
    return {
        "businesses": lambda fmt: business_export(fmt),
        "participants": lambda fmt: reverse("coaching:participants-export", args=[activity.pk, fmt]),
        "grants": lambda fmt: reverse("coaching:grant-export", args=[fmt]),
        "budget-lines": lambda fmt: reverse("funding:budget-line-export", args=[fmt]),
        "budget-overview": lambda fmt: reverse("progress:budget-overview-export", args=[fmt]),
    }


CASES = [
    ("staff_client", "businesses"),
    ("admin_client", "businesses"),
    ("staff_client", "participants"),
    ("admin_client", "participants"),
    ("staff_client", "grants"),
    ("staff_client", "budget-lines"),
    ("viewer_client", "budget-overview"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("persona", "export"), CASES)
def test_a_job_writes_the_same_file_as_the_export_in_the_request(
    request, every_export, settings, django_capture_on_commit_callbacks, persona, export, fmt
):
    client = request.getfixturevalue(persona)
    url = every_export[export](fmt)
    inline = rows_of(client.get(url))
    settings.EXPORT_INLINE_MAX_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url)

    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.DONE, job.message
    assert rows_of(download(client, job)) == inline
    assert job.total == len(inline) - 1


def test_the_job_page_tells_the_user_the_file_is_being_prepared(
    staff_client, amplang, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 3
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.get(business_export("xlsx"), {"q": "amplang"})
    page = staff_client.get(response["Location"]).content.decode()

    assert "disiapkan di latar belakang" in page
    assert reverse("jobs:job-download", args=[Job.objects.get().pk]) in page


def test_a_job_runs_with_the_users_permissions_as_they_are_when_it_runs(
    staff_client, staff_user, amplang, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 3
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.get(business_export("csv"))
        staff_user.groups.clear()  # withdrawn after the job was queued, before it ran

    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and not job.result
    assert "tidak lagi berhak" in job.message


def test_the_result_lies_in_private_storage_under_a_random_name_never_served_as_media(
    staff_client, amplang, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 3
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.get(business_export("xlsx"))

    job = Job.objects.get()
    assert job.result.name.startswith("pekerjaan/") and "usaha" not in job.result.name
    assert job.result.path.startswith(str(settings.MEDIA_ROOT))
    assert staff_client.get(f"{settings.MEDIA_URL}{job.result.name}").status_code == 404


def test_a_job_that_breaks_while_writing_fails_with_a_message_and_leaves_no_file(
    staff_client, amplang, settings, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def half_then_break(table, file, *, fmt, rows=None):
        file.write(b"Nama Usaha\r\n")
        raise OSError("disk penuh")

    monkeypatch.setattr("pembinaan.jobs.export_jobs.write_export", half_then_break)
    settings.EXPORT_INLINE_MAX_ROWS = 3
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.get(business_export("csv"))

    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and not job.result and job.finished_at
    assert f"pekerjaan #{job.pk}" in job.message and "log" in job.message
    assert "disk penuh" in caplog.text  # the traceback is for the server's log, not the page
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
    assert download(staff_client, job).status_code == 404


def test_a_job_speaks_the_language_of_the_request_that_queued_it(
    staff_client, amplang, settings, django_capture_on_commit_callbacks
):
    staff_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english_header = rows_of(staff_client.get(business_export("csv")))[0]
    settings.EXPORT_INLINE_MAX_ROWS = 3
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.get(business_export("csv"))

    job = Job.objects.get()
    assert rows_of(download(staff_client, job))[0] == english_header
    assert english_header[0] == "Business Name"
