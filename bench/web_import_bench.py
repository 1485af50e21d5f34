"""A 100,000-row import through the web, end to end, run by a real worker (issue: background work).

    .venv/bin/python bench/web_import_bench.py [--rows N] [--engine database|rq]
    PG_URL=postgres://postgres@127.0.0.1:5432    (database umkm_web_import_bench is created and dropped)

What a staff member does, over HTTP against gunicorn on 127.0.0.1 (DEBUG off): log in, upload the
generated .xlsx of bench/import_bench.py (title row, abbreviated headers, ~1% refused rows), send
the column mapping with "valid rows only" (the dry run becomes a job), wait for the worker, confirm
(the import becomes a job), wait again. One `manage.py worker` runs the jobs. Prints the time of
each step as the user waits for it, and the rows the registry gained.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
OWN_DB = "umkm_web_import_bench"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
EMAIL, PASSWORD = "bench-staf@dinas.test", "Bench-Staf-2026!"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--engine", choices=["database", "rq"], default="database")
    parser.add_argument("--smoke", action="store_true", help="300 rows: checks the bench runs")
    args = parser.parse_args()
    if args.smoke:
        args.rows = 300

    from import_bench import RESULTS, generate, psql
    from results import pg_server

    server = pg_server()
    database_url = f"{server}/{OWN_DB}"
    psql(server, f"DROP DATABASE IF EXISTS {OWN_DB}")
    psql(server, f"CREATE DATABASE {OWN_DB}")
    media = RESULTS / "web_import_media"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TASKS_BACKEND": args.engine,
        "MEDIA_ROOT": str(media),
        "DEBUG": "false",
        "IMPORT_MAX_ROWS": str(max(args.rows + 1000, 200_000)),
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [*manage, "shell", "-c", _CREATE_STAFF], cwd=ROOT, env=env, check=True, capture_output=True
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"import_{args.rows}.xlsx"
    if not path.exists():
        generate(path, args.rows)

    logs = RESULTS / "web_import_logs"
    logs.mkdir(exist_ok=True)
    web = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "umkm_portal.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", "2",
         "--timeout", "120"],
        cwd=ROOT, env=env, stdout=open(logs / "web.log", "w"), stderr=subprocess.STDOUT,  # noqa: SIM115
    )  # fmt: skip
    worker = subprocess.Popen(  # noqa: S603
        [*manage, "worker"],
        cwd=ROOT,
        env=env,
        stdout=open(logs / "worker.log", "w"),
        stderr=subprocess.STDOUT,  # noqa: SIM115
    )
    try:
        _wait_for_server()
        _journey(path, args.rows, database_url)
    finally:
        for process in (web, worker):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
        psql(server, f"DROP DATABASE IF EXISTS {OWN_DB} WITH (FORCE)")


_CREATE_STAFF = f"""
from django.contrib.auth.models import Group
from pembinaan.accounts.models import User
from pembinaan.accounts import roles
user = User.objects.create_user(email={EMAIL!r}, password={PASSWORD!r}, full_name="Staf Bench")
user.groups.add(Group.objects.get(name=roles.STAFF))
"""


def _wait_for_server() -> None:
    import urllib.request

    for _ in range(100):
        try:
            urllib.request.urlopen(f"{BASE}/akun/masuk/", timeout=2)  # noqa: S310
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _journey(path: Path, rows: int, database_url: str) -> None:
    import psycopg2
    from playwright.sync_api import sync_playwright

    db = psycopg2.connect(database_url)
    db.autocommit = True

    def one(sql: str, *params):
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    with sync_playwright() as playwright:
        http = playwright.request.new_context(base_url=BASE, extra_http_headers={"Referer": BASE + "/"})
        login = http.get("/akun/masuk/")
        http.post(
            "/akun/masuk/",
            form={"csrfmiddlewaretoken": _token(login.text()), "username": EMAIL, "password": PASSWORD},
        )
        page = http.get("/impor/")
        assert page.ok and "Unggah" in page.text(), page.status

        started = time.perf_counter()
        uploaded = http.post(
            "/impor/",
            multipart={
                "csrfmiddlewaretoken": _token(page.text()),
                "kind": "usaha",
                "file": {
                    "name": path.name,
                    "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "buffer": path.read_bytes(),
                },
            },
            timeout=120_000,
        )
        upload_s = time.perf_counter() - started
        run_pk = int(re.search(r"/impor/(\d+)/", uploaded.url).group(1))
        (mapping,) = one("SELECT mapping FROM imports_importrun WHERE id = %s", run_pk)
        form = {f"col_{i}": key for i, key in enumerate(mapping)} | {"valid_rows_only": "on"}
        form["csrfmiddlewaretoken"] = _token(uploaded.text())

        started = time.perf_counter()
        http.post(f"/impor/{run_pk}/pratinjau/", form=form, timeout=120_000)
        request_s = time.perf_counter() - started
        _wait_until(one, run_pk, "pratinjau")
        preview_s = time.perf_counter() - started

        detail = http.get(f"/impor/{run_pk}/")
        started = time.perf_counter()
        http.post(f"/impor/{run_pk}/konfirmasi/", form={"csrfmiddlewaretoken": _token(detail.text())})
        confirm_request_s = time.perf_counter() - started
        _wait_until(one, run_pk, "selesai")
        confirm_s = time.perf_counter() - started
        created, refused, skipped = one(
            "SELECT created_count, refused_count, skipped_count FROM imports_importrun WHERE id = %s", run_pk
        )
        (businesses,) = one("SELECT count(*) FROM registry_business")
        http.dispose()
    db.close()

    print(f"rows in the file            {rows:>9,}")
    print(f"upload (request)            {upload_s:9.1f} s")
    print(f"dry run: request answered   {request_s:9.1f} s; job done after {preview_s:.1f} s")
    print(f"import:  request answered   {confirm_request_s:9.1f} s; job done after {confirm_s:.1f} s")
    print(f"end to end (upload..done)   {upload_s + preview_s + confirm_s:9.1f} s")
    print(
        f"created {created:,}, skipped {skipped:,}, refused {refused:,}; registry holds {businesses:,} businesses"
    )
    from results import Figure, record

    record(
        "web import",
        [
            Figure(f"{rows:,} rows through the web, upload to done ({created:,} created, {refused:,} refused)",
                   upload_s + preview_s + confirm_s, "s"),
            Figure("dry run job, request to done", preview_s, "s"),
            Figure("import job, request to done", confirm_s, "s"),
        ],
        database="PostgreSQL",
    )  # fmt: skip


def _wait_until(one, run_pk: int, status: str, timeout: float = 1800) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        (current,) = one("SELECT status FROM imports_importrun WHERE id = %s", run_pk)
        (active,) = one(
            "SELECT count(*) FROM jobs_job WHERE key = %s AND status IN ('antre', 'berjalan')",
            f"impor:{run_pk}",
        )
        if current == status and not active:
            return
        (failed,) = one(
            "SELECT count(*) FROM jobs_job WHERE key = %s AND status = 'gagal'", f"impor:{run_pk}"
        )
        if failed:
            raise SystemExit(f"the job failed: see {RESULTS_LOGS}")
        time.sleep(0.5)
    raise SystemExit(f"import {run_pk} not {status} after {timeout} s")


RESULTS_LOGS = ROOT / "bench" / "results" / "web_import_logs"

if __name__ == "__main__":
    main()
