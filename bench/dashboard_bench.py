"""Dashboard and open-data speed on PostgreSQL, against the naive rule-6 SQL (issue: dashboard).

    .venv/bin/python bench/dashboard_bench.py [--businesses N] [--participations P] [--keep | --reuse] [--smoke]
    PG_URL=postgres://postgres@127.0.0.1:5432 (server; a database `umkm_bench` is created and dropped)

--reuse measures a database seeded before (e.g. `seed_bench.py --keep --database umkm_bench`);
--smoke: 300 businesses / 600 participations, one naive run, to check the bench still runs.
Figures go to bench/results/latest.md.

Reports, for the dashboard view, GET /api/v1/progress/, the report, its PDF and the budget
overview: median latency right after a change (attendance recorded) and on repeat, the query count;
every filtered view (each combination of filters, each single value); the time to record one
attendance through the service (with the aggregate upkeep); and the naive computation over the raw
tables as the baseline, with the ratio.
"""

from __future__ import annotations

import argparse
import itertools
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
    parser.add_argument(
        "--naive-timeout",
        type=int,
        default=30,
        help="seconds a filtered view's naive baseline may run before it is reported as longer (default 30)",
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
    from pembinaan.progress.services import figures_touched

    with connection.cursor() as cursor:
        # Planner statistics and visibility maps as autovacuum leaves them on a live server (it
        # vacuums a freshly loaded table too): index-only scans need the latter.
        cursor.execute("VACUUM ANALYZE")
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
        """An attendance, then the figures' version moved: an attendance that moves no figure (the
        business was coached already) leaves every cached page valid, and the page after it would
        be measured from the cache."""
        p = flip[i % len(flip)]
        p.refresh_from_db()
        attendance_record(
            activity=p.activity, statuses={p.pk: "tidak-hadir" if p.status == "hadir" else "hadir"}, by=staff
        )
        figures_touched()

    def record_one(i: int) -> float:
        """One attendance through the service, timed alone: the status to flip is read first."""
        p = flip[i % len(flip)]
        p.refresh_from_db(fields=["status"])
        status = "tidak-hadir" if p.status == "hadir" else "hadir"
        started = time.perf_counter()
        attendance_record(activity=p.activity, statuses={p.pk: status}, by=staff)
        return (time.perf_counter() - started) * 1000

    record_ms = statistics.median(record_one(i) for i in range(20))
    results = {}
    # The pages that read the same figures: the open data, the report and its PDF (the budget table
    # included: reached and coached per year and source) and the budget overview.
    pages = (
        ("dashboard", "/dasbor/"),
        ("api", "/api/v1/progress/"),
        ("report", "/dasbor/laporan/"),
        ("report PDF", "/dasbor/laporan/pdf/"),
        ("budget overview", "/pendanaan/anggaran/"),
    )
    for name, url in pages:
        client.get(url)  # warm the connection and templates
        after_change = []
        for i in range(7):
            change(i)
            reset_queries()  # each request resets the log, which would hide the capture
            # The queries of a request right after a change (a cache miss), not of a repeat.
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                assert client.get(url).status_code == 200
                after_change.append((time.perf_counter() - started) * 1000)
            # Counted now: the context reads the connection's log lazily, and the next request resets it.
            count = len(queries)
        repeat = median_ms(lambda u=url: client.get(u), 7)
        results[name] = (statistics.median(after_change), repeat, count)
    naive_ms = median_ms(lambda: dashboard_fresh(target), args.naive_runs) if args.naive_runs else None
    views = filtered_views(
        client, change, target, dashboard_fresh, args.naive_timeout if args.naive_runs else 0
    )
    staff_client = Client()
    staff_client.force_login(staff)
    drills = drill_downs(staff_client, target)

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
    print(f"\n{'filtered view':48}{'uncached':>10}{'cached':>9}{'queries':>9}{'naive':>12}{'ratio':>8}")
    for name, after, repeat, n, naive_view in views:
        shown = (
            "—"
            if naive_view is None
            else (f"{naive_view:.0f} ms" if naive_view > 0 else f"> {-naive_view:.0f} ms")
        )
        ratio = f"{abs(naive_view) / after:.0f}x" if naive_view else "—"
        print(f"{name:48}{after:7.0f} ms{repeat:6.0f} ms{n:9d}{shown:>12}{ratio:>8}")
        if naive_view is not None and naive_view < 0:
            base = {
                "baseline": -naive_view,
                "baseline_name": f"naive SQL, stopped after {args.naive_timeout} s",
            }
        elif naive_view:
            base = {"baseline": naive_view, "baseline_name": "naive SQL, this run"}
        else:
            base = {}
        figures.append(Figure(f"dashboard {name}, uncached ({n} queries)", after, "ms", **base))
        figures.append(Figure(f"dashboard {name}, cached", repeat, "ms"))
    print(f"\n{'drill-down (staff business list)':72}{'page':>9}{'queries':>9}{'exact count':>13}")
    for name, page_ms, n, count_ms in drills:
        print(f"{name:72}{page_ms:6.0f} ms{n:9d}{count_ms:10.0f} ms")
        figures.append(
            Figure(
                f"drill-down {name} ({n} queries)",
                page_ms,
                "ms",
                baseline=count_ms,
                baseline_name="its exact COUNT alone, as the list counted before",
            )
        )
    record("dashboard", figures, database=f"PostgreSQL, {args.businesses:,} businesses / "
           f"{args.participations:,} participations")  # fmt: skip
    if not args.keep:
        connection.close()
        psql(server, f"DROP DATABASE IF EXISTS {db}")


def filtered_views(client, change, target, dashboard_fresh, naive_timeout: int) -> list[tuple]:
    """Every combination of the dashboard's four filters (the busiest value of each), and every
    single value of each filter: median uncached (right after a change) and cached, the query count,
    and the naive computation of the same view (negative: stopped at the timeout, in ms)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pembinaan.coaching.models import Activity
    from pembinaan.progress.selectors import DashboardFilters
    from pembinaan.reference.models import Kecamatan

    # Each filter's busiest value: the view with the most rows behind it (the dashboard has no
    # kelurahan filter: a kelurahan is a breakdown and a drill-down).
    busiest = {k: v for k, v in busiest_values().items() if k != "kelurahan"}
    combos = []
    names = list(busiest)
    for size in range(1, len(names) + 1):
        for chosen in itertools.combinations(names, size):
            combos.append({name: busiest[name] for name in chosen})
    singles = []
    for param, field in (
        ("tahun", "fiscal_year"),
        ("jenis", "coaching_type__code"),
        ("sumber", "funding_source__code"),
    ):
        # order_by(): the default ordering would widen DISTINCT to every activity.
        values = Activity.objects.values_list(field, flat=True).order_by().distinct()
        singles += [{param: v} for v in sorted(values)]
    singles += [{"kecamatan": c} for c in Kecamatan.objects.order_by("code").values_list("code", flat=True)]
    rows = []
    counter = iter(range(10**6))
    for params in combos + [p for p in singles if p not in combos]:
        name = ", ".join(f"{k}={v}" for k, v in params.items())
        with CaptureQueriesContext(connection) as queries:
            change(next(counter))
            client.get("/dasbor/", params)
        uncached = []
        for _ in range(3):
            change(next(counter))
            started = time.perf_counter()
            assert client.get("/dasbor/", params).status_code == 200
            uncached.append((time.perf_counter() - started) * 1000)
        repeat = median_ms(lambda p=params: client.get("/dasbor/", p), 5)
        with CaptureQueriesContext(connection) as queries:
            client.get("/dasbor/", {**params, "_": "count"})  # a cache miss: the key has the query string
        naive = None
        if naive_timeout and params in combos:
            filters = DashboardFilters(
                fiscal_year=params.get("tahun"),
                coaching_type=params.get("jenis"),
                funding_source=params.get("sumber"),
                kecamatan=params.get("kecamatan"),
            )
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = %s", [naive_timeout * 1000])
            started = time.perf_counter()
            try:
                dashboard_fresh(target, filters)
                naive = (time.perf_counter() - started) * 1000
            except Exception:  # noqa: BLE001 (the statement timeout: longer than we wait)
                naive = -naive_timeout * 1000
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
        rows.append((name, statistics.median(uncached), repeat, len(queries), naive))
    return rows


def busiest_values() -> dict:
    """Each dashboard filter's busiest value (the view with the most attendance behind it), and the
    busiest kelurahan."""
    from django.db.models import Count

    from pembinaan.coaching.models import Participation

    attended = Participation.objects.filter(status="hadir")
    fields = {
        "tahun": "activity__fiscal_year",
        "jenis": "activity__coaching_type__code",
        "sumber": "activity__funding_source__code",
        "kecamatan": "business__kelurahan__kecamatan",
        "kelurahan": "business__kelurahan",
    }
    return {
        param: attended.values(field).annotate(n=Count("pk")).order_by("-n")[0][field]
        for param, field in fields.items()
    }


def drill_downs(client, target) -> list[tuple]:
    """The staff business list a dashboard figure links to (`terbina`), under each of the dashboard's
    filters and the breakdowns' keys, every order and the last page: median of three (the list is
    not cached), its query count, and the exact COUNT of the same list alone (what the list ran
    before it counted only up to a cap)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pembinaan.lib.forms import list_filters
    from pembinaan.lib.paging import CappedPaginator
    from pembinaan.registry.forms import BusinessFilterForm
    from pembinaan.registry.selectors import BUSINESS_SORTS, business_list

    busiest = busiest_values()
    t = {"terbina": target.pk}
    last = str(CappedPaginator.cap // 25)  # the last page a list shows (a smaller list shows its own last)
    year, kind, source = busiest["tahun"], busiest["jenis"], busiest["sumber"]
    views = [
        {},
        t,
        {**t, "kecamatan": busiest["kecamatan"]},
        {**t, "kelurahan": busiest["kelurahan"]},
        {**t, "tahun": year},
        {**t, "jenis": kind},
        {**t, "sumber": source},
        {**t, "tahun": year, "jenis": kind, "sumber": source},
        {**t, "tahun": year, "jenis": kind, "sumber": source, "kecamatan": busiest["kecamatan"]},
        {**t, "jenis": kind, "kelurahan": busiest["kelurahan"]},
        {**t, "gender": "P"},
        {**t, "scale": "mikro"},
        {**t, "kbli": "C"},
        {**t, "status": "terverifikasi"},
        {**t, "page": last},
        {"status": "diajukan"},
    ]
    views += [{**t, "sort": key, "page": last} for key in BUSINESS_SORTS]
    rows = []
    for params in views:
        url = "/registri/usaha/"
        assert client.get(url, params).status_code == 200
        took = []
        for _ in range(3):
            started = time.perf_counter()
            client.get(url, params)
            took.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url, params)
        qs = business_list(filters=list_filters(BusinessFilterForm(params or None)))  # as the view reads them
        count_ms = median_ms(lambda q=qs: q.count(), 1)
        name = ", ".join(f"{k}={v}" for k, v in params.items()) or "unfiltered"
        rows.append((name, statistics.median(took), len(queries), count_ms))
    return rows


if __name__ == "__main__":
    main()
