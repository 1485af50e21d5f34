"""Time `manage.py seed_demo` on a fresh PostgreSQL database (or SQLite), issue 18's seeding aim.

    .venv/bin/python bench/seed_bench.py [--businesses N] [--participations P] [--baseline]
                                         [--keep] [--database NAME] [--sqlite] [--smoke]
    PG_URL=postgres://postgres@127.0.0.1:5432 (server; databases NAME and NAME_template are made
    and dropped, NAME kept with --keep for dashboard_bench.py --reuse)

Migrates a template database once, makes the database from it, seeds it (a process of its own,
timed from start to end) and prints the rows of every table seeding fills, the seconds and
businesses per second. --baseline also seeds the same data into a second copy with every index
and key check in place (`seed_demo --keep-indexes`: how seeding loaded before), in the same run,
as the baseline of the figure; without it the baseline is the aim (1,000,000 businesses /
5,000,000 participations in 15 minutes, scaled to the size asked). Figures go to
bench/results/latest.md.

--smoke: 300 businesses / 600 participations with the baseline, a few seconds each.
--sqlite: a temporary SQLite database instead (no template, no baseline).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from results import Figure, pg_server, record  # noqa: E402

# Issue 18: 1,000,000 businesses / 5,000,000 participations in under 15 minutes.
AIM_SECONDS_PER_MILLION = 900


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def psql(server: str, sql: str) -> None:
    subprocess.run(["psql", f"{server}/postgres", "-q", "-c", sql], check=True)  # noqa: S603,S607


def seed(args, env: dict[str, str], *extra: str) -> float:
    started = time.perf_counter()
    manage(
        "seed_demo", "--businesses", str(args.businesses), "--participations", str(args.participations),
        "--seed", str(args.seed), "-v", "2" if args.verbose else "0", *extra, env=env,
    )  # fmt: skip
    return time.perf_counter() - started


def count_rows(env: dict[str, str]) -> list[tuple[str, int]]:
    """Rows in each table seeding fills, read through Django (the same on SQLite and PostgreSQL)."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from pembinaan.accounts.models import User
    from pembinaan.demo.seeder import bulk_models

    counts = [(User._meta.db_table, User.objects.count())]
    with connection.cursor() as cursor:
        for model in sorted(bulk_models(), key=lambda m: m._meta.db_table):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608 - names from the models
            counts.append((model._meta.db_table, cursor.fetchone()[0]))
    connection.close()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--businesses", type=int, default=100_000)
    parser.add_argument("--participations", type=int, default=None, help="default: 5 per business")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--baseline", action="store_true", help="also seed with the indexes kept (same run)")
    parser.add_argument("--database", default="umkm_seed_bench")
    parser.add_argument(
        "--keep", action="store_true", help="keep the seeded database (e.g. for dashboard_bench.py --reuse)"
    )
    parser.add_argument("--sqlite", action="store_true", help="seed a temporary SQLite database instead")
    parser.add_argument(
        "--smoke", action="store_true", help="300 businesses, with the baseline: checks the bench runs"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print seed_demo's time per step")
    args = parser.parse_args()
    if args.smoke:
        args.businesses, args.participations, args.baseline = 300, 600, not args.sqlite
    if args.participations is None:
        args.participations = args.businesses * 5
    base_env = {**os.environ, "DJANGO_ENV": "development", "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    size = f"{args.businesses:,} businesses / {args.participations:,} participations"

    baseline = None
    workdir = None
    if args.sqlite:
        workdir = Path(tempfile.mkdtemp(prefix="seed_bench_"))
        env = {**base_env, "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}"}
        manage("migrate", "--verbosity", "0", env=env)
        database = "SQLite"
    else:
        server = pg_server()
        template = f"{args.database}_template"
        env = {**base_env, "DATABASE_URL": f"{server}/{args.database}"}
        for name in (args.database, f"{args.database}_baseline", template):
            psql(server, f"DROP DATABASE IF EXISTS {name}")
        psql(server, f"CREATE DATABASE {template}")
        manage("migrate", "-v0", env={**base_env, "DATABASE_URL": f"{server}/{template}"})
        if args.baseline:
            psql(server, f"CREATE DATABASE {args.database}_baseline TEMPLATE {template}")
            baseline_env = {**base_env, "DATABASE_URL": f"{server}/{args.database}_baseline"}
            baseline = seed(args, baseline_env, "--keep-indexes")
            print(f"baseline (indexes and key checks kept): {baseline:.1f} s")
            psql(server, f"DROP DATABASE {args.database}_baseline")
        psql(server, f"CREATE DATABASE {args.database} TEMPLATE {template}")
        psql(server, f"DROP DATABASE {template}")
        database = "PostgreSQL"
    try:
        seconds = seed(args, env)
        counts = count_rows(env)
    finally:
        if workdir is not None and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    width = max(len(table) for table, _n in counts)
    for table, n in counts:
        print(f"{table:<{width}}  {n:>11,}")
    print(f"{'rows in total':<{width}}  {sum(n for _t, n in counts):>11,}")
    print(
        f"\nseed_demo, {size}: {seconds:.1f} s (process included), {args.businesses / seconds:,.0f} businesses/s"
    )

    if baseline is not None:
        figure = Figure(f"seed_demo, {size}", seconds, "s", baseline=baseline,
                        baseline_name="same seed, indexes and key checks kept, this run")  # fmt: skip
    else:
        scale = max(args.businesses / 1_000_000, args.participations / 5_000_000)
        figure = Figure(f"seed_demo, {size}", seconds, "s", baseline=AIM_SECONDS_PER_MILLION * scale,
                        baseline_name="aim: 1M / 5M in 15 min, scaled")  # fmt: skip
    record("seed", [figure], database=f"{database}, {sum(n for _t, n in counts):,} rows written")
    if args.keep:
        print(f"database kept: {env['DATABASE_URL']}")
    elif not args.sqlite:
        psql(pg_server(), f"DROP DATABASE IF EXISTS {args.database}")


if __name__ == "__main__":
    main()
