"""Export speed and memory of the business list on PostgreSQL (issue 7, export half).

    .venv/bin/python bench/export_bench.py [--businesses N] [--keep | --reuse] [--database NAME]
    PG_URL=postgres://postgres@127.0.0.1:5432 (server; the database, `umkm_export_bench` unless
    named, is created and dropped)

Seeds the demo registry, then downloads the whole business list as CSV and as .xlsx through the
Django test client, as staff (NIK masked) and as Admin Dinas (full NIK, every owner logged).
Reports seconds, rows per second, queries, and the process's peak resident memory after each
download (ru_maxrss, a high-water mark: constant memory shows as a flat column).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def psql(server: str, sql: str) -> None:
    subprocess.run(["psql", f"{server}/postgres", "-q", "-c", sql], check=True)  # noqa: S603,S607


def manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--businesses", type=int, default=100_000)
    parser.add_argument("--database", default="umkm_export_bench")
    parser.add_argument("--keep", action="store_true", help="keep the database for another run (--reuse)")
    parser.add_argument("--reuse", action="store_true", help="measure the database a --keep run left")
    args = parser.parse_args()
    server = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")
    env = {**os.environ, "DATABASE_URL": f"{server}/{args.database}", "LOG_LEVEL": "WARNING"}
    if not args.reuse:
        psql(server, f"DROP DATABASE IF EXISTS {args.database}")
        psql(server, f"CREATE DATABASE {args.database}")
        manage("migrate", "-v0", env=env)
        started = time.perf_counter()
        manage("seed_demo", "--businesses", str(args.businesses), "-v0", env=env)
        print(f"seeded {args.businesses:,} businesses in {time.perf_counter() - started:.0f} s")

    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from pembinaan.accounts.models import User
    from pembinaan.registry.models import Business

    rows = Business.objects.active().count()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"peak resident memory before the first export: {before / 2**20:.0f} MB")
    results = []
    for who in ("staf@demo.umkm.test", "admin@demo.umkm.test"):
        client = Client()
        client.force_login(User.objects.get(email=who))
        for fmt in ("csv", "xlsx"):
            url = f"/registri/usaha/ekspor.{fmt}"
            reset_queries()
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                size = sum(len(piece) for piece in client.get(url).streaming_content)
            seconds = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            results.append((who.split("@")[0], fmt, seconds, len(queries), size, peak))

    print(f"\nPostgreSQL, business list export of {rows:,} rows")
    print(
        f"{'user':8}{'format':>8}{'seconds':>10}{'rows/s':>10}{'queries':>9}{'file MB':>9}{'peak RSS MB':>13}"
    )
    for who, fmt, seconds, n, size, peak in results:
        print(
            f"{who:8}{fmt:>8}{seconds:10.1f}{rows / seconds:10,.0f}{n:9d}{size / 2**20:9.1f}{peak / 2**20:13.0f}"
        )
    if not args.keep:
        connection.close()
        psql(server, f"DROP DATABASE IF EXISTS {args.database}")


if __name__ == "__main__":
    main()
