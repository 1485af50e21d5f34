"""Files that are not what they claim, or built to hurt: each is refused with a message, nothing changes."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from pembinaan.imports import services
from pembinaan.imports.models import ImportRun
from pembinaan.registry.models import Business, Owner
from tests.imports.files import HEADER, csv_bytes, xlsx

pytestmark = pytest.mark.django_db


def refused(data: bytes, name: str) -> str:
    with pytest.raises(ValidationError) as caught:
        services.run_file(kind="usaha", file_name=name, data=data, by=None)
    assert not ImportRun.objects.exists()
    assert not Business.objects.exists() and not Owner.objects.exists()
    return " ".join(caught.value.messages)


def _with_member(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(name, content)
    return out.getvalue()


def test_a_workbook_named_csv_is_refused():
    assert "tidak sesuai namanya" in refused(xlsx([HEADER]), "data.csv")


def test_a_csv_named_xlsx_is_refused():
    assert "tidak sesuai namanya" in refused(csv_bytes([HEADER]), "data.xlsx")


def test_an_image_named_xls_is_refused():
    assert "tidak sesuai namanya" in refused(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "data.xls")


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "halo")
    assert "bukan buku kerja" in refused(out.getvalue(), "data.xlsx")


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    data = _with_member(xlsx([HEADER]), "xl/media/padding.bin", b"\x00" * 50_000_000)
    assert len(data) < 1_000_000
    assert "zip bomb" in refused(data, "data.xlsx")


def test_a_workbook_with_macros_is_refused():
    data = _with_member(xlsx([HEADER]), "xl/vbaProject.bin", b"macro")
    assert "makro" in refused(data, "data.xlsx")


def test_a_workbook_linking_to_other_workbooks_is_refused():
    data = _with_member(xlsx([HEADER]), "xl/externalLinks/externalLink1.xml", b"<externalLink/>")
    assert "tautan ke buku kerja lain" in refused(data, "data.xlsx")


def test_a_damaged_workbook_is_refused():
    data = xlsx([HEADER])
    assert "rusak" in refused(data[: len(data) // 2], "data.xlsx")


def test_an_empty_file_is_refused():
    assert "Berkas kosong" in refused(b"", "data.csv")


def test_a_file_with_only_headers_is_refused():
    assert "hanya berisi judul kolom" in refused(csv_bytes([HEADER, [""] * len(HEADER)]), "data.csv")


def test_a_ten_megabyte_csv_of_one_column_is_refused():
    data = b"Nama Usaha\r\n" + b"Warung\r\n" * (10 * 1024 * 1024 // 8)
    assert "lebih dari" in refused(data, "data.csv")


def test_a_file_without_any_known_header_is_refused():
    assert "judul kolom yang dikenali" in refused(csv_bytes([["a", "b"], ["1", "2"]]), "data.csv")


def test_a_file_larger_than_the_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 1000
    assert "terlalu besar" in refused(csv_bytes([HEADER] * 100), "data.csv")


def test_another_extension_is_refused():
    assert ".xlsx, .xls atau .csv" in refused(b"<html>", "data.html")


def test_a_formula_in_a_refused_row_does_not_run_when_the_download_is_opened(staff_client):
    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    data = csv_bytes(
        [["Nama Pemilik", "Nama Usaha", "Kelurahan"], ["=HYPERLINK(http://x)", "Toko", "Atlantis"]]
    )
    staff_client.post(
        reverse("imports:run-list"), {"kind": "usaha", "file": SimpleUploadedFile("a.csv", data)}
    )
    run = ImportRun.objects.get()
    staff_client.post(
        reverse("imports:run-preview", args=[run.pk]), {f"col_{i}": k for i, k in enumerate(run.mapping)}
    )
    download = staff_client.get(reverse("imports:bad-rows", args=[run.pk]))
    cell = openpyxl.load_workbook(io.BytesIO(download.content)).active.cell(row=2, column=3)
    assert cell.data_type == "s" and cell.value.startswith("'=")


def test_an_old_xls_workbook_with_macros_is_refused():
    data = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 500
        + "_VBA_PROJECT".encode("utf-16-le")
        + b"\x00" * 100
    )
    assert "makro" in refused(data, "data.xls")
