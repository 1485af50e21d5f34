"""A few thousand rows stream out instead of being built in memory: CSV as a StreamingHttpResponse
in pieces, .xlsx from a write-only workbook in a temporary file streamed by FileResponse."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse

from pembinaan.jobs.models import Job
from pembinaan.lib import exports
from pembinaan.reference.models import Kelurahan
from pembinaan.registry.models import Business, NikAccessLog, Owner, normalise_name
from tests.exports.sheets import BOM, rows_of
from tests.factories import make_nik

pytestmark = pytest.mark.django_db

ROWS = 3000


@pytest.fixture
def many_businesses():
    kelurahan = Kelurahan.objects.order_by("code").first()
    owners = Owner.objects.bulk_create(
        Owner(
            nik=make_nik(day=1 + n // 9999, month=1, yy=90, serial=1 + n % 9999),
            name=f"Pemilik {n}",
            phone=f"+62813{n:08d}",
        )
        for n in range(ROWS)
    )
    Business.objects.bulk_create(
        Business(
            name=f"Usaha Massal {n:05d}",
            name_normalized=normalise_name(f"Usaha Massal {n:05d}"),
            owner=owner,
            kelurahan=kelurahan,
            kbli_category_id="C",
            status="terverifikasi",
            annual_sales=1_000_000 + n,
        )
        for n, owner in enumerate(owners)
    )


def test_a_csv_of_thousands_of_rows_streams_in_pieces(staff_client, many_businesses):
    response = staff_client.get(reverse("registry:business-export", args=["csv"]))

    assert isinstance(response, StreamingHttpResponse)
    pieces = list(response.streaming_content)
    assert pieces[0].startswith(BOM)
    assert len(pieces) >= ROWS // exports.CSV_LINES_PER_PIECE
    lines = b"".join(pieces).decode("utf-8-sig").splitlines()
    assert len(lines) == ROWS + 1
    assert lines[1].startswith("Usaha Massal 00000,")
    assert lines[-1].startswith(f"Usaha Massal {ROWS - 1:05d},")


def test_an_xlsx_of_thousands_of_rows_is_streamed_from_a_temporary_file(staff_client, many_businesses):
    response = staff_client.get(reverse("registry:business-export", args=["xlsx"]))

    assert isinstance(response, FileResponse)
    rows = rows_of(response)
    assert len(rows) == ROWS + 1
    assert rows[-1][0] == f"Usaha Massal {ROWS - 1:05d}"
    assert rows[-1][rows[0].index("Omzet per Tahun (Rp)")] == 1_000_000 + ROWS - 1


def test_a_full_nik_export_of_thousands_of_rows_logs_every_owner_in_batches(
    admin_client, many_businesses, django_assert_max_num_queries
):
    # One bulk INSERT per batch of rows, which the database driver may split further (SQLite
    # limits the parameters of one statement): a handful of queries, never one per row.
    per_insert = connection.ops.bulk_batch_size(["user", "owner", "purpose", "accessed_at"], [None] * ROWS)
    batches = [min(exports.BATCH_SIZE, ROWS - start) for start in range(0, ROWS, exports.BATCH_SIZE)]
    inserts = sum(-(-batch // per_insert) for batch in batches)
    with django_assert_max_num_queries(12 + inserts):
        rows = rows_of(admin_client.get(reverse("registry:business-export", args=["csv"])))

    assert len(rows) == ROWS + 1
    assert NikAccessLog.objects.filter(purpose=NikAccessLog.Purpose.EXPORT).count() == ROWS


def test_the_csv_export_reads_rows_only_as_the_download_asks_for_them(staff_client, many_businesses):
    response = staff_client.get(reverse("registry:business-export", args=["csv"]))
    stream = iter(response.streaming_content)

    header = next(stream)
    first = next(stream)

    # The first piece holds a few hundred rows, not the whole list.
    assert header.startswith(BOM)
    assert first.count(b"\r\n") == exports.CSV_LINES_PER_PIECE
    response.close()


def test_a_full_nik_export_job_logs_each_owner_once_though_their_businesses_fall_in_different_batches(
    admin_client, admin_user, many_businesses, settings, django_capture_on_commit_callbacks
):
    first = Business.objects.get(name="Usaha Massal 00000")
    # The same owner's second business comes last in the list, in a later batch than the first.
    Business.objects.create(
        name="Usaha Massal 99999",
        name_normalized=normalise_name("Usaha Massal 99999"),
        owner=first.owner,
        kelurahan=first.kelurahan,
        status="terverifikasi",
    )
    settings.EXPORT_INLINE_MAX_ROWS = 100
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.get(reverse("registry:business-export", args=["csv"]))

    job = Job.objects.get()
    rows = rows_of(admin_client.get(reverse("jobs:job-download", args=[job.pk])))
    assert len(rows) == ROWS + 2
    logged = NikAccessLog.objects.filter(user=admin_user, purpose=NikAccessLog.Purpose.EXPORT)
    assert logged.count() == ROWS
    assert logged.filter(owner=first.owner).count() == 1
