"""Spreadsheet exports: what every file the portal hands out must be, in one place (issue 7).

- A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets an apostrophe in
  front, so no spreadsheet program runs it as a formula when the file is opened (CSV/formula
  injection); the value stays readable (`'=1+1`), and the importer strips the apostrophe. Phone
  numbers are written as the screen shows them (`0812-3456-7890`), so they need no apostrophe.
- CSV streams in pieces (UTF-8 with a BOM, so Excel reads the encoding right); .xlsx is streamed
  row by row into its zip (`XlsxStream`, below) in an anonymous temporary file, which is then
  streamed. Neither holds the rows in memory, so a list of 100,000 businesses takes constant memory.
- The .xlsx writer is our own, chosen by measurement (bench/xlsx_writers.py, 100,000 rows of the
  business list's 23 columns): openpyxl's write-only workbook took several times longer than a
  writer that puts each row's XML together as one string (inline strings, no shared-string
  table, deflate level 1); XlsxWriter in constant-memory mode sat in between.
- Money stays a whole number and a date a date, so the sheet can sum and sort them.
- A list longer than `EXPORT_INLINE_MAX_ROWS` is written by a background job instead
  (pembinaan/jobs/export_jobs.py) from the same `ExportTable`, so both paths keep the same rules.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import itertools
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import NoneType
from typing import Any

from django.db import connection, transaction
from django.http import FileResponse, Http404, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import Promise

FORMATS = ("xlsx", "csv")
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows handed to the CSV response per piece, and the batch size of the row iterators.
CSV_LINES_PER_PIECE = 500
BATCH_SIZE = 2000
# Control characters XML 1.0 cannot hold (the .xlsx format refuses them); removed from every cell.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


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
        # (isprintable() is a quick C check that is true of almost every cell: the regex only runs
        # on text with a control character or an unusual space in it.)
        if not value.isprintable():
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


@contextmanager
def one_snapshot():
    """On PostgreSQL, what runs inside reads one snapshot of the data (a REPEATABLE READ transaction),
    so a full-NIK export can log its owners with one statement before reading its rows, and an owner
    added meanwhile is neither exported nor logged. Elsewhere (SQLite, or inside a transaction
    already begun) nothing changes and the export logs batch by batch (`reads_one_snapshot`).

    Only reads and the access log's inserts run inside, so the transaction never waits for a lock or
    fails to serialize; it holds its snapshot for the length of one export.

    Its reads are planned for every row, not the first ones: an export's rows come through a
    server-side cursor, which PostgreSQL plans for a tenth of the rows by default, and once the
    business list's orders had indexes it walked the name index and fetched each row and its owner
    one at a time (0.2-0.3 s more for 100,000 businesses than reading the table and sorting it).
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        yield


def reads_one_snapshot() -> bool:
    """Whether every statement from here to the end of the transaction reads the same snapshot."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SHOW transaction_isolation")
        return cursor.fetchone()[0] in ("repeatable read", "serializable")


def csv_pieces(columns: list[Column], rows: Iterable[Any]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(c.header) for c in columns])
    yield ("\ufeff" + _taken(buffer)).encode()
    for cells in _column_pieces(columns, rows, CSV_LINES_PER_PIECE, _csv_cell):
        if len(cells) > 1:
            fields = [_csv_fields(column) for column in cells]
            yield ("\r\n".join(map(",".join, zip(*fields, strict=True))) + "\r\n").encode()
        else:  # a lone empty field is written as "" by csv.writer: not worth copying
            writer.writerows(zip(*cells, strict=True))
            yield _taken(buffer).encode()


def _csv_fields(cells: list[Any]) -> list[str]:
    """A column's safe cells as `csv.writer` writes them (minimal quoting), joined by C code rather
    than by the writer's loop over every field, which took a third of a 100,000-row export."""
    kinds = set(map(type, cells))
    if kinds != _STR:  # as csv.writer writes them: None empty, anything else its str()
        cells = ["" if v is None else str(v) for v in cells] if NoneType in kinds else list(map(str, cells))
    text = "\n".join(cells)
    if "," in text or '"' in text or "\r" in text or text.count("\n") != len(cells) - 1:
        return [_csv_quoted(field) for field in cells]
    return cells


def _csv_quoted(field: str) -> str:
    if "," in field or '"' in field or "\r" in field or "\n" in field:
        return '"' + field.replace('"', '""') + '"'
    return field


def _column_pieces(
    columns: list[Column], rows: Iterable[Any], size: int, cell: Callable[[Any], Any]
) -> Iterator[list[list[Any]]]:
    """The rows in pieces of `size`, each as its columns' safe values (a list per column).

    Column by column, because a column is nearly always of one kind: text that needs no care is
    found by one search of the whole column (`_needs_care`), and numbers, dates and empty cells
    need none, so `cell` (the per-cell `safe_cell`) runs only on the columns that may need it.
    """
    values = [c.value for c in columns]
    rows = iter(rows)
    while piece := list(itertools.islice(rows, size)):
        yield [_safe_column(list(map(value, piece)), cell) for value in values]


def _safe_column(cells: list[Any], cell: Callable[[Any], Any]) -> list[Any]:
    """`[cell(value) for value in cells]`, without the call per cell when the column needs none."""
    kinds = set(map(type, cells))
    if kinds <= _TEXT_KINDS:
        text = cells if NoneType not in kinds else ["" if value is None else value for value in cells]
        if not _needs_care("\n".join(text)):
            return text
    elif kinds <= _PLAIN_KINDS:
        return cells
    return [cell(value) for value in cells]


# Cells no writer changes: None is an empty cell in both (csv writes it as ""), numbers and dates
# keep their kind; text and None alike when no cell of the column needs care.
_PLAIN_KINDS = frozenset({int, float, datetime.date, NoneType})
_TEXT_KINDS = frozenset({str, NoneType})
_STR = {str}
# The control characters of ILLEGAL_CHARACTERS_RE, as UTF-8 bytes (no other character's UTF-8 holds them).
_CONTROL_BYTES = bytes(b for b in range(32) if ILLEGAL_CHARACTERS_RE.match(chr(b)))
_danger_after_newline = re.compile(f"\n[{re.escape(''.join(DANGEROUS_PREFIXES))}]").search


def _needs_care(text: str) -> bool:
    """Whether some cell of `text` (cells joined by newlines) might be changed by `safe_cell`: a
    control character, or a dangerous first character; a cell with a newline in it may give a
    false alarm, and the column is then done per cell. Searches the whole column in C, in a few
    microseconds per hundred cells (one regular expression for both took fifty times longer)."""
    if text.startswith(DANGEROUS_PREFIXES) or _danger_after_newline(text):
        return True
    data = text.encode("utf-8", "surrogatepass")
    return len(data.translate(None, _CONTROL_BYTES)) != len(data)


def _taken(buffer: io.StringIO) -> str:
    """What was written to the buffer since the last call; the buffer is emptied."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _csv_cell(value: Any) -> Any:
    """`safe_cell` for CSV, with the common kinds first (it runs once per cell of 100,000 rows)."""
    kind = type(value)
    if kind is str:
        if not value.isprintable():
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return "'" + value if value.startswith(DANGEROUS_PREFIXES) else value
    if value is None:
        return ""
    if kind is int:
        return value
    return _csv_value(safe_cell(value))


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else value


def write_xlsx(columns: list[Column], rows: Iterable[Any], file, *, title: str) -> None:
    """Write the rows to `file` as a one-sheet workbook with a bold, frozen header row."""
    headers = [safe_cell(column.header) for column in columns]
    with XlsxStream(
        file, title=_sheet_title(title), widths=[max(12, len(str(h)) + 4) for h in headers]
    ) as sheet:
        sheet.header(headers)
        for cells in _column_pieces(columns, rows, CSV_LINES_PER_PIECE, safe_cell):
            for row in zip(*cells, strict=True):
                sheet.row(row)


_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
_EXCEL_EPOCH_DATE = _EXCEL_EPOCH.date()
# Cell styles (cellXfs in styles.xml): 0 plain, 1 bold (the header), 2 a date, 3 a date and time.
_BOLD, _DATE, _DATETIME = 1, 2, 3


def _column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xml_text(value: str) -> str:
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


class XlsxStream:
    """A one-sheet .xlsx written row by row into a zip, holding no row in memory.

    Each row becomes one XML string (inline strings, so no shared-string table to keep), deflated
    at level 1 as it goes: the file is about a fifth larger than at the default level and is
    written several times faster. Numbers stay numbers, dates and datetimes are dates with a date
    format, booleans are booleans, anything else is its text. Values must already be safe
    (`safe_cell`): no control characters, formulas neutralised.
    """

    def __init__(self, file, *, title: str, widths: list[float]):
        self._zip = zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self._title = title
        self._widths = widths
        self._refs: list[str] = []
        self._n = 0
        self._lines: list[str] = []
        self._sheet = None

    def __enter__(self) -> XlsxStream:
        self._sheet = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(self._widths, 1)
        )
        self._write(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/>{"<cols>" + cols + "</cols>" if cols else ""}<sheetData>'
        )
        return self

    def __exit__(self, exc_type, *exc_info) -> None:
        try:
            if exc_type is None:
                self._flush()
                self._write("</sheetData></worksheet>")
                self._sheet.close()
                self._write_parts()
            else:
                self._sheet.close()
        finally:
            self._zip.close()

    def header(self, values: list[Any]) -> None:
        self._emit(values, style=_BOLD)

    def row(self, values: list[Any]) -> None:
        self._emit(values, style=0)

    def _emit(self, values: list[Any], *, style: int) -> None:
        self._n += 1
        n = self._n
        refs = self._refs
        while len(refs) < len(values):
            refs.append(_column_letter(len(refs) + 1))
        s = f' s="{style}"' if style else ""
        cells = [f'<row r="{n}">']
        append = cells.append
        for ref, value in zip(refs, values, strict=False):
            kind = type(value)
            if kind is str:
                if not value:
                    continue
                space = ' xml:space="preserve"' if value[0] in " \n" or value[-1] in " \n" else ""
                append(f'<c r="{ref}{n}"{s} t="inlineStr"><is><t{space}>{_xml_text(value)}</t></is></c>')
            elif value is None:
                continue
            elif kind is int or kind is float:
                append(f'<c r="{ref}{n}"{s}><v>{value!r}</v></c>')
            elif kind is datetime.date:
                append(f'<c r="{ref}{n}" s="{_DATE}"><v>{(value - _EXCEL_EPOCH_DATE).days}</v></c>')
            elif kind is bool:
                append(f'<c r="{ref}{n}"{s} t="b"><v>{int(value)}</v></c>')
            elif kind is datetime.datetime:
                serial = (value.replace(tzinfo=None) - _EXCEL_EPOCH).total_seconds() / 86400
                append(f'<c r="{ref}{n}" s="{_DATETIME}"><v>{serial!r}</v></c>')
            elif isinstance(value, decimal.Decimal | int | float):
                append(f'<c r="{ref}{n}"{s}><v>{value}</v></c>')
            else:
                text = _xml_text(str(value))
                append(f'<c r="{ref}{n}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
        append("</row>")
        self._lines.append("".join(cells))
        if len(self._lines) >= CSV_LINES_PER_PIECE:
            self._flush()

    def _flush(self) -> None:
        if self._lines:
            self._write("".join(self._lines))
            self._lines = []

    def _write(self, text: str) -> None:
        self._sheet.write(text.encode())

    def _write_parts(self) -> None:
        main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
        ct = "application/vnd.openxmlformats-officedocument"
        head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        self._zip.writestr(
            "[Content_Types].xml",
            f'{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.spreadsheetml.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.spreadsheetml.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{ct}.spreadsheetml.styles+xml"/>'
            "</Types>",
        )
        self._zip.writestr(
            "_rels/.rels",
            f'{head}<Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        self._zip.writestr(
            "xl/workbook.xml",
            f'{head}<workbook xmlns="{main}" xmlns:r="{rel}"><bookViews><workbookView/></bookViews>'
            f'<sheets><sheet name="{_xml_text(self._title).replace(chr(34), "&quot;")}" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        self._zip.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{head}<Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        self._zip.writestr(
            "xl/styles.xml",
            f'{head}<styleSheet xmlns="{main}">'
            '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
            '<numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm"/></numFmts>'
            '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
            '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            "</cellXfs>"
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>",
        )


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
