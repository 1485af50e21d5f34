"""The import screens: upload, mapping, preview, confirm, review; and who may reach them."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pembinaan.imports.models import ImportRun
from pembinaan.registry.models import Business
from tests.factories import make_nik
from tests.imports.files import HEADER, xlsx

pytestmark = pytest.mark.django_db


def upload(client, data, name="umkm.xlsx", kind="usaha"):
    return client.post(reverse("imports:run-list"), {"kind": kind, "file": SimpleUploadedFile(name, data)})


def good_file(n=2):
    rows = [HEADER]
    for i in range(n):
        rows.append(
            [make_nik(), f"Pemilik {i}", "", f"0812-0000-{1000 + i}", f"Usaha {i}", "", "", "Mawar", ""]
        )
    return xlsx(rows)


@pytest.mark.parametrize("persona", ["owner_client", "viewer_client"])
def test_owners_and_council_members_cannot_reach_any_import_page(persona, request, staff_user):
    client = request.getfixturevalue(persona)
    run = ImportRun.objects.create(kind="usaha", file_name="a.csv", file_format="csv", checksum="0", size=1)
    urls = [
        reverse("imports:run-list"),
        reverse("imports:template", args=["usaha"]),
        reverse("imports:run-detail", args=[run.pk]),
        reverse("imports:bad-rows", args=[run.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403
    for name in ("imports:run-preview", "imports:run-confirm", "imports:run-cancel"):
        assert client.post(reverse(name, args=[run.pk])).status_code == 403
    assert upload(client, good_file()).status_code == 403
    assert not Business.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(anon_client):
    response = anon_client.get(reverse("imports:run-list"))
    assert response.status_code == 302 and "/akun/" in response["Location"]


def test_staff_upload_preview_and_confirm_an_import(staff_client, staff_user):
    response = upload(staff_client, good_file())
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "imports:run-detail", args=[run.pk]
    )
    page = staff_client.get(response["Location"])
    assert page.status_code == 200
    assert "Pemetaan kolom" in page.content.decode()
    mapping = {f"col_{i}": key for i, key in enumerate(run.mapping)}
    staff_client.post(reverse("imports:run-preview", args=[run.pk]), mapping)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED and run.created_count == 2
    assert not Business.objects.exists()
    staff_client.post(reverse("imports:run-confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.created_by == staff_user
    assert Business.objects.count() == 2
    review = staff_client.get(reverse("imports:run-detail", args=[run.pk])).content.decode()
    assert run.checksum in review and "Usaha" in review
    # A second confirmation (double click) imports nothing twice.
    staff_client.post(reverse("imports:run-confirm", args=[run.pk]))
    assert Business.objects.count() == 2


def test_the_user_can_correct_the_mapping_before_the_dry_run(staff_client):
    rows = [["Pemilik", "JK", "Toko", "Desa", "Catatan"], ["Ani", "P", "Toko Ani", "Mawar", "Rp 5.000.000"]]
    upload(staff_client, xlsx(rows))
    run = ImportRun.objects.get()
    assert run.mapping == ["owner_name", "gender", "", "kelurahan", ""]
    staff_client.post(
        reverse("imports:run-preview", args=[run.pk]),
        {"col_0": "owner_name", "col_1": "gender", "col_2": "name", "col_3": "kelurahan", "col_4": "capital"},
    )
    run.refresh_from_db()
    assert run.created_count == 1 and run.refused_count == 0
    staff_client.post(reverse("imports:run-confirm", args=[run.pk]))
    assert Business.objects.get().capital == 5_000_000


def test_a_column_mapped_twice_is_refused_on_the_mapping_screen(staff_client):
    upload(staff_client, good_file())
    run = ImportRun.objects.get()
    mapping = {f"col_{i}": key for i, key in enumerate(run.mapping)}
    mapping["col_2"] = "owner_name"
    response = staff_client.post(reverse("imports:run-preview", args=[run.pk]), mapping)
    assert response.status_code == 200
    assert "dipetakan dua kali" in response.content.decode()


def test_refused_rows_are_listed_and_downloadable_and_block_an_all_or_nothing_import(staff_client):
    rows = [HEADER, ["6.37101E+15", "Budi", "", "", "Toko Budi", "", "", "Mawar", ""],
            [make_nik(), "Cici", "", "", "Toko Cici", "", "", "Mawar", ""]]  # fmt: skip
    upload(staff_client, xlsx(rows))
    run = ImportRun.objects.get()
    mapping = {f"col_{i}": key for i, key in enumerate(run.mapping)}
    page = staff_client.post(
        reverse("imports:run-preview", args=[run.pk]), mapping, follow=True
    ).content.decode()
    assert "diubah Excel menjadi angka" in page
    download = staff_client.get(reverse("imports:bad-rows", args=[run.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    values = list(sheet.values)
    assert values[1][0] == 2 and "NIK" in values[1][1] and values[1][2] == "6.37101E+15"
    staff_client.post(reverse("imports:run-confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.REFUSED and not Business.objects.exists()


def test_valid_rows_only_imports_the_rest_and_reports_the_refused(staff_client):
    rows = [HEADER, ["6371012345670001.0", "Budi", "", "", "Toko Budi", "", "", "Mawar", ""],
            [make_nik(), "Cici", "", "", "Toko Cici", "", "", "Mawar", ""]]  # fmt: skip
    upload(staff_client, xlsx(rows))
    run = ImportRun.objects.get()
    mapping = {f"col_{i}": key for i, key in enumerate(run.mapping)} | {"valid_rows_only": "on"}
    staff_client.post(reverse("imports:run-preview", args=[run.pk]), mapping)
    staff_client.post(reverse("imports:run-confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and (run.created_count, run.refused_count) == (1, 1)
    assert list(Business.objects.values_list("name", flat=True)) == ["Toko Cici"]


def test_the_template_has_the_canonical_headers(staff_client):
    response = staff_client.get(reverse("imports:template", args=["usaha"]))
    header = next(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert header[:2] == ("NIK", "Nama Pemilik") and "Kelurahan" in header


def test_a_hostile_upload_gets_a_message_and_changes_nothing(staff_client):
    response = upload(staff_client, b"%PDF-1.4 not a sheet", name="data.xlsx")
    assert response.status_code == 200
    assert "tidak sesuai namanya" in response.content.decode()
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize(
    "name,args",
    [
        ("imports:run-list", []),
        ("imports:template", ["usaha"]),
        ("imports:run-detail", [1]),
        ("imports:bad-rows", [1]),
    ],
)
def test_anonymous_visitors_reach_no_import_page(anon_client, name, args):
    response = anon_client.get(reverse(name, args=args))
    assert response.status_code == 302 and "/akun/" in response["Location"]


def test_the_import_history_costs_the_same_queries_however_long_it_is(
    staff_client, staff_user, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            ImportRun.objects.create(
                kind="usaha",
                file_name=f"f{i}.csv",
                file_format="csv",
                checksum="0",
                size=1,
                created_by=staff_user,
            )

    add(3)
    with django_assert_max_num_queries(12) as few:
        staff_client.get(reverse("imports:run-list"))
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get(reverse("imports:run-list"))
    assert "f29.csv" in response.content.decode()


def test_refused_rows_with_full_niks_go_back_only_to_the_uploader(staff_client, admin_client, admin_user):
    run = ImportRun.objects.create(
        kind="usaha", file_name="a.csv", file_format="csv", checksum="0", size=1, created_by=admin_user,
        errors=[[2, "NIK", "salah"]], bad_rows=[[2, "6371011506850001"]], headers=["NIK"],
    )  # fmt: skip
    assert staff_client.get(reverse("imports:bad-rows", args=[run.pk])).status_code == 403
    assert (
        "Unduh baris ditolak"
        not in staff_client.get(reverse("imports:run-detail", args=[run.pk])).content.decode()
    )
    assert admin_client.get(reverse("imports:bad-rows", args=[run.pk])).status_code == 200


def test_a_large_previewed_file_says_it_imports_in_the_background_not_on_the_command_line(
    staff_client, staff_user, settings
):
    settings.IMPORT_INLINE_MAX_ROWS = 1000
    large = ImportRun.objects.create(
        kind="usaha", file_name="besar.xlsx", file_format="xlsx", checksum="0", size=1, status="pratinjau",
        rows_total=1001, created_by=staff_user, valid_rows_only=True,
    )  # fmt: skip
    page = staff_client.get(reverse("imports:run-detail", args=[large.pk])).content.decode()
    assert "berjalan di latar belakang" in page and "Konfirmasi dan impor" in page
    assert "import_data" not in page
    large.rows_total = 1000
    large.save()
    page = staff_client.get(reverse("imports:run-detail", args=[large.pk])).content.decode()
    assert "latar belakang" not in page and "Konfirmasi dan impor" in page
