"""Backups of the whole portal and their restore (issue 15): `manage.py backup` and `manage.py restore`.

A backup is one directory, `umkm-backup-YYYYMMDD-HHMMSS/`, holding
- `database.pgdump.gpg` (PostgreSQL, pg_dump custom format) or `database.sqlite3.gpg` (SQLite),
- `media.tar.gpg`: every stored file (uploads, export files), as a tar,
- `manifest.json`: when, which portal commit, which database, the row count of every table, the number
  of files, and the size and SHA-256 of each encrypted part (no personal data, so it stays readable),
- `HOW-TO-RESTORE.txt`: the commands, for whoever finds the directory years later.
Both parts are encrypted with BACKUP_PASSPHRASE (gpg, AES-256). The directory is written under a
`.partial` name and renamed when complete, so a backup that failed never looks like one.

A restore goes into an empty database (freshly created) and an empty file storage only; it checks the
parts' checksums and the passphrase before it writes anything, and compares every table's row count
with the manifest afterwards.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from pembinaan.backups import database
from pembinaan.backups.errors import BackupError
from pembinaan.backups.gpg import Gpg, wrong_passphrase
from pembinaan.backups.media import media_dump, media_restore, stored_files

FORMAT = "umkm-portal-backup/1"
PREFIX = "umkm-backup-"
MANIFEST = "manifest.json"
MEDIA_PART = "media.tar.gpg"
# A passphrase that protects every NIK of the city: long enough not to be guessed offline.
PASSPHRASE_MIN_LENGTH = 16

HOW_TO_RESTORE = """\
Portal Pembinaan UMKM: backup {name}
====================================

Restore (pulihkan) into an EMPTY database and an empty MEDIA_ROOT or bucket, with the portal's
settings in the environment and the same BACKUP_PASSPHRASE that made this backup:

    createdb umkm            # a new, empty database (as the postgres user)
    BACKUP_PASSPHRASE=... python manage.py restore {path}
    python manage.py migrate # when the portal's code is newer than the backup

By hand, without the portal (gpg asks for the passphrase):

    gpg --pinentry-mode loopback --output database.{db_suffix} --decrypt database.{db_suffix}.gpg
    gpg --pinentry-mode loopback --output media.tar --decrypt media.tar.gpg
    pg_restore --no-owner --no-privileges --dbname=umkm database.pgdump   # PostgreSQL
    cp database.sqlite3 /srv/umkm-portal/db.sqlite3                        # SQLite
    tar -xf media.tar -C /srv/umkm-portal/media

manifest.json lists every table's row count and each part's SHA-256 (sha256sum *.gpg).
"""


@dataclass
class Backup:
    path: Path
    manifest: dict
    pruned: list[Path] = field(default_factory=list)


@dataclass
class Restored:
    manifest: dict
    tables: dict[str, int]
    files: int
    differences: list[str]
    pending_migrations: list[str]
    seconds: dict[str, float]


def check_passphrase(passphrase: str | None, *, new: bool) -> str:
    if not passphrase:
        raise BackupError(
            "BACKUP_PASSPHRASE is not set: backups hold every NIK and are never written unencrypted. "
            "Set it in the environment (the same one for restore), and keep a copy away from the backups."
        )
    if new and len(passphrase) < PASSPHRASE_MIN_LENGTH:
        raise BackupError(
            f"BACKUP_PASSPHRASE is too short ({len(passphrase)} characters; at least "
            f"{PASSPHRASE_MIN_LENGTH}). Generate one: openssl rand -base64 32"
        )
    return passphrase


def backup_create(*, root: Path, passphrase: str, keep: int = 0) -> Backup:
    """Write a complete, encrypted backup under `root`; then keep only the newest `keep` (0: all)."""
    check_passphrase(passphrase, new=True)
    root.mkdir(parents=True, exist_ok=True)
    started = timezone.localtime()
    name = PREFIX + started.strftime("%Y%m%d-%H%M%S")
    final, partial = root / name, root / f"{name}.partial"
    if final.exists():
        raise BackupError(f"{final} exists already; wait a second and run again.")
    partial.mkdir(mode=0o700)
    try:
        manifest = _write_parts(partial, passphrase, started)
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        db_suffix = manifest["database"]["part"].removeprefix("database.").removesuffix(".gpg")
        (partial / "HOW-TO-RESTORE.txt").write_text(
            HOW_TO_RESTORE.format(name=name, path=final, db_suffix=db_suffix)
        )
        for path in partial.iterdir():
            path.chmod(0o600)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    pruned = backups_prune(root=root, keep=keep) if keep > 0 else []
    return Backup(path=final, manifest=manifest, pruned=pruned)


def _write_parts(directory: Path, passphrase: str, started: datetime.datetime) -> dict:
    engine = database.engine()
    db_part = f"database.{engine.suffix}.gpg"
    seconds = {}
    with Gpg() as gpg:
        with tempfile.TemporaryFile() as log:
            clock = time.perf_counter()
            facts = engine.dump(gpg=gpg, passphrase=passphrase, output=directory / db_part, log=log)
            seconds["database"] = round(time.perf_counter() - clock, 2)
        # After the database: every file its rows name exists, unless deleted in between.
        with tempfile.TemporaryFile() as log:
            clock = time.perf_counter()
            media = media_dump(gpg=gpg, passphrase=passphrase, output=directory / MEDIA_PART, log=log)
            seconds["media"] = round(time.perf_counter() - clock, 2)
    return {
        "format": FORMAT,
        "created_at": started.isoformat(),
        "finished_at": timezone.localtime().isoformat(),
        "portal": {"git_commit": _git_commit()},
        "database": {**asdict(facts), "part": db_part},
        "media": {**asdict(media), "part": MEDIA_PART},
        "encryption": "gpg --symmetric --cipher-algo AES256 (passphrase: BACKUP_PASSPHRASE)",
        "parts": {part: _describe(directory / part) for part in (db_part, MEDIA_PART)},
        "seconds": seconds,
    }


def _describe(path: Path) -> dict:
    return {"bytes": path.stat().st_size, "sha256": _sha256(path)}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _git_commit() -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


def backups_prune(*, root: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` complete backups in `root` (names sort by time)."""
    complete = sorted(
        path
        for path in root.iterdir()
        if path.is_dir() and path.name.startswith(PREFIX) and (path / MANIFEST).is_file()
    )
    old = complete[:-keep] if keep > 0 else []
    for path in old:
        shutil.rmtree(path)
    return old


def backup_read(path: Path) -> dict:
    """The manifest of a complete backup whose parts are all there and unchanged."""
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except FileNotFoundError as exc:
        raise BackupError(f"{path} is not a backup: it has no {MANIFEST}.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is a backup of an unknown format ({manifest.get('format')!r}).")
    for part, expected in manifest["parts"].items():
        if not (path / part).is_file():
            raise BackupError(f"{path / part} is missing.")
        if _sha256(path / part) != expected["sha256"]:
            raise BackupError(f"{path / part} is damaged: its SHA-256 differs from the manifest's.")
    return manifest


def backup_restore(*, path: Path, passphrase: str) -> Restored:
    """Bring a backup into the empty database and empty file storage of the current settings."""
    check_passphrase(passphrase, new=False)
    manifest = backup_read(path)
    engine = database.engine()
    if manifest["database"]["vendor"] != connection.vendor:
        raise BackupError(
            f"This is a backup of a {manifest['database']['vendor']} database; DATABASE_URL names a "
            f"{connection.vendor} one."
        )
    if tables := database.table_names():
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} is not empty ({len(tables)} tables). "
            "Restore only into a new, empty database (createdb), never over a live one."
        )
    if (stored := next(stored_files(), None)) is not None:
        raise BackupError(
            f"The file storage (MEDIA_ROOT or bucket) is not empty (it holds {stored}). "
            "Restore only into an empty one."
        )
    db_part, media_part = path / manifest["database"]["part"], path / manifest["media"]["part"]
    seconds = {}
    with Gpg() as gpg:
        _try_passphrase(gpg, passphrase, db_part, engine.magic)
        with tempfile.TemporaryFile() as log:
            clock = time.perf_counter()
            engine.restore(gpg=gpg, passphrase=passphrase, source=db_part, log=log)
            seconds["database"] = round(time.perf_counter() - clock, 2)
        with tempfile.TemporaryFile() as log:
            clock = time.perf_counter()
            files = media_restore(gpg=gpg, passphrase=passphrase, source=media_part, log=log)
            seconds["media"] = round(time.perf_counter() - clock, 2)
    tables = database.row_counts()
    expected = manifest["database"]["tables"]
    differences = [
        f"{table}: {expected.get(table, 'absent')} in the backup, {tables.get(table, 'absent')} restored"
        for table in sorted(set(expected) | set(tables))
        if expected.get(table) != tables.get(table)
    ]
    if files != manifest["media"]["files"]:
        differences.append(f"files: {manifest['media']['files']} in the backup, {files} restored")
    return Restored(
        manifest=manifest,
        tables=tables,
        files=files,
        differences=differences,
        pending_migrations=_pending_migrations(),
        seconds=seconds,
    )


def _try_passphrase(gpg: Gpg, passphrase: str, part: Path, magic: bytes) -> None:
    """Decrypt the first bytes only: a wrong passphrase is refused before anything is written."""
    with tempfile.TemporaryFile() as log:
        probe = gpg.decrypt(passphrase=passphrase, source=part, stdout=subprocess.PIPE, stderr=log)
        head = probe.stdout.read(len(magic))
        probe.stdout.close()
        probe.kill()
        probe.wait()
        if head == magic:
            return
        log.seek(0)
        detail = log.read().decode(errors="replace")
    if not head and wrong_passphrase(detail):
        raise BackupError("Wrong BACKUP_PASSPHRASE for this backup: nothing was restored.")
    raise BackupError(f"{part} does not hold the expected database dump:\n{detail.strip()}")


def _pending_migrations() -> list[str]:
    """Migrations of this code that the restored database has not had (an older backup)."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def passphrase_from_environment() -> str | None:
    # Read here, not in settings: a setting would show on Django's debug pages and in `diffsettings`.
    return os.environ.get("BACKUP_PASSPHRASE")
