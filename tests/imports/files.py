"""Spreadsheets built in memory for the import tests."""

from __future__ import annotations

import csv
import io

import openpyxl

HEADER = ["NIK", "Nama Pemilik", "Jenis Kelamin", "No HP", "Nama Usaha", "NIB", "Kecamatan", "Kelurahan",
          "Omzet per Tahun"]  # fmt: skip


def xlsx(rows: list[list], *, title_rows: int = 0) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for i in range(title_rows):
        sheet.append([f"DATA UMKM BINAAN {2024 + i}"])
        sheet.merge_cells(start_row=i + 1, start_column=1, end_row=i + 1, end_column=5)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8", bom: bool = False) -> bytes:
    # Quoted as Excel quotes (names like "Ir. Bagus, S.T." hold the delimiter).
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(
        [["" if v is None else v for v in row] for row in rows]
    )
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data
