"""Owners with businesses, from file to registry, through the import services."""

import csv
import io
from pathlib import Path

import pytest

from pembinaan.imports import services
from pembinaan.imports.models import ImportedRecord, ImportRun
from pembinaan.progress.models import Target
from pembinaan.progress.selectors import check_aggregates, coached_businesses
from pembinaan.progress.services import rebuild
from pembinaan.reference.models import Kelurahan
from pembinaan.registry import services as registry
from pembinaan.registry.models import Business, BusinessSource, BusinessStatus, Owner
from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.factories import BusinessFactory, OwnerFactory, make_nik
from tests.imports.files import HEADER, csv_bytes, xlsx

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


def run(data, name="data.xlsx", *, by=None, dry_run=False, valid_rows_only=False, assigned=None):
    return services.run_file(
        kind="usaha", file_name=name, data=data, by=by, dry_run=dry_run, valid_rows_only=valid_rows_only,
        assigned=assigned,
    )  # fmt: skip


def errors_of(run):
    return {(row, column): message for row, column, message in run.errors}


def test_a_clean_file_creates_verified_imported_businesses_with_their_owners(staff_user):
    nik = make_nik()
    data = xlsx(
        [
            HEADER,
            [
                nik,
                "Siti Aminah",
                "",
                "0812-3456-7890",
                "Warung Siti",
                "",
                "Banjarmasin Utara",
                "Sungai Miai",
                120_000_000,  # a number cell, as Excel stores amounts: accepted (unlike a NIK)
            ],
        ]
    )
    result = run(data, by=staff_user)
    assert result.status == ImportRun.Status.DONE
    assert (result.created_count, result.refused_count) == (1, 0)
    business = Business.objects.get(name="Warung Siti")
    assert business.source == BusinessSource.IMPORT
    assert business.status == BusinessStatus.VERIFIED
    assert business.kelurahan.name == "Sungai Miai"
    assert business.annual_sales == 120_000_000 and business.scale == "mikro"
    assert business.owner.nik == nik and business.owner.gender == "L"
    assert business.owner.phone == "+6281234567890"
    assert ImportedRecord.objects.filter(
        run=result, model="registry.business", object_id=business.pk
    ).exists()
    assert business.history.count() == 1 and business.status_changes.count() == 1


def test_a_dry_run_changes_nothing(staff_user):
    data = xlsx([HEADER, [make_nik(), "Siti", "", "", "Warung", "", "", "Mawar", ""]])
    result = run(data, by=staff_user, dry_run=True)
    assert result.created_count == 1
    assert not Business.objects.exists() and not Owner.objects.filter(name="Siti").exists()


def test_niks_that_excel_turned_into_numbers_are_refused_with_the_reason(staff_user):
    data = xlsx(
        [
            HEADER,
            [6371012345670001, "Angka", "", "", "Toko A", "", "", "Mawar", ""],
            ["6.37101E+15", "Ilmiah", "", "", "Toko B", "", "", "Mawar", ""],
            ["6371012345670001.0", "Titik nol", "", "", "Toko C", "", "", "Mawar", ""],
        ]
    )
    result = run(data, by=staff_user, dry_run=True)
    assert result.refused_count == 3
    errors = errors_of(result)
    for row in (2, 3, 4):
        assert "diubah Excel menjadi angka" in errors[(row, "NIK")]


def test_a_messy_file_is_read_as_people_write_it(staff_user):
    existing_nik = make_nik()
    existing = OwnerFactory(nik=existing_nik, name="Hj. Rahmah", phone="")
    twin_nik = make_nik(female=True)
    rows = [
        ["Nama Pemilik ", "NIK", "No. Telp/WA", "NAMA UMKM", "Kel.", "Kec.", "Omset"],
        ["  Rahmah ", existing_nik, "+62 812 1111 2222", "Amplang Rahmah", "kel. sei miai", "BANJARMASIN UTARA", "Rp 60.000.000"],
        [None, None, None, None, None, None, None],
        ["Dewi", twin_nik, "0812.3333.4444", "Sasirangan Dewi", "Kelurahan  Mawar", "Kec. Banjarmasin Tengah", "250000000"],
        ["Dewi", twin_nik, "0812.3333.4444", "Sasirangan Dewi", "Kelurahan  Mawar", "Kec. Banjarmasin Tengah", "250000000"],
        ["Eko", "", "6281255556666", "Kopi Eko", "Pasar Lama", "", ""],
    ]  # fmt: skip
    data = xlsx(rows, title_rows=2)
    result = run(data, by=staff_user, valid_rows_only=True)
    assert result.header_row == 3
    errors = errors_of(result)
    # Eko has neither NIK nor gender: refused as the web form would.
    assert list(errors) == [(8, "Jenis Kelamin")]
    assert (result.created_count, result.skipped_count) == (2, 1)
    assert any("baris ganda" in note and row == 7 for row, note in result.notes)
    existing.refresh_from_db()
    assert existing.phone == "+6281211112222" and existing.name == "Rahmah"
    assert existing.businesses.get().kelurahan.name == "Sungai Miai"
    dewi = Owner.objects.get(nik=twin_nik)
    assert dewi.gender == "P" and dewi.phone == "+6281233334444"
    assert dewi.businesses.get().annual_sales == 250_000_000


def test_a_row_matching_an_existing_business_updates_only_the_columns_present(staff_user):
    business = BusinessFactory(nib="1234567890123", annual_sales=10_000_000, products="Kue")
    data = csv_bytes(
        [["NIB", "Nama Pemilik", "Nama Usaha", "Kelurahan", "Omzet"],
         ["'1234567890123", business.owner.name, business.name, business.kelurahan.name, "20.000.000"]],
        delimiter=";",
    )  # fmt: skip
    preview = run(data, name="x.csv", by=staff_user, dry_run=True)
    assert (preview.created_count, preview.updated_count) == (0, 1)
    assert "Omzet per Tahun" in preview.notes[0][1]
    run(data, name="x.csv", by=staff_user)
    business.refresh_from_db()
    assert business.annual_sales == 20_000_000 and business.products == "Kue"
    assert Business.objects.count() == 1
    again = run(data, name="x.csv", by=staff_user)
    assert (again.updated_count, again.skipped_count) == (0, 1)


def test_a_business_with_the_same_name_in_the_same_kelurahan_is_matched_not_duplicated(staff_user):
    business = BusinessFactory(name="Warung Acil", nib=None)
    data = csv_bytes(
        [["Nama Pemilik", "Nama Usaha", "Kelurahan", "Produk"],
         [business.owner.name, "WARUNG  ACIL", business.kelurahan.name, "Soto Banjar"]]
    )  # fmt: skip
    result = run(data, name="x.csv", by=staff_user)
    assert result.updated_count == 1
    business.refresh_from_db()
    assert business.products == "Soto Banjar" and Business.objects.count() == 1


def test_unknown_kelurahan_names_the_closest_candidates(staff_user):
    data = csv_bytes([["Nama Pemilik", "JK", "Nama Usaha", "Kelurahan"], ["Ani", "P", "Toko", "Pelambuwan"]])
    result = run(data, name="x.csv", by=staff_user, dry_run=True)
    assert "Pelambuan" in errors_of(result)[(2, "Kelurahan")]


def test_a_kelurahan_outside_the_given_kecamatan_is_refused(staff_user):
    data = csv_bytes(
        [
            ["Nama Pemilik", "JK", "Nama Usaha", "Kelurahan", "Kecamatan"],
            ["Ani", "P", "Toko", "Mawar", "Bjm Selatan"],
        ]
    )
    result = run(data, name="x.csv", by=staff_user, dry_run=True)
    assert "tidak berada di Kecamatan Banjarmasin Selatan" in errors_of(result)[(2, "Kelurahan")]


@pytest.mark.parametrize(
    "encoding,bom,delimiter", [("utf-8", False, ","), ("utf-8", True, ";"), ("cp1252", False, ";")]
)
def test_csv_in_any_common_encoding_and_delimiter_is_read(staff_user, encoding, bom, delimiter):
    rows = [
        ["Nama Pemilik", "Jenis Kelamin", "Nama Usaha", "Kelurahan"],
        ["José Müller", "L", "Café Über", "Mawar"],
    ]
    result = run(
        csv_bytes(rows, encoding=encoding, bom=bom, delimiter=delimiter), name="x.csv", by=staff_user
    )
    assert result.created_count == 1
    assert Business.objects.get().owner.name == "José Müller"


def test_the_surakarta_sample_is_read_and_every_row_reported(staff_user):
    data = (DATA / "surakarta_umkm.csv").read_bytes()
    # Its category (not a KBLI letter) and coordinates have no place in the registry: refused until
    # they are ignored on purpose (issue 19).
    with pytest.raises(services.MappingIncomplete) as refused:
        run(data, name="surakarta_umkm.csv", by=staff_user, dry_run=True)
    assert [c.header for c in refused.value.match.unplaced] == ["Kategori", "lat", "lng"]
    assert not ImportRun.objects.exists()
    ignored = {"Kategori": "", "lat": "", "lng": ""}
    result = run(data, name="surakarta_umkm.csv", by=staff_user, dry_run=True, assigned=ignored)
    # Some descriptions are quoted and run over two lines: count records, not lines.
    records = list(csv.reader(io.StringIO(data.decode("cp1252"), newline=""), delimiter=";"))[1:]
    assert result.rows_total == len(records) == 11158
    assert result.refused_count == result.rows_total and result.created_count == 0
    errors = errors_of(result)
    assert 'Kelurahan "Surakarta" tidak dikenal.' in errors[(2, "Kelurahan")]
    assert 'Kecamatan "Surakarta" tidak dikenal.' in errors[(2, "Kecamatan")]
    assert errors[(2, "Nama Pemilik")] == "Wajib diisi."
    assert not Business.objects.exists()


def test_imported_changes_keep_the_dashboard_aggregates_true(staff_user):
    # A coached business, with the dashboard's aggregates built as after a bulk load.
    ParticipationFactory(activity=ActivityFactory(), business=BusinessFactory(), status="hadir")
    target = Target.primary()
    rebuild(target)
    coached = coached_businesses(period_start=target.period_start, period_end=target.period_end).get()
    registry.business_update(business=coached, by=staff_user, nib="9876543210123")
    other = (
        Kelurahan.objects.exclude(pk=coached.kelurahan_id)
        .exclude(kecamatan=coached.kelurahan.kecamatan)
        .first()
    )
    data = csv_bytes(
        [["NIB", "Nama Pemilik", "Nama Usaha", "Kelurahan", "Omzet"],
         ["9876543210123", coached.owner.name, coached.name, other.name, "20.000.000.000"]]
    )  # fmt: skip
    result = run(data, name="x.csv", by=staff_user)
    assert result.updated_count == 1
    coached.refresh_from_db()
    assert coached.kelurahan == other and coached.scale == "menengah"
    assert check_aggregates(target) == []


def test_the_models_own_rules_refuse_rows_as_the_form_would(staff_user):
    header = ["Nama Pemilik", "JK", "Nama Usaha", "Kelurahan", "Tahun Mulai", "Kategori KBLI", "Kode KBLI"]
    rows = [header, ["Ani", "P", "Toko A", "Mawar", "1850", "C", "10792"], ["Budi", "L", "Toko B", "Mawar", "2010", "G", "10792"],
            ["Cici", "P", "Toko C", "Mawar", "1850", "C", "10792"], ["Dodi", "L", "Toko D", "Mawar", "2010", "C", "10792"]]  # fmt: skip
    result = run(csv_bytes(rows), name="x.csv", by=staff_user, dry_run=True)
    errors = errors_of(result)
    assert "antara 1900" in errors[(2, "Tahun Mulai")] and "antara 1900" in errors[(4, "Tahun Mulai")]
    assert "termasuk kategori C, bukan G" in errors[(3, "Kode KBLI")]
    assert result.created_count == 1
