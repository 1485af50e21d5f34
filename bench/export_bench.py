"""Export speed and memory of the business list on PostgreSQL, through the background job (issue 18).

    .venv/bin/python bench/export_bench.py [--businesses N] [--keep | --reuse] [--database NAME] [--smoke]
    PG_URL=postgres://postgres@127.0.0.1:5432 (server; the database, `umkm_export_bench` unless
    named, is created and dropped)

Seeds the demo registry, then exports the whole business list as CSV and as .xlsx the way a user
gets it: the list's export link (a list above EXPORT_INLINE_MAX_ROWS answers with a redirect to a
background job), the job run as a worker runs it (`job_run`, in this process), then the file
downloaded from the job's page; as staff (NIK masked) and as Admin Dinas (full NIK, every owner
logged: checked). Reports the seconds of the job and of the whole round (request + job +
download), the process's peak resident memory after each (ru_maxrss, a high-water mark: constant
memory shows as a flat column) and, as the floor, PostgreSQL's own `COPY (SELECT …) TO STDOUT` of
the same rows (same joins, order and duplicate flag; raw NIK and phone) in CSV, median of three, in
the same run. Figures go to bench/results/latest.md.

--smoke: 300 businesses and EXPORT_INLINE_MAX_ROWS=50, so that the job path runs in a few seconds.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from results import Figure, pg_server, record  # noqa: E402

# The business list's rows and columns as PostgreSQL alone would write them: the floor.
FLOOR_SQL = """
COPY (
  SELECT b.name, b.nib, o.name, o.nik, o.phone, o.phone, kel.name, kec.name, o.gender, o.email, b.address,
         b.kbli_category_id, b.kbli_code, b.products, b.start_year, b.employees, b.annual_sales, b.capital,
         b.scale, b.status, CASE WHEN d.business_id IS NULL THEN '' ELSE 'Ya' END,
         (b.created_at AT TIME ZONE 'Asia/Makassar')::date
  FROM registry_business b
  JOIN registry_owner o ON o.id = b.owner_id
  JOIN reference_kelurahan kel ON kel.code = b.kelurahan_id
  JOIN reference_kecamatan kec ON kec.code = kel.kecamatan_id
  LEFT JOIN (SELECT business_a_id AS business_id FROM registry_duplicatepair WHERE status = 'terbuka'
             UNION SELECT business_b_id FROM registry_duplicatepair WHERE status = 'terbuka') d
         ON d.business_id = b.id
  WHERE b.merged_into_id IS NULL
  ORDER BY b.name, b.id
) TO STDOUT WITH (FORMAT csv, HEADER)
"""


def psql(server: str, sql: str) -> None:
    subprocess.run(["psql", f"{server}/postgres", "-q", "-c", sql], check=True)  # noqa: S603,S607


def manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--businesses", type=int, default=100_000)
    parser.add_argument("--database", default="umkm_export_bench")
    parser.add_argument("--keep", action="store_true", help="keep the database for another run (--reuse)")
    parser.add_argument("--reuse", action="store_true", help="measure the database a --keep run left")
    parser.add_argument(
        "--smoke", action="store_true", help="a few hundred rows, to check the bench still runs"
    )
    parser.add_argument(
        "--participations",
        type=int,
        default=None,
        help="seeded participations (default: one per ten businesses)",
    )
    args = parser.parse_args()
    if args.smoke:
        args.businesses = 300
        os.environ["EXPORT_INLINE_MAX_ROWS"] = "50"
    server = pg_server()
    env = {**os.environ, "DATABASE_URL": f"{server}/{args.database}", "LOG_LEVEL": "WARNING"}
    if not args.reuse:
        psql(server, f"DROP DATABASE IF EXISTS {args.database}")
        psql(server, f"CREATE DATABASE {args.database}")
        manage("migrate", "-v0", env=env)
        started = time.perf_counter()
        # The export reads the registry only: a participation per ten businesses keeps the seed short.
        manage(
            "seed_demo", "--businesses", str(args.businesses),
            "--participations", str(args.participations or max(10, args.businesses // 10)), "-v0", env=env,
        )  # fmt: skip
        print(f"seeded {args.businesses:,} businesses in {time.perf_counter() - started:.0f} s")

    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from pembinaan.accounts.models import User
    from pembinaan.jobs.models import Job
    from pembinaan.jobs.services import job_run
    from pembinaan.registry.models import Business, NikAccessLog

    rows = Business.objects.active().count()
    if rows <= settings.EXPORT_INLINE_MAX_ROWS:
        raise SystemExit(
            f"{rows} rows export inline (EXPORT_INLINE_MAX_ROWS={settings.EXPORT_INLINE_MAX_ROWS})"
        )

    def floor_seconds() -> float:
        with connection.cursor() as cursor:
            sink = io.StringIO()
            started = time.perf_counter()
            cursor.cursor.copy_expert(FLOOR_SQL, sink)
            return time.perf_counter() - started

    floor = statistics.median(floor_seconds() for _ in range(3))
    print(f"peak resident memory before the first export: {peak_mb():.0f} MB")
    results = []
    for who in ("staf@demo.umkm.test", "admin@demo.umkm.test"):
        user = User.objects.get(email=who)
        client = Client()
        client.force_login(user)
        for fmt in ("csv", "xlsx"):
            logged_before = NikAccessLog.objects.count()
            started = time.perf_counter()
            response = client.get(reverse("registry:business-export", args=[fmt]))
            job = Job.objects.filter(created_by=user).latest("pk")
            assert response.status_code == 302 and response["Location"] == job.get_absolute_url(), response
            run_started = time.perf_counter()
            assert job_run(job.pk), "the job was not queued"
            job_seconds = time.perf_counter() - run_started
            job.refresh_from_db()
            assert job.status == Job.Status.DONE, (job.status, job.message)
            download = client.get(reverse("jobs:job-download", args=[job.pk]))
            assert download.status_code == 200, download.status_code
            size = sum(len(piece) for piece in download.streaming_content)
            total = time.perf_counter() - started
            logged = NikAccessLog.objects.count() - logged_before
            if who.startswith("admin"):
                assert logged > 0, "a full-NIK export must log the owners it showed"
            results.append((who.split("@")[0], fmt, job_seconds, total, size, peak_mb(), logged))

    print(f"\nPostgreSQL, business list export of {rows:,} rows through the background job")
    print(
        f"{'user':8}{'format':>8}{'job s':>8}{'round s':>9}{'rows/s':>10}{'file MB':>9}{'peak RSS MB':>13}{'NIK logs':>10}"
    )
    for who, fmt, seconds, total, size, peak, logged in results:
        print(
            f"{who:8}{fmt:>8}{seconds:8.2f}{total:9.2f}{rows / seconds:10,.0f}{size / 2**20:9.1f}{peak:13.0f}{logged:10,}"
        )
    print(f"{'floor: COPY (SELECT …) TO STDOUT, CSV':44}{floor:8.2f} s")
    figures = []
    for who, fmt, seconds, total, size, peak, _logged in results:
        label = "staff, NIK masked" if who == "staf" else "Admin Dinas, full NIK logged"
        figures.append(
            Figure(
                f"{fmt.upper()} of {rows:,} businesses through the job ({label}; {size / 2**20:.1f} MB, "
                f"peak RSS {peak:.0f} MB; round trip {total:.2f} s)",
                seconds,
                "s",
                baseline=floor,
                baseline_name="PostgreSQL COPY to CSV",
                floor=True,
            )  # fmt: skip
        )
    record("export", figures, database=f"PostgreSQL, {rows:,} businesses")
    for job in Job.objects.exclude(result=""):  # the files the jobs left in private storage
        job.result.delete(save=False)
    if not args.keep:
        connection.close()
        psql(server, f"DROP DATABASE IF EXISTS {args.database}")


if __name__ == "__main__":
    main()
