"""Headers as people write them place their column, or say why not (issue 19).

The spellings below come from the sheets dinas offices send: UMKM lists with title rows and capitals,
SIDT/ODS-style data templates, BPS survey forms, DPA budget extracts and grant recipient lists.
"""

import pytest

from pembinaan.imports.columns import guess_mapping
from pembinaan.imports.headers import (
    Column,
    HeaderMatcher,
    find_header_row,
    header_fingerprint,
    is_row_number,
    match_headers,
    read_header,
)
from pembinaan.imports.importers import registration
from pembinaan.imports.services import columns_for, matcher_for

KINDS = ("usaha", "peserta", "capaian", "pagu", "bantuan")


def matcher(kind):
    return matcher_for(kind)


def place(kind, header):
    return matcher(kind).place(0, header)


PLACED = [
    # Owners and businesses: a dinas UMKM list.
    ("usaha", "NAMA PEMILIK", "owner_name"),
    ("usaha", "Nama Pelaku Usaha", "owner_name"),
    ("usaha", "Nama Pengusaha", "owner_name"),
    ("usaha", "Nama Penanggung Jawab", "owner_name"),
    ("usaha", "NIK (16 digit)", "nik"),
    ("usaha", "No. KTP", "nik"),
    ("usaha", "Nomor Induk Kependudukan", "nik"),
    ("usaha", "ALAMAT USAHA", "address"),
    ("usaha", "Alamat Lengkap", "address"),
    ("usaha", "Alamat KTP", "owner_address"),
    ("usaha", "Alamat Rumah Pemilik", "owner_address"),
    ("usaha", "Kel.", "kelurahan"),
    ("usaha", "Kec.", "kecamatan"),
    ("usaha", "Kelurahan/Desa", "kelurahan"),
    ("usaha", "Desa/Kel", "kelurahan"),
    ("usaha", "Nama Desa", "kelurahan"),
    ("usaha", "Kelurhan", "kelurahan"),  # mistyped
    ("usaha", "No. HP/WA", "phone"),
    ("usaha", "NO. HP/WA", "phone"),
    ("usaha", "No Telp / HP", "phone"),
    ("usaha", "Kontak (WA)", "phone"),
    ("usaha", "Nomor HP atau WA", "phone"),
    ("usaha", "Tlpn", "phone"),
    ("usaha", "No HP Pemilik", "phone"),
    ("usaha", "Email/Surel", "email"),
    ("usaha", "E-mail", "email"),
    ("usaha", "NPWP", "npwp"),
    ("usaha", "Nama Usaha", "name"),
    ("usaha", "NAMA UMKM", "name"),
    ("usaha", "Merek", "name"),
    ("usaha", "Nama Usaha/Merek", "name"),
    ("usaha", "OMZET (Rp/bulan)", "annual_sales"),
    ("usaha", "Omset per Tahun (Rp)", "annual_sales"),
    ("usaha", "Penjualan/Tahun", "annual_sales"),
    ("usaha", "Rata-rata Omzet per Bulan", "annual_sales"),
    ("usaha", "Pendapatan (Rp/bln)", "annual_sales"),
    ("usaha", "Omzet Tahun 2024", "annual_sales"),
    ("usaha", "Jml Tenaga Kerja (orang)", "employees"),
    ("usaha", "TK", "employees"),
    ("usaha", "Jumlah Karyawan", "employees"),
    ("usaha", "Modal Usaha (Rp)", "capital"),
    ("usaha", "Jenis Usaha", "products"),
    ("usaha", "Produk/Jasa", "products"),
    ("usaha", "Komoditi", "products"),
    ("usaha", "Bidang Usaha", "kbli_category"),
    ("usaha", "Sektor", "kbli_category"),
    ("usaha", "KBLI", "kbli_code"),
    ("usaha", "Kode KBLI 2020", "kbli_code"),
    ("usaha", "NIB", "nib"),
    ("usaha", "No. NIB/IUMK", "nib"),
    ("usaha", "Nomor Induk Berusaha (NIB)", "nib"),
    ("usaha", "Tahun Berdiri", "start_year"),
    ("usaha", "Thn Mulai Usaha", "start_year"),
    ("usaha", "Jenis Kelamin", "gender"),
    ("usaha", "L/P", "gender"),
    ("usaha", "JK", "gender"),
    ("usaha", "Jenis Kelamin (L/P)", "gender"),
    # Exports of other applications: snake_case and camelCase keys.
    ("usaha", "nama_pemilik", "owner_name"),
    ("usaha", "namaPemilik", "owner_name"),
    ("usaha", "noHp", "phone"),
    ("usaha", "WhatsApp", "phone"),
    ("usaha", "jenisKelamin", "gender"),
    ("usaha", "Nama Perusahaan", "name"),
    # Participants: an attendance list.
    ("peserta", "NIK Pemilik", "nik"),
    ("peserta", "Nama UMKM", "name"),
    ("peserta", "Status Kehadiran", "status"),
    ("peserta", "Presensi", "status"),
    # Outcomes: certificates and loans obtained.
    ("capaian", "Jenis Capaian", "outcome_type"),
    ("capaian", "Tgl Terbit", "achieved_on"),
    ("capaian", "No. Sertifikat", "reference_number"),
    ("capaian", "Lembaga Penerbit", "institution"),
    ("capaian", "Nilai (Rp)", "amount"),
    ("capaian", "Ket.", "note"),
    # Budget lines: a DPA extract.
    ("pagu", "Sumber Dana", "source"),
    ("pagu", "Tahun Anggaran", "fiscal_year"),
    ("pagu", "TA", "fiscal_year"),
    ("pagu", "Pagu (Rp)", "amount"),
    ("pagu", "Nama Kegiatan", "programme"),
    ("pagu", "Program/Sub Kegiatan", "programme"),
    ("pagu", "Kode Rekening", "budget_code"),
    # Grants: a recipients' list.
    ("bantuan", "Nama Kegiatan", "round"),
    ("bantuan", "Nilai Bantuan (Rp)", "amount"),
    ("bantuan", "Jenis Bantuan", "form"),
    ("bantuan", "Tgl Pencairan", "disbursed_on"),
    ("bantuan", "Tanggal Usulan", "date"),
    ("bantuan", "Kode Rekening/DPA", "budget_code"),
]


@pytest.mark.parametrize(("kind", "header", "field"), PLACED, ids=[f"{k}:{h}" for k, h, _f in PLACED])
def test_a_header_as_people_write_it_places_its_column(kind, header, field):
    column = place(kind, header)
    assert column.field == field, column.message
    assert not column.row_number
    assert column.message


UNPLACED = [
    # Fields the portal does not keep, or keeps under another rule.
    ("usaha", "Aset"),  # the registry keeps capital excluding land and buildings, not assets
    ("usaha", "Tgl Lahir"),  # the birth date comes from the NIK (rule 3b)
    ("usaha", "Tempat/Tgl Lahir"),
    ("usaha", "Nama Ibu Kandung"),
    ("usaha", "Laba Bersih per Bulan"),  # profit is not turnover
    ("usaha", "Target Omzet"),
    ("usaha", "Kebutuhan Modal"),
    ("usaha", "Nama Kegiatan"),  # a coaching activity, not what the business makes
    ("usaha", "No. KK"),  # the family card number is not the NIK
    ("usaha", "Skala Usaha"),  # derived from sales or capital (rule 5)
    ("usaha", "Badan Usaha"),  # the legal form, not the business name
    ("usaha", "Kode Pos"),
    ("peserta", "Nama Peserta"),  # participants are found by NIB, NIK or business name
    ("peserta", "Tanggal Kegiatan"),
    ("capaian", "Tanggal Kegiatan"),
    ("bantuan", "Tanggal Kegiatan"),
    ("bantuan", "Sumber Dana"),  # follows from the budget line
]


@pytest.mark.parametrize(("kind", "header"), UNPLACED, ids=[f"{k}:{h}" for k, h in UNPLACED])
def test_a_header_that_names_no_field_is_unplaced_with_its_name_in_the_message(kind, header):
    column = place(kind, header)
    assert column.field is None
    assert column.reason == "unknown"
    assert column.unplaced
    assert column.message == f"Kolom “{header}” tidak dikenali"


@pytest.mark.parametrize(
    "header", ["No", "No.", "NO", "NO.", "Nomor Urut", "No Urut", "No. Urut", "#", "Nmr"]
)
@pytest.mark.parametrize("kind", KINDS)
def test_a_row_number_column_is_recognised_and_skipped(kind, header):
    column = place(kind, header)
    assert column.row_number
    assert column.field is None
    assert not column.unplaced
    assert column.message == "Kolom nomor urut, dilewati"


def test_nomor_alone_is_a_document_number_unless_the_values_count_the_rows():
    m = matcher_for("capaian")
    assert m.place(0, "Nomor").field == "reference_number"
    assert m.place(0, "Nomor", ["1", "2", "3"]).row_number
    assert m.place(0, "Nomor", ["503/12/DKUMTK", "503/13/DKUMTK"]).field == "reference_number"
    assert is_row_number("", ["1.0", "2.0", "3.0"])
    assert not is_row_number("", ["7", "3", "12"])


def test_the_issue_sheet_places_the_phone_and_turnover_columns_it_used_to_drop():
    headers = ["NO", "NAMA PEMILIK", "NIK", "NAMA USAHA", "ALAMAT USAHA", "KEL.", "KEC.", "NO. HP/WA",
               "OMZET (Rp/bulan)", "JML TK"]  # fmt: skip
    result = matcher("usaha").match(headers)
    assert result.ok, result.problems
    assert result.mapping == ["", "owner_name", "nik", "name", "address", "kelurahan", "kecamatan", "phone",
                              "annual_sales", "employees"]  # fmt: skip
    assert [c.header for c in result.row_numbers] == ["NO"]
    assert result.unplaced == ()
    assert result.factors == {"annual_sales": 12}
    turnover = result.columns[8]
    assert (turnover.period, turnover.period_factor, turnover.factor) == ("bulan", 12, 12)
    assert "Nilai per bulan dikalikan 12 menjadi setahun" in turnover.message
    # What the fixed alias list made of the same row: both columns silently dropped.
    old = guess_mapping(headers, columns_for("usaha"))
    assert old[7] == "" and old[8] == ""


def test_a_yearly_or_unmarked_turnover_is_taken_as_it_is():
    for header in ("Omset per Tahun (Rp)", "Penjualan/Tahun", "Omzet", "Omzet (Rp)"):
        column = place("usaha", header)
        assert column.field == "annual_sales"
        assert column.factor == 1, header


def test_a_per_month_amount_of_a_field_that_is_not_yearly_is_not_multiplied():
    column = place("capaian", "Nilai (Rp/bulan)")
    assert column.field == "amount"
    assert column.period == "bulan"
    assert column.factor == 1


def test_a_unit_in_thousands_or_millions_is_reported_as_a_factor():
    millions = place("usaha", "Omzet (Rp juta/tahun)")
    assert (millions.field, millions.unit_factor, millions.factor) == ("annual_sales", 1_000_000, 1_000_000)
    assert "Nilai dikalikan 1.000.000 sesuai satuan di judul kolom" in millions.message
    thousands = place("usaha", "OMZET PER BULAN (Rp 000)")
    assert thousands.factor == 12 * 1000


def test_two_columns_claiming_one_field_are_a_conflict_not_a_pick():
    result = matcher("usaha").match(["Nama Pemilik", "No HP", "No WA", "Kelurahan"])
    assert not result.ok
    assert result.mapping == ["owner_name", "", "", "kelurahan"]
    (conflict,) = result.conflicts
    assert conflict.field == "phone"
    assert conflict.columns == (1, 2)
    assert conflict.headers == ("No HP", "No WA")
    assert (
        conflict.message == "Kolom “No HP” dan “No WA” sama-sama berisi No HP: pilih satu, abaikan yang lain"
    )
    assert [c.reason for c in result.columns[1:3]] == ["conflict", "conflict"]
    assert [c.candidate for c in result.columns[1:3]] == ["phone", "phone"]
    assert conflict.message in result.problems


def test_employees_split_by_gender_and_turnover_before_and_after_coaching_are_conflicts():
    headers = ["Jumlah Karyawan Laki-laki", "Jumlah Karyawan Perempuan", "Omzet Sebelum Pembinaan",
               "Omzet Sesudah Pembinaan"]  # fmt: skip
    result = matcher("usaha").match(headers)
    assert {c.field: c.columns for c in result.conflicts} == {"employees": (0, 1), "annual_sales": (2, 3)}


def test_a_header_naming_two_fields_is_unplaced_with_both_named():
    column = place("usaha", "Kecamatan/Kelurahan")
    assert column.field is None
    assert column.reason == "ambiguous"
    assert column.unplaced
    assert set(column.others) == {"kecamatan", "kelurahan"}
    assert column.message == "Kolom “Kecamatan/Kelurahan” bisa berisi Kecamatan, Kelurahan: pilih salah satu"


def test_the_users_choice_wins_and_an_ignored_column_is_not_unplaced():
    headers = ["No", "Nama Pemilik", "No HP", "No WA", "Aset", "Kelurahan", "Nama Usaha"]
    result = matcher("usaha").match(headers, assigned={"NO WA": "", "aset": "", "No. HP": "phone"})
    assert result.ok, result.problems
    assert result.mapping == ["", "owner_name", "phone", "", "", "kelurahan", "name"]
    assert [c.reason for c in result.columns[2:5]] == ["assigned", "ignored", "ignored"]
    with pytest.raises(ValueError):
        matcher("usaha").match(headers, assigned={"Aset": "assets"})


def test_a_column_assigned_by_hand_keeps_the_period_of_its_header():
    result = matcher("usaha").match(["Pemasukan per Bulan"], assigned={"Pemasukan per Bulan": "annual_sales"})
    assert result.factors == {"annual_sales": 12}


def test_required_columns_that_no_header_fills_are_listed():
    result = matcher("usaha").match(["NIK", "No. HP/WA"])
    assert {c.key for c in result.missing} == {"owner_name", "name", "kelurahan"}
    # A required field claimed twice is a conflict, not missing.
    result = matcher("usaha").match(["Nama Pemilik", "Nama Usaha", "Kel.", "Desa"])
    assert result.missing == ()
    assert [c.field for c in result.conflicts] == ["kelurahan"]


def test_an_empty_header_is_skipped_when_empty_and_unplaced_when_it_holds_data():
    result = matcher("usaha").match(
        ["Nama Pemilik", "", "", "Nama Usaha"], samples=[["Siti", "", "x", "Toko"]]
    )
    assert result.columns[1].reason == "empty"
    assert result.columns[2].reason == "unknown"
    assert result.columns[2].message == "Kolom ke-3 tanpa judul berisi data"
    assert [c.index for c in result.unplaced] == [2]


@pytest.mark.parametrize("kind", KINDS)
def test_every_template_header_alias_and_synonym_places_its_own_column(kind):
    # What the fixed alias list placed is still placed: nothing that imported before is lost.
    columns = columns_for(kind)
    m = matcher_for(kind)
    words = registration(kind).importer.header_words
    for column in columns:
        for text in (column.label, column.key, *column.aliases, *words.get(column.key, ())):
            assert m.place(0, text).field == column.key, (kind, text)


@pytest.mark.parametrize("kind", KINDS)
def test_the_template_header_row_maps_completely(kind):
    columns = columns_for(kind)
    result = matcher_for(kind).match([c.label for c in columns])
    assert result.ok, result.problems
    assert result.mapping == [c.key for c in columns]


def test_a_header_is_read_into_alternatives_period_and_unit():
    reading = read_header("No. HP/WA")
    assert reading.whole == ("nomor", "hp", "whatsapp")
    assert set(reading.parts) == {("nomor", "hp"), ("whatsapp",)}
    assert read_header("OMZET (Rp/bulan)").whole == ("omzet",)
    assert read_header("OMZET (Rp/bulan)").period == "bulan"
    assert read_header("Omset per Tahun (Rp)").period == "tahun"
    assert read_header("Jml Tenaga Kerja (orang)").whole == ("jumlah", "tenaga", "kerja")
    assert read_header("Nama Pelaku UMKM").whole == ("nama", "pemilik")


def test_any_column_spec_works_with_synonyms_and_yearly_fields_of_its_own():
    columns = (Column("sales", "Sales"), Column("village", "Village"))
    result = match_headers(
        ["Omzet/bln", "Kel."],
        columns,
        synonyms={"sales": ["omzet"], "village": ["kelurahan"]},
        yearly=["sales"],
    )
    assert result.mapping == ["sales", "village"]
    assert result.factors == {"sales": 12}
    with pytest.raises(ValueError):
        HeaderMatcher(columns, synonyms={"owner": ["pemilik"]})


def test_the_fingerprint_of_a_header_row_ignores_how_it_was_typed():
    a = header_fingerprint(["NO.", "NAMA PEMILIK", "No. HP/WA", "OMZET (Rp/bulan)", "", ""])
    b = header_fingerprint(["No", "Nama Pemilik", "no hp wa", "Omzet Rp bulan"])
    assert a == b
    assert a != header_fingerprint(["No", "Nama Pemilik", "No HP", "Omzet"])


def test_three_columns_claiming_one_field_are_named_in_one_conflict():
    result = matcher("usaha").match(["No HP", "No WA", "Telp Rumah"])
    (conflict,) = result.conflicts
    assert conflict.columns == (0, 1, 2)
    assert conflict.message.startswith("Kolom “No HP”, “No WA” dan “Telp Rumah” sama-sama berisi No HP")


def test_the_header_row_is_found_below_title_rows_and_merged_cells():
    rows = [
        ["DATA UMKM BINAAN DINAS KOPERASI, USAHA MIKRO DAN TENAGA KERJA", "", "", "", ""],
        ["KOTA BANJARMASIN TAHUN 2024", "", "", "", ""],
        ["", "", "", "", ""],
        ["NO", "NAMA PEMILIK", "NAMA USAHA", "NO. HP/WA", "OMZET (Rp/bulan)"],
        ["1", "Siti Aminah", "Amplang Bu Siti", "0812-5000-1234", "4.500.000"],
    ]
    m = matcher("usaha")
    assert find_header_row(rows, m) == 3
    assert find_header_row(rows[:3], m) is None
