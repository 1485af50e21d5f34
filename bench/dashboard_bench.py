"""Dashboard and open-data speed on PostgreSQL, against the naive rule-6 SQL (issue: dashboard).

    .venv/bin/python bench/dashboard_bench.py [--businesses N] [--participations P] [--keep | --reuse] [--smoke]
    PG_URL=postgres://postgres@127.0.0.1:5432 (server; a database `umkm_bench` is created and dropped)

--reuse measures a database seeded before (e.g. `seed_bench.py --keep --database umkm_bench`);
--smoke: 300 businesses / 600 participations, one naive run, to check the bench still runs.
Figures go to bench/results/latest.md.

Reports, for the dashboard view and GET /api/v1/progress/: median latency right after a change
(attendance recorded) and on repeat, the query count; the time to record one attendance (with the
aggregate upkeep); and the naive computation over the raw tables as the baseline, with the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
DB = "umkm_bench"

from results import Figure, pg_server, record  # noqa: E402


def psql(server: str, sql: str) -> None:
    subprocess.run(["psql", f"{server}/postgres", "-q", "-c", sql], check=True)  # noqa: S603,S607


def manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--businesses", type=int, default=100_000)
    parser.add_argument("--participations", type=int, default=500_000)
    parser.add_argument("--keep", action="store_true", help="keep the database for another run (--reuse)")
    parser.add_argument("--reuse", action="store_true", help="measure the database a --keep run left")
    parser.add_argument("--database", default=DB, help=f"database name on the server (default {DB})")
    parser.add_argument(
        "--naive-runs",
        type=int,
        default=3,
        help="repeats of the naive baseline (minutes each at 1M; 0 skips it)",
    )
    parser.add_argument("--smoke", action="store_true", help="300 businesses: checks the bench still runs")
    args = parser.parse_args()
    if args.smoke:
        args.businesses, args.participations, args.naive_runs = 300, 600, 1
    db = args.database
    server = pg_server()
    env = {**os.environ, "DATABASE_URL": f"{server}/{db}", "LOG_LEVEL": "WARNING"}
    if not args.reuse:
        psql(server, f"DROP DATABASE IF EXISTS {db}")
        psql(server, f"CREATE DATABASE {db}")
        manage("migrate", "-v0", env=env)
        started = time.perf_counter()
        manage(
            "seed_demo", "--businesses", str(args.businesses), "--participations", str(args.participations),
            "-v0", env=env,
        )  # fmt: skip
        print(f"seeded {args.businesses:,} businesses / {args.participations:,} participations "
              f"in {time.perf_counter() - started:.0f} s")  # fmt: skip

    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from pembinaan.accounts.models import User
    from pembinaan.coaching.models import Participation
    from pembinaan.coaching.services import attendance_record
    from pembinaan.progress.models import Target
    from pembinaan.progress.selectors import dashboard_fresh

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics as autovacuum would leave them on a live server
    target = Target.primary()
    viewer = User.objects.get(email="pemantau@demo.umkm.test")
    staff = User.objects.get(email="staf@demo.umkm.test")
    client = Client()
    client.force_login(viewer)
    flip = list(
        Participation.objects.filter(status="hadir", activity__status="selesai").select_related("activity")[
            :20
        ]
    )

    def change(i: int) -> None:
        p = flip[i % len(flip)]
        p.refresh_from_db()
        attendance_record(
            activity=p.activity, statuses={p.pk: "tidak-hadir" if p.status == "hadir" else "hadir"}, by=staff
        )

    counter = iter(range(10**6))
    record_ms = median_ms(lambda: change(next(counter)), 20)
    results = {}
    for name, url in (("dashboard", "/dasbor/"), ("api", "/api/v1/progress/")):
        client.get(url)  # warm the connection and templates
        reset_queries()  # each request resets the log, which would hide the capture
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        after_change = []
        for i in range(7):
            change(i)
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            after_change.append((time.perf_counter() - started) * 1000)
        repeat = median_ms(lambda u=url: client.get(u), 7)
        results[name] = (statistics.median(after_change), repeat, len(queries))
    naive_ms = median_ms(lambda: dashboard_fresh(target), args.naive_runs) if args.naive_runs else None

    print(f"\nPostgreSQL, {args.businesses:,} businesses / {args.participations:,} participations")
    print(f"{'':32}{'after a change':>16}{'repeat':>10}{'queries':>9}")
    for name, (after, repeat, n) in results.items():
        print(f"{name:32}{after:13.0f} ms{repeat:7.0f} ms{n:9d}")
    print(f"{'record one attendance':32}{record_ms:13.1f} ms")
    if naive_ms is not None:
        print(f"{'naive rule-6 dashboard (raw SQL)':32}{naive_ms:13.0f} ms")
        print(f"{'ratio naive / dashboard':32}{naive_ms / results['dashboard'][0]:13.1f} x")
    naive = {"baseline": naive_ms, "baseline_name": "naive rule-6 SQL, this run"} if naive_ms else {}
    figures = []
    for name, (after, repeat, n) in results.items():
        figures.append(Figure(f"{name}, right after a change ({n} queries)", after, "ms", **naive))
        figures.append(Figure(f"{name}, repeated (cached)", repeat, "ms", **naive))
    figures.append(Figure("record one attendance (with the aggregate upkeep)", record_ms, "ms"))
    record("dashboard", figures, database=f"PostgreSQL, {args.businesses:,} businesses / "
           f"{args.participations:,} participations")  # fmt: skip
    if not args.keep:
        connection.close()
        psql(server, f"DROP DATABASE IF EXISTS {db}")


if __name__ == "__main__":
    main()
