"""Reading an export back the way a user's spreadsheet program would: .xlsx with openpyxl, CSV as UTF-8."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

BOM = "\ufeff".encode()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def content_of(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


def workbook_of(response):
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(content_of(response)))


def rows_of(response) -> list[list]:
    """Every row of the file, the header first; empty cells as None (xlsx) or "" (CSV)."""
    if response["Content-Type"].startswith("text/csv"):
        content = content_of(response)
        assert content.startswith(BOM), "CSV must start with a UTF-8 BOM for Excel"
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert response["Content-Type"] == XLSX
    workbook = load_workbook(io.BytesIO(content_of(response)), read_only=True)
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    # Read-only mode leaves out empty cells at the end of a row.
    width = max(map(len, rows))
    return [row + [None] * (width - len(row)) for row in rows]


def records_of(response) -> list[dict]:
    header, *rows = rows_of(response)
    return [dict(zip(header, row, strict=True)) for row in rows]
