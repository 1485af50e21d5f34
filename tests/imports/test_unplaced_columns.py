"""Imports that never lose a column (issue 19): the header matcher at work in the services, the
command line and the mapping screen; mappings remembered per layout; every kind alike."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from pembinaan.funding.models import BudgetLine
from pembinaan.imports import services
from pembinaan.imports.importers import registration
from pembinaan.imports.models import HeaderMapping, ImportRun
from pembinaan.imports.regions import RegionMatcher
from pembinaan.registry.models import Business, Owner
from tests.coaching.factories import ActivityFactory
from tests.factories import make_nik
from tests.imports.files import csv_bytes, xlsx

pytestmark = pytest.mark.django_db

ISSUE_HEADER = ["NO", "NAMA PEMILIK", "NIK", "NAMA USAHA", "ALAMAT USAHA", "KEL.", "KEC.", "NO. HP/WA",
                "OMZET (Rp/bulan)", "JML TK"]  # fmt: skip


def issue_sheet(*extra_rows, niks=None) -> bytes:
    """As a dinas writes it: two merged title rows, a blank row, a row-number column, capitals."""
    niks = niks or [make_nik(), make_nik()]
    rows = [
        [],
        ISSUE_HEADER,
        [1, "Siti Aminah", niks[0], "Amplang Bu Siti", "Jl. Veteran 1", "Mawar", "Banjarmasin Tengah",
         "0812-5000-1234", "4.500.000", 3],
        [2, "Rahmat Hidayat", niks[1], "Sasirangan Rahmat", "Jl. Veteran 2", "Kel. Mawar", "Bjm Tengah",
         "+62 813 5000 5678", 2_000_000, 1],
        *extra_rows,
    ]  # fmt: skip
    return xlsx(rows, title_rows=2)


def with_column(header: str, values: list, base: list | None = None) -> bytes:
    """A small owners file with one more column."""
    base = base or ["Nama Pemilik", "Jenis Kelamin", "Nama Usaha", "Kelurahan"]
    rows = [[*base, header]]
    for i, value in enumerate(values):
        rows.append([f"Pemilik {i}", "P", f"Usaha {i}", "Mawar", value])
    return xlsx(rows)


def write(tmp_path, data: bytes, name="umkm.xlsx") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


# --- Services ---------------------------------------------------------------------------------


def test_the_command_says_what_it_skipped_and_multiplied(tmp_path, capsys):
    call_command("import_data", "usaha", write(tmp_path, issue_sheet()))
    out = capsys.readouterr().out
    assert "Kolom 1 “NO” tidak diimpor: Kolom nomor urut, dilewati" in out
    assert "Kolom “OMZET (Rp/bulan)”: nilainya dikalikan 12" in out
    assert "2 dibuat" in out


def test_the_issue_sheet_imports_phones_and_the_yearly_turnover(staff_user):
    run = services.run_file(kind="usaha", file_name="dinas.xlsx", data=issue_sheet(), by=staff_user)
    assert run.status == ImportRun.Status.DONE, run.errors
    assert run.header_row == 4
    assert run.mapping[0] == ""  # the row numbers: skipped
    assert run.factors == {"annual_sales": 12}
    siti = Business.objects.get(name="Amplang Bu Siti")
    assert siti.annual_sales == 4_500_000 * 12
    assert siti.owner.phone == "+6281250001234"
    rahmat = Business.objects.get(name="Sasirangan Rahmat")
    assert rahmat.annual_sales == 24_000_000
    assert rahmat.owner.phone == "+6281350005678"


def test_an_impossible_phone_in_the_issue_sheet_is_now_refused(staff_user):
    bad = [3, "Budi", make_nik(), "Toko Budi", "Jl. X", "Mawar", "", "0812", "1.000.000", 1]
    run = services.run_file(kind="usaha", file_name="dinas.xlsx", data=issue_sheet(bad), by=staff_user)
    assert run.status == ImportRun.Status.REFUSED
    assert [(row, column) for row, column, _m in run.errors] == [(7, "No HP")]
    assert not Business.objects.exists()


@pytest.mark.parametrize("kind", ["usaha", "peserta", "capaian", "pagu", "bantuan"])
def test_every_kind_refuses_a_column_it_cannot_place_before_anything_is_kept(kind, admin_user):
    columns = registration(kind).importer.columns
    header = [c.label for c in columns] + ["Kolom Aneh"]
    data = csv_bytes([header, ["x"] * len(columns) + ["isi aneh"]])
    options = {"activity": ActivityFactory().pk} if kind == "peserta" else None
    with pytest.raises(services.MappingIncomplete) as refused:
        services.run_file(kind=kind, file_name="a.csv", data=data, by=admin_user, options=options)
    assert [c.header for c in refused.value.match.unplaced] == ["Kolom Aneh"]
    assert refused.value.samples[-1] == ["isi aneh"]
    assert not ImportRun.objects.exists()


def test_a_unit_in_the_header_multiplies_the_amounts_of_other_kinds_too(admin_user):
    data = csv_bytes([["Sumber Dana", "Tahun Anggaran", "Pagu (Rp ribu)"], ["APBD Kota", "2026", "150.000"]])
    run = services.run_file(kind="pagu", file_name="pagu.csv", data=data, by=admin_user)
    assert run.status == ImportRun.Status.DONE, run.errors
    assert run.factors == {"amount": 1000}
    assert BudgetLine.objects.get(fiscal_year=2026).amount == 150_000_000


def test_kelurahan_suggestions_come_from_the_rows_kecamatan():
    regions = RegionMatcher()
    with pytest.raises(ValidationError) as city_wide:
        regions.kelurahan_code("Kelayan Tngah")
    assert "Mungkin maksudnya: Kelayan Tengah, Kelayan Luar, Kelayan Timur." in city_wide.value.messages[0]
    with pytest.raises(ValidationError) as in_kecamatan:
        regions.kelurahan_code("Kelayan Tngah", "Banjarmasin Selatan")
    # Kelayan Luar lies in Banjarmasin Tengah: not offered for a row in Banjarmasin Selatan.
    assert in_kecamatan.value.messages == [
        'Kelurahan "Kelayan Tngah" tidak dikenal. Mungkin maksudnya: Kelayan Tengah, Kelayan Timur, Kelayan Dalam.'
    ]


# --- The command line -------------------------------------------------------------------------


def test_the_command_refuses_an_unplaced_column_and_writes_nothing(tmp_path, capsys):
    path = write(tmp_path, with_column("Aset", ["Rp 1 juta", "Rp 2 juta", "", "Rp 4 juta"]))
    with pytest.raises(SystemExit) as exit_:
        call_command("import_data", "usaha", path)
    assert exit_.value.code == 3
    err = capsys.readouterr().err
    assert "Tidak ada yang disimpan" in err
    assert "kolom 5 “Aset”: Kolom “Aset” tidak dikenali; contoh isi: Rp 1 juta, Rp 2 juta, Rp 4 juta" in err
    assert '--ignore "Judul"' in err and "capital (Modal Usaha)" in err
    assert not ImportRun.objects.exists() and not Business.objects.exists()


def test_the_command_accepts_the_column_ignored_or_mapped(tmp_path, capsys):
    path = write(tmp_path, with_column("Aset", ["Rp 1.000.000", "Rp 2.000.000"]))
    call_command("import_data", "usaha", path, "--ignore", "Aset")
    assert "Kolom 5 “Aset” tidak diimpor: Diabaikan atas pilihan Anda" in capsys.readouterr().out
    assert Business.objects.count() == 2 and not Business.objects.filter(capital__isnull=False).exists()
    Business.objects.all().delete()
    Owner.objects.all().delete()
    HeaderMapping.objects.all().delete()
    call_command("import_data", "usaha", path, "--map", "aset=Modal Usaha")
    assert sorted(Business.objects.values_list("capital", flat=True)) == [1_000_000, 2_000_000]


def test_two_columns_claiming_one_field_are_refused_by_the_command(tmp_path, capsys):
    rows = [["Nama Pemilik", "JK", "Nama Usaha", "Kelurahan", "No HP", "No WA"],
            ["Ani", "P", "Toko Ani", "Mawar", "0812-1111-2222", "0813-3333-4444"]]  # fmt: skip
    path = write(tmp_path, xlsx(rows))
    with pytest.raises(SystemExit) as exit_:
        call_command("import_data", "usaha", path)
    assert exit_.value.code == 3
    assert "Kolom “No HP” dan “No WA” sama-sama berisi No HP" in capsys.readouterr().err
    assert not Business.objects.exists()
    # Two columns mapped by hand to one field are refused the same way.
    with pytest.raises(SystemExit):
        call_command("import_data", "usaha", path, "--map", "No WA=phone", "--map", "No HP=phone")
    assert not Business.objects.exists()
    call_command("import_data", "usaha", path, "--ignore", "No WA")
    assert Owner.objects.get().phone == "+6281211112222"


@pytest.mark.parametrize("suffix", ["json", "csv"])
def test_the_command_reads_choices_from_a_mapping_file(tmp_path, suffix):
    rows = [["Pemilik", "JK", "Toko", "Desa", "Catatan"], ["Ani", "P", "Toko Ani", "Mawar", "Rp 5.000.000"]]
    path = write(tmp_path, xlsx(rows))
    mapping = tmp_path / f"peta.{suffix}"
    if suffix == "json":
        mapping.write_text(json.dumps({"Toko": "name", "Catatan": "capital"}))
    else:
        mapping.write_text("kolom,isian\nToko,Nama Usaha\nCatatan,capital\n")
    call_command("import_data", "usaha", path, "--mapping", str(mapping))
    assert Business.objects.get().capital == 5_000_000


def test_the_command_names_a_field_or_header_that_does_not_exist(tmp_path, capsys):
    path = write(tmp_path, with_column("Aset", ["1"]))
    with pytest.raises(CommandError, match="bukan isian impor usaha"):
        call_command("import_data", "usaha", path, "--map", "Aset=kekayaan")
    with pytest.raises(SystemExit) as exit_:
        call_command("import_data", "usaha", path, "--ignore", "Aset", "--ignore", "Tidak Ada")
    assert exit_.value.code == 2
    assert "Kolom “Tidak Ada” tidak ada di berkas" in capsys.readouterr().err


def test_a_mapping_chosen_on_the_command_line_is_applied_to_the_same_layout_next_time(tmp_path, capsys):
    first = write(tmp_path, with_column("Aset", ["Rp 1.000.000"]), "januari.xlsx")
    call_command("import_data", "usaha", first, "--map", "Aset=capital")
    remembered = HeaderMapping.objects.get()
    assert remembered.assigned == {"Aset": "capital"} and remembered.kind == "usaha"
    capsys.readouterr()
    # February's file: the same layout typed differently, no choices given.
    second = xlsx([["NAMA PEMILIK", "jenis kelamin", "Nama  Usaha", "KELURAHAN", "ASET"],
                   ["Budi", "L", "Toko Budi", "Mawar", "Rp 3.000.000"]])  # fmt: skip
    call_command("import_data", "usaha", write(tmp_path, second, "februari.xlsx"))
    out = capsys.readouterr().out
    assert f"Pemetaan diingat dari impor #{remembered.run_id}" in out
    assert Business.objects.get(name="Toko Budi").capital == 3_000_000
    # Another kind does not take the owners' mapping.
    assert not HeaderMapping.objects.filter(kind="capaian").exists()


# --- The mapping screen -----------------------------------------------------------------------


def upload(client, data, name="umkm.xlsx", kind="usaha"):
    return client.post(reverse("imports:run-list"), {"kind": kind, "file": SimpleUploadedFile(name, data)})


def unplaced_file() -> bytes:
    nik = "6371014506850001"
    rows = [["NIK", "Nama Pemilik", "JK", "Nama Usaha", "Kelurahan", "Aset"],
            [nik, "Ani", "P", "Toko Ani", "Mawar", "Rp 1.000.000"],
            [make_nik(), "Budi", "L", "Toko Budi", "Mawar", "Rp 2.000.000"],
            [make_nik(), "Cici", "P", "Toko Cici", "Mawar", "Rp 3.000.000"],
            [make_nik(), "Dodi", "L", "Toko Dodi", "Mawar", "Rp 4.000.000"]]  # fmt: skip
    return xlsx(rows)


def test_the_screen_marks_the_unplaced_column_and_shows_three_samples_of_every_column(staff_client):
    upload(staff_client, unplaced_file())
    run = ImportRun.objects.get()
    page = staff_client.get(reverse("imports:run-detail", args=[run.pk])).content.decode()
    assert page.count("data-unplaced") == 1 and "Belum dipetakan" in page
    assert "Kolom “Aset” tidak dikenali" in page
    for sample in ("Rp 1.000.000", "Rp 2.000.000", "Rp 3.000.000", "Ani", "Budi", "Cici", "Toko Cici"):
        assert sample in page
    assert "Rp 4.000.000" not in page and "Dodi" not in page  # three values, not more
    assert "6371014506850001" not in page and "6371 **** **** 0001" in page  # rule 10b


def test_the_screen_will_not_continue_until_the_column_is_mapped_or_ignored(staff_client):
    upload(staff_client, unplaced_file())
    run = ImportRun.objects.get()
    chosen = {f"col_{i}": key for i, key in enumerate(run.mapping)}
    url = reverse("imports:run-preview", args=[run.pk])
    for undecided in ({**chosen, "col_5": "?"}, {k: v for k, v in chosen.items() if k != "col_5"}):
        response = staff_client.post(url, undecided)
        assert response.status_code == 200
        assert "Petakan kolom ini atau abaikan." in response.content.decode()
        run.refresh_from_db()
        assert run.status == ImportRun.Status.NEW
    assert not HeaderMapping.objects.exists()
    staff_client.post(url, {**chosen, "col_5": "capital"})
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED and run.created_count == 4
    staff_client.post(reverse("imports:run-confirm", args=[run.pk]))
    assert sorted(Business.objects.values_list("capital", flat=True)) == [1_000_000, 2_000_000, 3_000_000,
                                                                          4_000_000]  # fmt: skip


def test_a_mapping_confirmed_on_the_screen_is_applied_to_the_next_upload_of_the_layout(staff_client):
    upload(staff_client, unplaced_file())
    first = ImportRun.objects.get()
    chosen = {f"col_{i}": key for i, key in enumerate(first.mapping)} | {"col_5": ""}
    staff_client.post(reverse("imports:run-preview", args=[first.pk]), chosen)
    assert HeaderMapping.objects.get().assigned == {"Aset": ""}
    upload(staff_client, unplaced_file(), name="bulan-depan.xlsx")
    second = ImportRun.objects.exclude(pk=first.pk).get()
    assert second.remembered_from is not None and second.assigned == {"Aset": ""}
    page = staff_client.get(reverse("imports:run-detail", args=[second.pk])).content.decode()
    assert f"Pemetaan diingat dari impor #{first.pk}" in page
    assert "data-unplaced" not in page and "Diabaikan atas pilihan Anda" in page
    # The command line takes it too.
    assert services.header_match(second).ok


def test_the_screen_says_a_monthly_turnover_is_multiplied_and_names_what_was_imported(staff_client):
    upload(staff_client, issue_sheet())
    run = ImportRun.objects.get()
    page = staff_client.get(reverse("imports:run-detail", args=[run.pk])).content.decode()
    assert "Nilai per bulan dikalikan 12 menjadi setahun" in page
    assert "Kolom nomor urut, dilewati" in page
    staff_client.post(
        reverse("imports:run-preview", args=[run.pk]), {f"col_{i}": k for i, k in enumerate(run.mapping)}
    )
    staff_client.post(reverse("imports:run-confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
    review = staff_client.get(reverse("imports:run-detail", args=[run.pk])).content.decode()
    business = Business.objects.get(name="Amplang Bu Siti")
    assert "usaha Amplang Bu Siti" in review and "pelaku usaha Siti Aminah" in review
    assert reverse("registry:business-detail", args=[business.pk]) in review
    assert f"usaha #{business.pk}" not in review
    assert "<details" in review and run.checksum in review.split("<details", 1)[1].split("</details>")[0]
    assert run.samples == []  # the values shown for mapping go with the file


@pytest.mark.parametrize("persona", ["owner_client", "viewer_client", "anon_client"])
def test_roles_without_the_import_permission_reach_no_mapping_screen(persona, request, staff_client):
    upload(staff_client, unplaced_file())
    run = ImportRun.objects.get()
    client = request.getfixturevalue(persona)
    assert client.get(reverse("imports:run-detail", args=[run.pk])).status_code in (302, 403)
    chosen = {f"col_{i}": key for i, key in enumerate(run.mapping)} | {"col_5": "capital"}
    assert client.post(reverse("imports:run-preview", args=[run.pk]), chosen).status_code in (302, 403)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.NEW and not HeaderMapping.objects.exists()


def test_staff_reach_no_budget_mapping_screen(staff_client, admin_user):
    data = csv_bytes([["Sumber Dana", "Tahun Anggaran", "Pagu", "Aneh"], ["APBD Kota", "2026", "1", "x"]])
    run = services.import_start(kind="pagu", file_name="p.csv", data=data, by=admin_user)
    assert staff_client.get(reverse("imports:run-detail", args=[run.pk])).status_code == 403
    chosen = {"col_0": "source", "col_1": "fiscal_year", "col_2": "amount", "col_3": ""}
    assert staff_client.post(reverse("imports:run-preview", args=[run.pk]), chosen).status_code == 403
    assert not HeaderMapping.objects.exists()
