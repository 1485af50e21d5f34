"""`make restore-drill`: a backup is only as good as its restore, so restore one, on PostgreSQL.

1. A source database made afresh (`restore_drill` on the server of RESTORE_DRILL_DATABASE_URL,
   default postgres://postgres@127.0.0.1:5432/restore_drill): `migrate`, `seed_demo` (--businesses,
   default 10,000) and files through the portal's own services: profile photos (re-encoded JPEGs) and
   activity documents (PDF), in a media directory of its own.
2. `manage.py backup` with a random BACKUP_PASSPHRASE.
3. `manage.py restore` into a second database made afresh (`restore_drill_restored`) and an empty
   media directory.
4. Both sides compared: every table's row count, the `/api/v1/progress/` JSON (fetched with Django's
   test client against each database; `as_of`, the time of the answer, left out) and every file
   (name and SHA-256). Equal, or the drill exits 1.

The figures (seed, backup and restore durations, the parts' sizes) are printed. Both databases and the
temporary directory are removed at the end unless --keep. Never the `test` database: the drill makes
and drops only its own two. Needs gpg and a pg_dump/pg_restore as new as the server; they are
installed with apt-get when missing (postgresql-client-<server major>).
"""

# The drill starts fixed programs (manage.py, apt-get) with arguments it makes.
# ruff: noqa: S603, S607

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/restore_drill"
PHOTOS, DOCUMENTS = 40, 20


def say(text: str = "") -> None:
    print(text, flush=True)


def sudo() -> list[str]:
    return [] if os.geteuid() == 0 else ["sudo"]


def apt_install(*packages: str) -> None:
    say(f"   installing {' '.join(packages)} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo(), "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo(), "apt-get", "install", "-y", "-q", *packages], check=True, env=env)


def major(version_text: str) -> int:
    """15 from `pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)`."""
    return int(re.search(r"\)\s*(\d+)", version_text).group(1))


def ensure_tools(server_major: int) -> None:
    """gpg, and pg_dump/pg_restore at least as new as the server (pg_dump refuses a newer server)."""
    missing = []
    if shutil.which("gpg") is None or shutil.which("gpgconf") is None:
        missing.append("gnupg")
    tool = shutil.which("pg_dump")
    if (
        tool is None
        or major(subprocess.run([tool, "--version"], capture_output=True, text=True).stdout) < server_major
    ):
        missing.append(f"postgresql-client-{server_major}")
    if missing:
        apt_install(*missing)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


class Server:
    """The PostgreSQL server of the drill's URL, for making and dropping its two databases."""

    def __init__(self, url: str):
        import psycopg2

        self.url, self._psycopg2 = url, psycopg2

    def _run(self, *statements: str) -> list:
        connection = self._psycopg2.connect(with_database(self.url, "postgres"), connect_timeout=5)
        connection.autocommit = True
        rows = []
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
                rows = cursor.fetchall() if cursor.description else rows
        connection.close()
        return rows

    def major(self) -> int:
        return int(self._run("SHOW server_version_num")[0][0]) // 10000

    def recreate(self, name: str) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')

    def drop(self, name: str) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*args: str, env: dict, quiet: bool = True) -> tuple[float, str]:
    """Run manage.py; returns its duration and standard output, or stops the drill with its error."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800
    )
    if result.returncode != 0:
        say(result.stdout[-3000:])
        say(result.stderr[-3000:])
        raise SystemExit(f"FAILED: manage.py {' '.join(args)} (exit status {result.returncode})")
    if not quiet:
        say(result.stdout.rstrip())
    return time.perf_counter() - started, result.stdout


def inside(*args: str, env: dict) -> float:
    """Run one of this file's steps under the portal's settings (see `--step`); returns its duration."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, __file__, "--step", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        say(result.stdout[-3000:])
        say(result.stderr[-3000:])
        raise SystemExit(f"FAILED: the drill's step {' '.join(args)} (exit status {result.returncode})")
    return time.perf_counter() - started


def portal_env(database_url: str, media: Path, passphrase: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DJANGO_SETTINGS"))}
    env.update(
        DJANGO_ENV="development",  # seed_demo refuses production
        DEBUG="false",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media),
        FILE_STORAGE="local",
        CACHE_URL="locmemcache://",  # each snapshot is its own process: nothing cached from before
        TASKS_BACKEND="database",
        BACKUP_PASSPHRASE=passphrase,
        PYTHONUNBUFFERED="1",
    )
    return env


# --- Steps that run inside the portal (this file again, with --step, under the portal's settings) ---


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_portal.settings")
    import django

    django.setup()


def step_media() -> None:
    """Files as people upload them: owners' profile photos and staff's activity documents."""
    _django()
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from pembinaan.accounts.models import User
    from pembinaan.coaching.models import Activity
    from pembinaan.coaching.services import attachment_add
    from pembinaan.ownerspace.services import profile_update
    from pembinaan.registry.models import Business, BusinessStatus

    staff = User.objects.get(email="staf@demo.umkm.test")
    businesses = Business.objects.filter(status=BusinessStatus.VERIFIED).order_by("pk")[:PHOTOS]
    for n, business in enumerate(businesses):
        buffer = io.BytesIO()
        Image.new("RGB", (320 + n, 240), (n * 5 % 256, 120, 200)).save(buffer, "JPEG", quality=90)
        photo = SimpleUploadedFile(f"foto-{n}.jpg", buffer.getvalue(), content_type="image/jpeg")
        profile_update(business=business, by=staff, is_public=False, contact="hp", photo=photo)
    for n, activity in enumerate(Activity.objects.order_by("pk")[:DOCUMENTS]):
        pdf = (
            b"%PDF-1.4\n% daftar hadir "
            + str(n).encode()
            + b"\n"
            + secrets.token_bytes(20_000)
            + b"\n%%EOF\n"
        )
        upload = SimpleUploadedFile(f"daftar-hadir-{n}.pdf", pdf, content_type="application/pdf")
        attachment_add(activity=activity, upload=upload, kind="daftar-hadir", by=staff)


def step_snapshot(output: Path) -> None:
    """Every table's row count, the open-data JSON and every file's checksum, as JSON in `output`."""
    _django()
    from django.conf import settings
    from django.test import Client

    from pembinaan.backups.database import row_counts

    response = Client().get("/api/v1/progress/")
    if response.status_code != 200:
        raise SystemExit(f"/api/v1/progress/ answered {response.status_code}")
    progress = response.json()
    progress.pop("as_of", None)  # the time of the answer, not a figure
    media = Path(settings.MEDIA_ROOT)
    files = {
        str(path.relative_to(media)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media.rglob("*"))
        if path.is_file()
    }
    output.write_text(json.dumps({"tables": row_counts(), "progress": progress, "files": files}))


# --- The drill -----------------------------------------------------------------------------------


def compare(source: dict, restored: dict) -> list[str]:
    problems = []
    for table in sorted(set(source["tables"]) | set(restored["tables"])):
        a, b = source["tables"].get(table), restored["tables"].get(table)
        if a != b:
            problems.append(f"table {table}: {a} rows in the source, {b} restored")
    if source["progress"] != restored["progress"]:
        for key in sorted(set(source["progress"]) | set(restored["progress"])):
            if source["progress"].get(key) != restored["progress"].get(key):
                problems.append(
                    f"/api/v1/progress/ {key}: {source['progress'].get(key)!r} != {restored['progress'].get(key)!r}"
                )
    if source["files"] != restored["files"]:
        missing = set(source["files"]) - set(restored["files"])
        changed = {
            n
            for n in source["files"].keys() & restored["files"].keys()
            if source["files"][n] != restored["files"][n]
        }
        extra = set(restored["files"]) - set(source["files"])
        problems.append(f"files: {len(missing)} missing, {len(changed)} changed, {len(extra)} extra")
    return problems


def size(path: Path) -> str:
    return f"{path.stat().st_size / 1_048_576:.1f} MB"


def drill(businesses: int, keep: bool) -> int:
    url = os.environ.get("RESTORE_DRILL_DATABASE_URL", DEFAULT_URL)
    source_name = urlsplit(url).path.lstrip("/") or "restore_drill"
    target_name = f"{source_name}_restored"
    if source_name in {"test", "postgres", "template0", "template1"}:
        raise SystemExit(
            f"RESTORE_DRILL_DATABASE_URL names {source_name!r}; the drill drops and makes its own."
        )
    server = Server(url)
    server_major = server.major()
    ensure_tools(server_major)
    work = Path(tempfile.mkdtemp(prefix="restore-drill-"))
    passphrase = secrets.token_urlsafe(32)
    source_env = portal_env(with_database(url, source_name), work / "media", passphrase)
    target_env = portal_env(with_database(url, target_name), work / "restored-media", passphrase)
    say(f"Restore drill on PostgreSQL {server_major}: {source_name} -> backup -> {target_name} ({work})")
    try:
        server.recreate(source_name)
        server.recreate(target_name)
        seconds = {}
        say("1. the source: migrate, seed_demo, files")
        seconds["migrate"], _ = manage("migrate", "--noinput", env=source_env)
        seconds["seed"], out = manage("seed_demo", "--businesses", str(businesses), env=source_env)
        say("   " + out.splitlines()[0])
        seconds["files"] = inside("media", env=source_env)
        inside("snapshot", str(work / "source.json"), env=source_env)
        say("2. backup")
        seconds["backup"], out = manage("backup", "--dir", str(work / "backups"), env=source_env)
        backup = Path(out.splitlines()[0].split(": ", 1)[1])
        manifest = json.loads((backup / "manifest.json").read_text())
        say("3. restore into a fresh database and media directory")
        seconds["restore"], out = manage("restore", str(backup), env=target_env)
        inside("snapshot", str(work / "restored.json"), env=target_env)
        source = json.loads((work / "source.json").read_text())
        restored = json.loads((work / "restored.json").read_text())
        problems = compare(source, restored)

        say("4. figures")
        rows = sum(source["tables"].values())
        db_part = backup / manifest["database"]["part"]
        say(f"   source: {len(source['tables'])} tables, {rows:,} rows, {len(source['files'])} files")
        say(
            f"   seed_demo --businesses {businesses}: {seconds['seed']:.1f} s; migrate {seconds['migrate']:.1f} s; "
            f"files {seconds['files']:.1f} s"
        )
        say(
            f"   backup:  {seconds['backup']:.1f} s in all (pg_dump+gpg {manifest['seconds']['database']} s, "
            f"files {manifest['seconds']['media']} s); {db_part.name} {size(db_part)}, "
            f"media.tar.gpg {size(backup / 'media.tar.gpg')} ({manifest['media']['bytes'] / 1_048_576:.1f} MB of files)"
        )
        say(f"   restore: {seconds['restore']:.1f} s in all (as reported: {out.splitlines()[0]})")
        coached = source["progress"].get("coached_total")
        say(
            f"   compared: {len(source['tables'])} tables' row counts, /api/v1/progress/ "
            f"(coached_total {coached}, {len(source['progress'])} fields), {len(source['files'])} files' SHA-256"
        )
        if problems:
            say("\nRESTORE DRILL FAILED:")
            for problem in problems:
                say(f"   {problem}")
            return 1
        say("\nRestore drill passed: every table, the open-data figures and every file are equal.")
        return 0
    finally:
        if keep:
            say(f"(kept: databases {source_name}, {target_name} and {work})")
        else:
            server.drop(source_name)
            server.drop(target_name)
            shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--businesses", type=int, default=10_000, help="seed_demo's size (default 10,000)")
    parser.add_argument("--keep", action="store_true", help="keep both databases and the files")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)  # internal: a step under Django
    options = parser.parse_args()
    if options.step:
        if options.step[0] == "media":
            step_media()
        else:
            step_snapshot(Path(options.step[1]))
        return 0
    return drill(options.businesses, options.keep)


if __name__ == "__main__":
    sys.exit(main())
