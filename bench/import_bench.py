"""Import speed on PostgreSQL: 100,000 owner-and-business rows from one .xlsx (issue: import/export).

    .venv/bin/python bench/import_bench.py [--rows N] [--baseline-rows M]
    PG_URL=postgres://postgres@127.0.0.1:5432            (server: database umkm_import_bench is
                                                          created and dropped)
    PG_URL=postgres://postgres@127.0.0.1:5432/mydb       (that database is used: migrated, and its
                                                          registry and import tables emptied)

A generated workbook (about 1% rows refused: Excel-mangled NIKs, unknown kelurahan; about 1%
repeated rows; owners with two businesses) goes through `import_data`'s own path: the dry run,
then the real import with "valid rows only" (validated, de-duplicated, recorded, aggregates and
duplicate flags kept). The baseline is django-import-export's default row-by-row resource (a
Business resource that looks its owner up per row) on the first M rows of the same file; the ratio
compares rows per second. Each phase runs in its own process so that its peak memory (max RSS)
is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
RESULTS = ROOT / "bench" / "results"
OWN_DB = "umkm_import_bench"


def psql(server: str, sql: str) -> None:
    subprocess.run(["psql", f"{server.rstrip('/')}/postgres", "-q", "-c", sql], check=True)  # noqa: S603,S607


def make_nik(rng: random.Random, serial: int) -> str:
    day = rng.randint(1, 28) + (40 if rng.random() < 0.5 else 0)
    return f"6371{rng.randint(1, 5):02d}{day:02d}{rng.randint(1, 12):02d}{rng.randint(60, 99):02d}{serial % 9999 + 1:04d}"


def generate(path: Path, rows: int, seed: int = 7) -> None:
    import openpyxl

    sys.path.insert(0, str(ROOT))
    import csv

    with open(ROOT / "pembinaan/reference/data/wilayah_banjarmasin.csv", encoding="utf-8") as handle:
        regions = [(r["nama_kecamatan"], r["nama_kelurahan"]) for r in csv.DictReader(handle)]
    rng = random.Random(seed)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("UMKM")
    sheet.append(["DATA UMKM BINAAN DINAS KOPERASI, UKM DAN TENAGA KERJA"])
    sheet.append(["NIK", "Nama Pemilik", "No. Telp/WA", "NAMA UMKM", "NIB", "Kec.", "Kel.", "Alamat",
                  "Kode KBLI", "Tahun Mulai", "Tenaga Kerja", "Omset", "Produk"])  # fmt: skip
    written, serial, previous = 0, 0, None
    used = set()
    while written < rows:
        roll = rng.random()
        if previous is not None and roll < 0.01:
            sheet.append(previous)  # a row repeated in the file
            written += 1
            continue
        serial += 1
        nik = make_nik(rng, serial)
        while nik in used:
            serial += 1
            nik = make_nik(rng, serial)
        used.add(nik)
        kecamatan, kelurahan = rng.choice(regions)
        row = [
            nik, f"Pemilik {serial}", f"0812-{serial // 10000:04d}-{serial % 10000:04d}", f"Usaha {serial}",
            f"{1_000_000_000_000 + serial}" if rng.random() < 0.3 else "", kecamatan, f"Kel. {kelurahan}",
            f"Jl. Contoh No. {serial % 200}", "10792", 2000 + serial % 24, serial % 12, 50_000_000 + serial,
            "Amplang",
        ]  # fmt: skip
        if roll < 0.015:
            row[0] = float(nik)  # a NIK Excel turned into a number
        elif roll < 0.02:
            row[6] = "Atlantis"  # an unknown kelurahan
        sheet.append(row)
        written += 1
        previous = row
        if rng.random() < 0.05 and written < rows:
            second = list(row)  # the same owner's second business
            second[3], second[4] = f"Usaha {serial} B", ""
            sheet.append(second)
            written += 1
    book.save(path)


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _clear() -> None:
    from django.db import connection

    tables = [
        "imports_importedrecord", "imports_importrun", "registry_duplicatepair", "registry_statuschange",
        "registry_historicalbusiness", "registry_historicalowner", "registry_nikaccesslog",
        "registry_business", "registry_owner",
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")  # noqa: S608 - fixed names


def phase(name: str, path: Path, database_url: str, rows: int) -> dict:
    _setup(database_url)
    from pembinaan.accounts.models import User

    data = path.read_bytes()
    _clear()
    from pembinaan.progress.services import rebuild_all

    rebuild_all()  # aggregates built (on the emptied registry), so that the check below means something
    by = User.objects.filter(is_superuser=True).first()
    started = time.perf_counter()
    if name == "baseline":
        result = _baseline(data, rows)
    else:
        from pembinaan.imports import services

        run = services.run_file(
            kind="usaha", file_name=path.name, data=data, by=by, dry_run=name == "dry", valid_rows_only=True
        )
        result = {
            "rows": run.rows_total, "created": run.created_count, "updated": run.updated_count,
            "skipped": run.skipped_count, "refused": run.refused_count, "status": run.status,
        }  # fmt: skip
    seconds = time.perf_counter() - started
    if name == "import":
        from pembinaan.progress.models import Target
        from pembinaan.progress.selectors import check_aggregates
        from pembinaan.registry.models import Business

        result["businesses"] = Business.objects.count()
        result["aggregate_problems"] = sum(len(check_aggregates(t)) for t in Target.objects.all())
    return {
        **result,
        "seconds": round(seconds, 2),
        "rows_per_s": round(result["rows"] / seconds),
        "peak_mb": round(_peak_mb()),
    }


def _baseline(data: bytes, rows: int) -> dict:
    """django-import-export's default path: one row at a time, the owner looked up per row."""
    import io

    import tablib
    from import_export import fields, resources, widgets
    from python_calamine import CalamineWorkbook

    from pembinaan.reference.models import Kelurahan
    from pembinaan.registry.models import Business, Owner

    class BaselineResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="NAMA UMKM")
        kelurahan = fields.Field(
            attribute="kelurahan", column_name="Kel.", widget=widgets.ForeignKeyWidget(Kelurahan, "name")
        )
        address = fields.Field(attribute="address", column_name="Alamat")
        products = fields.Field(attribute="products", column_name="Produk")

        class Meta:
            model = Business
            fields = ("name", "kelurahan", "address", "products")
            import_id_fields = ()
            skip_unchanged = False

        def before_import_row(self, row, **kwargs):
            row["Kel."] = str(row["Kel."]).removeprefix("Kel. ")
            owner, _created = Owner.objects.get_or_create(
                nik=str(row["NIK"]), defaults={"name": row["Nama Pemilik"], "gender": "L"}
            )
            self._owner = owner

        def get_instance(self, instance_loader, row):
            return None

        def init_instance(self, row=None):
            return Business(owner=self._owner, status="terverifikasi", source="impor")

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    header, body = sheet[1], sheet[2 : 2 + rows]
    dataset = tablib.Dataset(*[tuple(r) for r in body], headers=header)
    result = BaselineResource().import_data(dataset, dry_run=False, use_transactions=True, raise_errors=False)
    totals = result.totals
    return {
        "rows": len(body),
        "created": totals.get("new", 0),
        "refused": totals.get("invalid", 0) + totals.get("error", 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=100_000)
    parser.add_argument("--phase", choices=["dry", "import", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--smoke", action="store_true", help="300 rows (baseline 100): checks the bench runs")
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.baseline_rows = 300, 100
    if args.phase:
        print(json.dumps(phase(args.phase, Path(args.file), args.database_url, args.baseline_rows)))
        return

    server = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")
    own = urlparse(server).path.strip("/") in ("", "test")  # CI's test database is never emptied here
    if own:
        from results import pg_server

        server = pg_server()
    database_url = f"{server.rstrip('/')}/{OWN_DB}" if own else server
    if own:
        psql(server, f"DROP DATABASE IF EXISTS {OWN_DB}")
        psql(server, f"CREATE DATABASE {OWN_DB}")
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603

    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"import_{args.rows}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        generate(path, args.rows)
        print(
            f"generated {path.name} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.0f} s"
        )

    def run_phase(name: str) -> dict:
        out = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--phase", name, "--file", str(path), "--database-url", database_url,
             "--baseline-rows", str(args.baseline_rows)],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        return json.loads(out.stdout.strip().splitlines()[-1])

    results = {}
    for name, label in (("dry", "dry run"), ("import", "import (valid rows only)"), ("baseline", "baseline")):
        results[name] = result = run_phase(name)
        print(f"{label:26s} {result['rows']:>7,} rows  {result['seconds']:7.1f} s  {result['rows_per_s']:>7,} rows/s  "
              f"peak {result['peak_mb']:>4} MB  {json.dumps({k: v for k, v in result.items() if k not in ('rows', 'seconds', 'rows_per_s', 'peak_mb')})}")  # fmt: skip
    ratio = results["import"]["rows_per_s"] / results["baseline"]["rows_per_s"]
    print(f"import vs django-import-export default resource: {ratio:.1f}x rows/s")
    from results import Figure, record

    base = results["baseline"]
    base_name = f"django-import-export default resource, {base['rows']:,} rows"
    record(
        "import",
        [
            Figure(
                f"{label}, {results[name]['rows']:,} rows (peak {results[name]['peak_mb']} MB, "
                f"{results[name]['seconds']:.1f} s)",
                results[name]["rows_per_s"],
                "rows/s",
                baseline=base["rows_per_s"],
                baseline_name=base_name,
                higher_is_better=True,
            )  # fmt: skip
            for name, label in (("dry", "dry run"), ("import", "import, valid rows only"))
        ],
        database="PostgreSQL",
    )
    if own:
        psql(server, f"DROP DATABASE IF EXISTS {OWN_DB}")


if __name__ == "__main__":
    main()
