"""`manage.py backup` and `manage.py restore`, run as an IT officer runs them (real processes, real
gpg, pg_dump and pg_restore on PostgreSQL, the online backup API on SQLite) against the test database
of whichever vendor DATABASE_URL names."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from pembinaan.registry.models import Business
from tests.factories import BusinessFactory, OwnerFactory, make_nik
from tests.workers import database_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSPHRASE = "kunci-cadangan-dinas-2026"
NIK = make_nik(day=17, month=8, yy=45, serial=1945)
SECRET_LETTER = f"Surat keterangan usaha, NIK {NIK}".encode()


def _manage(*args: str, database: str, media: Path, passphrase: str | None = PASSPHRASE, **extra):
    env = {k: v for k, v in os.environ.items() if k not in {"BACKUP_PASSPHRASE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DATABASE_URL=database, MEDIA_ROOT=str(media), **extra)
    if passphrase is not None:
        env["BACKUP_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


class Target:
    """An empty database of the test's vendor, and an empty media directory, to restore into."""

    def __init__(self, tmp_path: Path):
        self.media = tmp_path / "restored-media"
        params = connection.settings_dict
        if connection.vendor == "sqlite":
            self.path = tmp_path / "restored.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            self.name = f"{params['NAME']}_restore"
            self.url = database_url().rsplit("/", 1)[0] + f"/{self.name}"
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"', f'CREATE DATABASE "{self.name}"')

    def _admin(self, *statements: str) -> None:
        params = connection.settings_dict
        admin = psycopg2.connect(
            dbname="postgres",
            user=params["USER"],
            password=params.get("PASSWORD") or None,
            host=params.get("HOST") or "127.0.0.1",
            port=params.get("PORT") or 5432,
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        admin.close()

    def query(self, sql: str, *params) -> list[tuple]:
        if connection.vendor == "sqlite":
            db = sqlite3.connect(self.path)
            try:
                rows = db.execute(sql.replace("%s", "?"), params).fetchall()
                db.commit()
                return rows
            finally:
                db.close()
        params_ = connection.settings_dict
        db = psycopg2.connect(
            dbname=self.name,
            user=params_["USER"],
            password=params_.get("PASSWORD") or None,
            host=params_.get("HOST") or "127.0.0.1",
            port=params_.get("PORT") or 5432,
        )
        try:
            with db.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            db.commit()
            db.close()

    def tables(self) -> list[str]:
        if connection.vendor == "sqlite":
            return [r[0] for r in self.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [r[0] for r in self.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]

    def drop(self) -> None:
        if connection.vendor != "sqlite":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def source(tmp_path):
    """The test database with an owner whose NIK is known, and a media directory with two files."""
    owner = OwnerFactory(nik=NIK, name="Siti Rahmah")
    BusinessFactory.create_batch(3, owner=owner)
    media = tmp_path / "media"
    (media / "profil" / "7").mkdir(parents=True)
    (media / "profil" / "7" / "foto.jpg").write_bytes(b"\xff\xd8\xff" + os.urandom(5000))
    (media / "bukti").mkdir()
    (media / "bukti" / "surat.pdf").write_bytes(b"%PDF-1.4\n" + SECRET_LETTER)
    return media


@pytest.fixture
def target(tmp_path):
    target = Target(tmp_path)
    yield target
    target.drop()


def _backup(source_media: Path, backups: Path, **kwargs) -> Path:
    result = _manage("backup", "--dir", str(backups), database=database_url(), media=source_media, **kwargs)
    assert result.returncode == 0, result.stderr
    (made,) = [p for p in backups.iterdir() if (p / "manifest.json").exists()]
    return made


def test_a_backup_restored_into_an_empty_database_brings_back_every_row_and_every_file(
    source, target, tmp_path
):
    backup = _backup(source, tmp_path / "backups")

    result = _manage("restore", str(backup), database=target.url, media=target.media)

    assert result.returncode == 0, result.stderr
    assert "Every table's row count and the file count equal the manifest's." in result.stdout
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["tables"]["registry_business"] == Business.objects.count() == 3
    assert manifest["media"]["files"] == 2
    assert target.query("SELECT name FROM registry_owner WHERE nik = %s", NIK) == [("Siti Rahmah",)]
    assert target.query("SELECT COUNT(*) FROM registry_business") == [(3,)]
    for name in ("profil/7/foto.jpg", "bukti/surat.pdf"):
        assert (target.media / name).read_bytes() == (source / name).read_bytes()


def test_the_parts_are_unreadable_without_the_passphrase_and_open_with_gpg_by_hand(source, tmp_path):
    backup = _backup(source, tmp_path / "backups")
    manifest = json.loads((backup / "manifest.json").read_text())
    db_part = backup / manifest["database"]["part"]

    for part in (db_part, backup / "media.tar.gpg"):
        data = part.read_bytes()
        assert NIK.encode() not in data and SECRET_LETTER not in data and b"Siti Rahmah" not in data
    assert NIK not in (backup / "manifest.json").read_text()
    # The decryption HOW-TO-RESTORE.txt gives, with the passphrase on standard input instead of asked.
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)

    def by_hand(part: Path) -> bytes:
        opened = subprocess.run(
            ["gpg", "--homedir", str(home), "--batch", "--pinentry-mode", "loopback", "--passphrase-fd", "0"]
            + ["--decrypt", str(part)],
            input=PASSPHRASE.encode(),
            capture_output=True,
        )
        assert opened.returncode == 0, opened.stderr
        return opened.stdout

    assert SECRET_LETTER in by_hand(backup / "media.tar.gpg")
    assert by_hand(db_part).startswith(
        b"PGDMP" if connection.vendor == "postgresql" else b"SQLite format 3\x00"
    )
    subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], check=False)  # noqa: S607
    assert f"--decrypt {manifest['database']['part']}" in (backup / "HOW-TO-RESTORE.txt").read_text()


def test_backup_refuses_to_run_without_a_passphrase_and_writes_nothing(source, tmp_path):
    backups = tmp_path / "backups"

    result = _manage("backup", "--dir", str(backups), database=database_url(), media=source, passphrase=None)

    assert result.returncode != 0
    assert "BACKUP_PASSPHRASE is not set" in result.stderr
    assert not backups.exists() or not list(backups.iterdir())


def test_backup_refuses_a_short_passphrase(source, tmp_path):
    result = _manage(
        "backup", "--dir", str(tmp_path / "b"), database=database_url(), media=source, passphrase="dinas123"
    )

    assert result.returncode != 0
    assert "BACKUP_PASSPHRASE is too short (8 characters; at least 16)" in result.stderr


def test_restore_refuses_to_run_without_a_passphrase(source, target, tmp_path):
    backup = _backup(source, tmp_path / "backups")

    result = _manage("restore", str(backup), database=target.url, media=target.media, passphrase=None)

    assert result.returncode != 0 and "BACKUP_PASSPHRASE is not set" in result.stderr
    assert target.tables() == []


def test_a_wrong_passphrase_is_refused_and_nothing_is_restored(source, target, tmp_path):
    backup = _backup(source, tmp_path / "backups")

    result = _manage(
        "restore", str(backup), database=target.url, media=target.media, passphrase="bukan-kunci-yang-benar"
    )

    assert result.returncode != 0
    assert "Wrong BACKUP_PASSPHRASE for this backup: nothing was restored." in result.stderr
    assert target.tables() == []
    assert not target.media.exists() or not any(target.media.rglob("*"))


def test_restore_into_a_database_that_holds_tables_is_refused_and_changes_nothing(source, target, tmp_path):
    backup = _backup(source, tmp_path / "backups")
    target.query("CREATE TABLE catatan (isi varchar(20))")
    target.query("INSERT INTO catatan (isi) VALUES (%s)", "data lama")

    result = _manage("restore", str(backup), database=target.url, media=target.media)

    assert result.returncode != 0
    assert "is not empty (1 tables). Restore only into a new, empty database" in result.stderr
    assert target.tables() == ["catatan"]
    assert target.query("SELECT isi FROM catatan") == [("data lama",)]


def test_restore_into_a_file_storage_that_holds_files_is_refused(source, target, tmp_path):
    backup = _backup(source, tmp_path / "backups")
    target.media.mkdir()
    (target.media / "lama.pdf").write_bytes(b"%PDF-1.4\n")

    result = _manage("restore", str(backup), database=target.url, media=target.media)

    assert result.returncode != 0
    assert "The file storage (MEDIA_ROOT or bucket) is not empty (it holds lama.pdf)" in result.stderr
    assert target.tables() == []


def test_a_damaged_backup_is_refused_before_anything_is_restored(source, target, tmp_path):
    backup = _backup(source, tmp_path / "backups")
    part = backup / json.loads((backup / "manifest.json").read_text())["database"]["part"]
    data = bytearray(part.read_bytes())
    data[len(data) // 2] ^= 0xFF
    part.write_bytes(bytes(data))

    result = _manage("restore", str(backup), database=target.url, media=target.media)

    assert result.returncode != 0
    assert "is damaged: its SHA-256 differs from the manifest's" in result.stderr
    assert target.tables() == []


def test_keep_deletes_the_oldest_complete_backups_and_nothing_else(source, tmp_path):
    backups = tmp_path / "backups"
    for stamp in ("20250101-020000", "20250102-020000", "20250103-020000"):
        (backups / f"umkm-backup-{stamp}").mkdir(parents=True)
        (backups / f"umkm-backup-{stamp}" / "manifest.json").write_text("{}")
    (backups / "umkm-backup-20250104-020000.partial").mkdir()  # a failed run's leftovers: not ours to judge
    (backups / "catatan-admin").mkdir()

    result = _manage("backup", "--dir", str(backups), "--keep", "2", database=database_url(), media=source)

    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in backups.iterdir())
    assert names[:3] == [
        "catatan-admin",
        "umkm-backup-20250103-020000",
        "umkm-backup-20250104-020000.partial",
    ]
    assert len(names) == 4 and names[3].startswith("umkm-backup-2")
    assert "deleted the older backup umkm-backup-20250102-020000 (keeping 2)" in result.stdout
