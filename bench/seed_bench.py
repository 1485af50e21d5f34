"""Time `manage.py seed_demo` on a fresh temporary SQLite database.

    .venv/bin/python bench/seed_bench.py [--businesses N] [--seed S] [--keep]

Migrates a new database in a temporary directory, seeds it, and prints the rows written, the
seconds the seed took and businesses per second. The database is deleted afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLES = (
    ("accounts_user", "users"),
    ("registry_owner", "owners"),
    ("registry_business", "businesses"),
    ("registry_statuschange", "status changes"),
    ("registry_historicalowner", "owner history"),
    ("registry_historicalbusiness", "business history"),
    ("registry_duplicatepair", "duplicate pairs"),
)


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def count_rows(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed table names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--businesses", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--keep", action="store_true", help="keep the database and print its path")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="seed_bench_"))
    db = workdir / "bench.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_ENV": "development", "DEBUG": "0"}
    try:
        manage("migrate", "--verbosity", "0", env=env)
        started = time.perf_counter()
        manage(
            "seed_demo", "--businesses", str(args.businesses), "--seed", str(args.seed), "-v", "0", env=env
        )
        seconds = time.perf_counter() - started

        with sqlite3.connect(db) as conn:
            counts = [(label, count_rows(conn, table)) for table, label in TABLES]
        width = max(len(label) for label, _n in counts)
        for label, n in counts:
            print(f"{label:<{width}}  {n:>9,}")
        print(f"{'rows in total':<{width}}  {sum(n for _l, n in counts):>9,}")
        businesses = dict(counts)["businesses"]
        print(f"\nseed_demo --businesses {args.businesses}: {seconds:.1f} s (process included), "
              f"{businesses / seconds:,.0f} businesses/s")  # fmt: skip
        if args.keep:
            print(f"database kept: {db}")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
