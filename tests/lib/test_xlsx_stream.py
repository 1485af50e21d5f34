"""The streaming .xlsx writer of exports: what spreadsheet programs and our importer read back."""

from __future__ import annotations

import datetime
import decimal
import io

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from pembinaan.lib.exports import XlsxStream, safe_cell

ROW = [
    "Warung <Acil> & Sons",
    " spasi di tepi ",
    "baris\nkedua",
    "'=1+1",
    "",
    None,
    1_250_000_000,
    2.5,
    decimal.Decimal("12.50"),
    True,
    datetime.date(2024, 2, 29),
    datetime.datetime(2024, 2, 29, 13, 45),
    "Ümmü – 日本",
]


def _written(rows: list[list], *, title: str = "Daftar usaha") -> bytes:
    file = io.BytesIO()
    with XlsxStream(file, title=title, widths=[14] * len(ROW)) as sheet:
        sheet.header([f"Kolom {i}" for i in range(len(ROW))])
        for row in rows:
            sheet.row(row)
    return file.getvalue()


def test_openpyxl_reads_back_every_kind_of_value_and_the_bold_frozen_header():
    book = load_workbook(io.BytesIO(_written([ROW, ROW])))
    sheet = book.active

    assert sheet.title == "Daftar usaha"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "Kolom 0" and sheet["A1"].font.b
    values = [c.value for c in sheet[2]]
    expected = [*ROW[:4], None, None, *ROW[6:8], 12.5, True, datetime.datetime(2024, 2, 29), ROW[11], ROW[12]]
    assert values == expected
    assert sheet["K2"].is_date and sheet["L2"].is_date
    assert sheet["G2"].data_type == "n"
    assert sheet.max_row == 3


def test_the_importers_reader_reads_it_too():
    rows = CalamineWorkbook.from_filelike(io.BytesIO(_written([ROW]))).get_sheet_by_index(0).to_python()

    assert rows[1][0] == "Warung <Acil> & Sons"
    assert rows[1][6] == 1_250_000_000
    assert rows[1][10] == datetime.date(2024, 2, 29)


def test_an_empty_export_is_a_workbook_with_just_the_header():
    sheet = load_workbook(io.BytesIO(_written([]))).active

    assert [c.value for c in sheet[1]][:2] == ["Kolom 0", "Kolom 1"]
    assert sheet.max_row == 1


def test_a_sheet_title_with_quotes_and_ampersands_stays_a_valid_workbook():
    assert (
        load_workbook(io.BytesIO(_written([ROW], title='Peserta "A" & B'))).active.title == 'Peserta "A" & B'
    )


def test_safe_cell_still_strips_control_characters_before_neutralising():
    assert safe_cell("\x01=1+1") == "'=1+1"
    assert safe_cell("a\x0bb") == "ab"
    assert safe_cell("biasa saja") == "biasa saja"


def test_csv_cells_are_neutralised_cleaned_and_formatted_as_before():
    import csv

    from pembinaan.lib.exports import Column, csv_pieces

    rows = [
        ["\x01=1+1", "+62", None, 7, datetime.datetime(2024, 2, 29, 13, 45), datetime.date(2024, 2, 29), True]
    ]
    columns = [Column(f"K{i}", lambda r, i=i: r[i]) for i in range(len(rows[0]))]

    text = b"".join(csv_pieces(columns, rows)).decode("utf-8-sig")

    header, row = csv.reader(io.StringIO(text, newline=""))
    assert header == [f"K{i}" for i in range(7)]
    assert row == ["'=1+1", "'+62", "", "7", "2024-02-29 13:45", "2024-02-29", "True"]
