"""Which .xlsx writer for exports: the same rows through each candidate, seconds and file size.

    .venv/bin/python bench/xlsx_writers.py [--rows N] [--smoke]

Rows shaped like the business list export (23 columns: names, a masked NIK, phone numbers, an
address, KBLI, products, whole-rupiah money, a date; about a tenth of the cells empty), already
made safe (`safe_cell`), so only the writing is timed. Candidates: the portal's own streaming
writer (`pembinaan.lib.exports.XlsxStream`, the one in use), openpyxl's write-only workbook (what
the portal used before) and, when it is installed, XlsxWriter in constant-memory mode (not a
dependency: run this with a Python where it is, e.g. a scratch venv with the project's site-packages
on PYTHONPATH). The baseline of each figure is openpyxl; every file is read back by openpyxl to
check it holds the same first and last row.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_portal.settings")

from results import Figure, record  # noqa: E402

HEADERS = [
    "Nama Usaha", "NIB", "Nama Pemilik", "NIK", "No HP", "WhatsApp", "Kelurahan", "Kecamatan",
    "Jenis Kelamin Pemilik", "Email", "Alamat Usaha", "Kategori KBLI", "Kode KBLI", "Produk/Jasa",
    "Tahun Mulai Usaha", "Jumlah Tenaga Kerja", "Omzet per Tahun (Rp)", "Modal Usaha (Rp)",
    "Skala Usaha", "Status", "Diduga Ganda", "Tanggal Dicatat", "Catatan",
]  # fmt: skip


def make_rows(n: int, seed: int = 5) -> list[list]:
    rng = random.Random(seed)
    words = ["Warung", "Kue", "Bingka", "Sasirangan", "Acil", "Aminah", "Berkah", "Jaya", "Toko", "Kopi"]
    today = datetime.date(2026, 1, 1)
    rows = []
    for i in range(n):
        name = " ".join(rng.choice(words) for _ in range(3))
        rows.append(
            [
                name, "" if rng.random() < 0.5 else f"91{rng.randrange(10**11):011d}",
                f"Siti {rng.choice(words)}", f"6371{rng.randrange(10**4):04d}********",
                f"0812-{rng.randrange(10**4):04d}-{rng.randrange(10**4):04d}",
                f"62812{rng.randrange(10**8):08d}", "Kelayan Luar", "Banjarmasin Selatan",
                rng.choice(("Perempuan", "Laki-laki")), "" if rng.random() < 0.7 else f"u{i}@gmail.com",
                f"Jl. Pramuka Gg. Amanah No. {rng.randint(1, 120)}, RT 004, Kel. Kelayan Luar",
                rng.choice("CGIS"), f"{rng.randrange(10**5):05d}", "Bingka kentang, amparan tatak",
                rng.randint(1995, 2025), rng.randint(1, 30), rng.randrange(10**7, 10**9),
                None if rng.random() < 0.2 else rng.randrange(10**6, 10**8), "Mikro", "Terverifikasi", "",
                today - datetime.timedelta(days=rng.randrange(2000)), "",
            ]
        )  # fmt: skip
    return rows


def with_openpyxl(rows, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Daftar usaha")
    for index, header in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) + 4)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for value in HEADERS:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def with_xlsxwriter(rows, path: Path) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                               "strings_to_formulas": False, "strings_to_urls": False})  # fmt: skip
    sheet = workbook.add_worksheet("Daftar usaha")
    bold = workbook.add_format({"bold": True})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for index, header in enumerate(HEADERS):
        sheet.set_column(index, index, max(12, len(header) + 4))
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, HEADERS, bold)
    date_columns = [i for i, v in enumerate(rows[0]) if isinstance(v, datetime.date)] if rows else []
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, 0, row)
        for c in date_columns:
            sheet.write_datetime(r, c, row[c], date)
    workbook.close()


def with_stream(rows, path: Path) -> None:
    from pembinaan.lib.exports import XlsxStream

    with (
        path.open("wb") as file,
        XlsxStream(file, title="Daftar usaha", widths=[max(12, len(h) + 4) for h in HEADERS]) as sheet,
    ):
        sheet.header(HEADERS)
        for row in rows:
            sheet.row(row)


def check(path: Path, rows) -> None:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    got = list(book.active.iter_rows(values_only=True))
    assert list(got[0]) == HEADERS, got[0]
    for want, have in ((rows[0], got[1]), (rows[-1], got[-1])):
        have = [v.date() if isinstance(v, datetime.datetime) else v for v in have]
        have += [None] * (len(want) - len(have))
        assert [None if v == "" else v for v in want] == [None if v == "" else v for v in have], (want, have)
    assert len(got) == len(rows) + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--smoke", action="store_true", help="1,000 rows, to check the script still runs")
    args = parser.parse_args()
    n = 1_000 if args.smoke else args.rows
    import django

    django.setup()
    rows = make_rows(n)
    candidates = [("portal XlsxStream", with_stream), ("openpyxl write-only", with_openpyxl)]
    try:
        import xlsxwriter  # noqa: F401
    except ImportError:
        print("XlsxWriter is not installed here: skipped")
    else:
        candidates.append(("XlsxWriter constant_memory", with_xlsxwriter))
    timings = {}
    with tempfile.TemporaryDirectory(prefix="xlsx_writers_") as tmp:
        for name, write in candidates:
            path = Path(tmp) / f"{name.split()[0]}.xlsx"
            started = time.perf_counter()
            write(rows, path)
            timings[name] = (time.perf_counter() - started, path.stat().st_size / 2**20)
            check(path, rows)
            print(f"{name:28} {timings[name][0]:6.2f} s  {timings[name][1]:6.1f} MB")
    base = timings["openpyxl write-only"][0]
    record(
        "xlsx writers",
        [
            Figure(
                f"{name}, {n:,} rows × {len(HEADERS)} columns (file {size:.1f} MB)",
                seconds,
                "s",
                baseline=base,
                baseline_name="openpyxl write-only",
            )  # fmt: skip
            for name, (seconds, size) in timings.items()
        ],
    )


if __name__ == "__main__":
    main()
