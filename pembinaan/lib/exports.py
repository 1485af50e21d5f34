"""Spreadsheet exports: what every file the portal hands out must be, in one place (issue 7).

- A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets an apostrophe in
  front, so no spreadsheet program runs it as a formula when the file is opened (CSV/formula
  injection); the value stays readable (`'=1+1`), and the importer strips the apostrophe. Phone
  numbers are written as the screen shows them (`0812-3456-7890`), so they need no apostrophe.
- CSV streams in pieces (UTF-8 with a BOM, so Excel reads the encoding right); .xlsx is written by
  openpyxl's write-only workbook into an anonymous temporary file, which is then streamed. Neither
  holds the rows in memory, so a list of 100,000 businesses takes constant memory.
- Money stays a whole number and a date a date, so the sheet can sum and sort them.
- A list longer than `EXPORT_INLINE_MAX_ROWS` is written by a background job instead
  (pembinaan/jobs/export_jobs.py) from the same `ExportTable`, so both paths keep the same rules.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMATS = ("xlsx", "csv")
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows handed to the CSV response per piece, and the batch size of the row iterators.
CSV_LINES_PER_PIECE = 500
BATCH_SIZE = 2000


@dataclass(frozen=True)
class Column:
    """One column of an export: its (Indonesian) header and how a row gives its value."""

    header: str | Promise
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class ExportTable:
    """One export, ready to be written to a response or to a file, and not yet read.

    `rows` is lazy (nothing is read, and no full-NIK access is logged, until it is iterated), so
    `count()` can decide first whether the export runs in the request or in the background.
    `permissions` are those the file's content needed, full-NIK included when the NIKs are whole:
    a background job's download checks them again.
    """

    columns: list[Column]
    rows: Iterable[Any]
    filename: str
    title: str | Promise
    count: Callable[[], int]
    permissions: tuple[str, ...]


def choice_labels(choices) -> dict[str, str]:
    """Choice labels translated once per export: a gettext per cell costs more than the query."""
    return {value: str(label) for value, label in choices}


def safe_cell(value: Any) -> Any:
    """The value as a cell may hold it: neutralised text, local naive datetimes, numbers unchanged."""
    if value is None:
        return None
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        # Control characters are not allowed in .xlsx; removed first so none can hide a leading "=".
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(DANGEROUS_PREFIXES):
            return "'" + value
        return value
    if isinstance(value, datetime.datetime):
        # Spreadsheets have no time zones: the wall-clock time in Banjarmasin (docs/rules.md rule 12).
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


def require_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404
    return fmt


def batched_with(rows: Iterable[Any], *, before: Callable[[list[Any]], None], size: int = BATCH_SIZE):
    """Yield the rows unchanged, calling `before(batch)` on each batch before it is handed on.

    Used to log full-NIK exports as they are written, one INSERT per batch, without a second pass.
    """
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            before(batch)
            yield from batch
            batch = []
    if batch:
        before(batch)
        yield from batch


class _Echo:
    """A file-like object whose write() returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def csv_pieces(columns: list[Column], rows: Iterable[Any]) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    yield ("\ufeff" + writer.writerow([safe_cell(c.header) for c in columns])).encode()
    lines: list[str] = []
    for row in rows:
        lines.append(writer.writerow([_csv_value(safe_cell(c.value(row))) for c in columns]))
        if len(lines) >= CSV_LINES_PER_PIECE:
            yield "".join(lines).encode()
            lines = []
    if lines:
        yield "".join(lines).encode()


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else value


def write_xlsx(columns: list[Column], rows: Iterable[Any], file, *, title: str) -> None:
    """Write the rows to `file` as a one-sheet workbook with a bold, frozen header row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    # Column widths and frozen panes must be set before the first row in a write-only sheet.
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(str(column.header)) + 4)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=safe_cell(column.header))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([safe_cell(c.value(row)) for c in columns])
    workbook.save(file)


def _sheet_title(title: str) -> str:
    # Excel refuses sheet names over 31 characters or with []:*?/\ in them.
    return "".join(ch for ch in str(title) if ch not in "[]:*?/\\")[:31] or "Data"


def export_file_name(filename: str, fmt: str) -> str:
    return f"{filename}-{timezone.localdate():%Y%m%d}.{fmt}"


def write_export(table: ExportTable, file, *, fmt: str, rows: Iterable[Any] | None = None) -> None:
    """Write the whole export to a binary file (a background job's result); `rows` overrides the
    table's own, e.g. to count them as they go."""
    rows = table.rows if rows is None else rows
    if require_format(fmt) == "csv":
        for piece in csv_pieces(table.columns, rows):
            file.write(piece)
    else:
        write_xlsx(table.columns, rows, file, title=str(table.title))


def table_response(table: ExportTable, *, fmt: str) -> HttpResponseBase:
    return export_response(
        fmt=fmt, columns=table.columns, rows=table.rows, filename=table.filename, title=str(table.title)
    )


def export_response(
    *, fmt: str, columns: list[Column], rows: Iterable[Any], filename: str, title: str
) -> HttpResponseBase:
    """The whole export as a download; `rows` is consumed lazily (CSV) or once into a temp file."""
    name = export_file_name(filename, fmt)
    if require_format(fmt) == "csv":
        response = StreamingHttpResponse(csv_pieces(columns, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        # An anonymous temporary file: gone when the response closes it, whatever happens.
        file = tempfile.TemporaryFile(suffix=".xlsx")  # FileResponse closes it
        try:
            # One transaction: if writing fails, the access log rows of this export go too.
            with transaction.atomic():
                write_xlsx(columns, rows, file, title=title)
            file.seek(0)
        except BaseException:
            file.close()
            raise
        response = FileResponse(file, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)
    # Personal data: no shared cache keeps a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response
