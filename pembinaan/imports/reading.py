"""Reading an uploaded spreadsheet into rows of text, refusing hostile or mislabelled files.

The format is decided by the file's content and must agree with its name: a workbook renamed to
.csv, or a text file named .xlsx, is refused with a message rather than guessed at. Workbooks are
read with python-calamine (a Rust reader, several times faster than openpyxl on large sheets);
before that, an .xlsx is opened as a zip only to check its members: too large when unpacked (a zip
bomb), macros, or links to other workbooks are refused. CSV files may be UTF-8 (with or without a
BOM) or Windows-1252, separated by commas, semicolons or tabs.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

EXTENSIONS = (".xlsx", ".xls", ".csv")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The name of the macro storage inside an OLE (.xls) file, as UTF-16 in its directory.
_OLE_VBA = "_VBA_PROJECT".encode("utf-16-le")


class NumberCell(str):
    """A cell that the workbook stored as a number, kept as the text Python writes for it.

    Identifiers stored as numbers have lost digits (Excel keeps 15), so their parsers refuse the
    `6371012345670001.0` this gives; amounts and counts accept it.
    """

    __slots__ = ()


@dataclass
class Table:
    rows: list[list[str]]
    file_format: str


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def sniff_format(data: bytes) -> str:
    """ "xlsx", "xls", "csv", or "" for content that is none of these."""
    if data.startswith(_ZIP_MAGIC):
        return "xlsx"
    if data.startswith(_OLE_MAGIC):
        return "xls"
    if b"\x00" in data[:65536]:
        return ""
    return "csv"


def read_table(data: bytes, file_name: str) -> Table:
    """The rows of the first sheet (or of the CSV), every cell as stripped text."""
    extension = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in EXTENSIONS:
        raise _refuse(_("Hanya berkas .xlsx, .xls atau .csv yang diterima."), "extension")
    if not data:
        raise _refuse(_("Berkas kosong."), "empty")
    max_bytes = _limit("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
    if len(data) > max_bytes:
        raise _refuse(
            _("Berkas terlalu besar (%(size)s MB); paling besar %(max)s MB.")
            % {"size": round(len(data) / 1_048_576, 1), "max": round(max_bytes / 1_048_576, 1)},
            "too_large",
        )
    found = sniff_format(data)
    if found != extension[1:]:
        described = {
            "xlsx": _("berkas Excel .xlsx (atau zip)"),
            "xls": _("berkas Excel .xls lama"),
            "csv": _("teks CSV"),
        }
        raise _refuse(
            _("Isi berkas tidak sesuai namanya: bernama %(ext)s tetapi isinya %(found)s.")
            % {"ext": extension, "found": described.get(found, _("bukan lembar kerja"))},
            "mismatch",
        )
    if found == "xlsx":
        _check_xlsx_package(data)
        rows = _read_workbook(data)
    elif found == "xls":
        if _OLE_VBA in data:
            raise _refuse(_("Berkas berisi makro; simpan ulang sebagai .xlsx tanpa makro."), "macros")
        rows = _read_workbook(data)
    else:
        rows = _read_csv(data)
    return Table(rows=rows, file_format=found)


def _check_xlsx_package(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise _refuse(_("Berkas .xlsx rusak atau bukan berkas Excel."), "corrupt") from None
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise _refuse(_("Berkas .xlsx ini bukan buku kerja Excel (isinya zip lain)."), "mismatch")
    unpacked = sum(m.file_size for m in members)
    max_unpacked = _limit("IMPORT_MAX_UNPACKED_BYTES", 400 * 1024 * 1024)
    packed = sum(m.compress_size for m in members) or 1
    # Spreadsheet XML compresses about 10:1; a thousand to one is a bomb, not a sheet.
    if unpacked > max_unpacked or unpacked / packed > 200:
        raise _refuse(
            _("Berkas .xlsx ini mengembang terlalu besar saat dibuka (zip bomb?); berkas ditolak."),
            "zip_bomb",
        )
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise _refuse(_("Berkas berisi makro; simpan ulang sebagai .xlsx tanpa makro."), "macros")
    if any(name.startswith("xl/externalLinks/") for name in names):
        raise _refuse(
            _(
                "Berkas berisi tautan ke buku kerja lain; salin nilainya (Tempel Spesial → Nilai) "
                "lalu simpan ulang."
            ),
            "external_links",
        )


def _cell_text(value: object) -> str:
    if type(value) is str:  # most cells: checked first and inline, as this runs for every cell
        # As in a CSV: the apostrophe our exports put before "+62…" or "=…" is not part of the value.
        value = value.strip()
        return value[1:].strip() if value.startswith("'") else value
    if isinstance(value, str):
        return _clean_csv_cell(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float | int):
        return NumberCell(repr(float(value)))
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value).strip()


def _read_workbook(data: bytes) -> list[list[str]]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows_iter = sheet.iter_rows()
        rows = []
        max_rows = _limit("IMPORT_MAX_ROWS", 200_000)
        for raw in rows_iter:
            rows.append([_cell_text(v) for v in raw])
            if len(rows) > max_rows + 50:
                raise _too_many_rows(max_rows)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - any reader failure is a damaged file to the user
        raise _refuse(_("Berkas Excel rusak atau tidak dapat dibaca."), "corrupt") from None
    return rows


def _too_many_rows(max_rows: int) -> ValidationError:
    return _refuse(
        _("Berkas berisi lebih dari %(max)s baris; bagi menjadi beberapa berkas.") % {"max": f"{max_rows:,}"},
        "too_many_rows",
    )


def decode_text(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Bytes that Windows-1252 leaves undefined are kept as their Latin-1 characters.
        return data.decode("cp1252", errors="replace")


def detect_delimiter(text: str) -> str:
    """The separator that splits the first lines most evenly: `;` (Indonesian Excel), `,` or tab."""
    sample = [line for line in text[:65536].splitlines()[:20] if line.strip()]
    best, best_score = ",", -1
    for candidate in (";", ",", "\t"):
        counts = [len(next(csv.reader([line], delimiter=candidate))) for line in sample]
        if not counts:
            continue
        common = max(set(counts), key=counts.count)
        score = counts.count(common) * 100 + common if common > 1 else 0
        if score > best_score:
            best, best_score = candidate, score
    return best


def _clean_csv_cell(value: str) -> str:
    value = value.strip()
    # Excel users type a leading apostrophe to keep a number as text; it is not part of the value.
    if value.startswith("'"):
        value = value[1:].strip()
    return value


def _read_csv(data: bytes) -> list[list[str]]:
    text = decode_text(data)
    delimiter = detect_delimiter(text)
    rows = []
    max_rows = _limit("IMPORT_MAX_ROWS", 200_000)
    reader: Iterator[list[str]] = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for raw in reader:
            rows.append([_clean_csv_cell(v) for v in raw])
            if len(rows) > max_rows + 50:
                raise _too_many_rows(max_rows)
    except csv.Error:
        raise _refuse(
            _("Berkas CSV tidak dapat dibaca (tanda kutip tidak berpasangan?)."), "corrupt"
        ) from None
    return rows
