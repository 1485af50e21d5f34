"""The database part of a backup: PostgreSQL with pg_dump and pg_restore (custom format), SQLite with
its online backup API; and the row count of every table, taken from the very data that is saved.

On PostgreSQL the rows are counted in the snapshot pg_dump saves (`pg_export_snapshot`), so the
counts in the manifest are exactly the dump's even while the portal keeps writing.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.db import connection, transaction

from pembinaan.backups.errors import BackupError
from pembinaan.backups.gpg import Gpg, wrong_passphrase


@dataclass
class DatabaseFacts:
    vendor: str
    server_version: str
    tool: str
    tables: dict[str, int] = field(default_factory=dict)
    migrations: dict[str, str] = field(default_factory=dict)


def engine():
    """The database of the current settings (DATABASE_URL)."""
    if connection.vendor == "postgresql":
        return Postgres()
    if connection.vendor == "sqlite":
        return Sqlite()
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")


def table_names() -> list[str]:
    with connection.cursor() as cursor:
        return _tables(cursor)


def row_counts() -> dict[str, int]:
    """Rows in every table of the current database."""
    with connection.cursor() as cursor:
        return _count(cursor, _tables(cursor))


def _tables(cursor) -> list[str]:
    if connection.vendor == "sqlite":
        return _sqlite_tables(cursor)
    return sorted(connection.introspection.table_names(cursor))


def _count(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def _last_migrations(cursor, tables: dict[str, int]) -> dict[str, str]:
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return dict(cursor.fetchall())  # the last one applied of each app wins


def _check(process: subprocess.Popen, what: str, log: IO) -> None:
    """Raise with the tool's own words when it failed (the caller has waited for it)."""
    if process.wait() != 0:
        log.seek(0)
        detail = log.read().decode(errors="replace").strip()[-2000:]
        if wrong_passphrase(detail):
            raise BackupError("Wrong BACKUP_PASSPHRASE for this backup (or a damaged file).")
        raise BackupError(f"{what} failed (exit status {process.returncode}):\n{detail}")


class Postgres:
    suffix = "pgdump"
    magic = b"PGDMP"

    def __init__(self) -> None:
        self.settings = connection.settings_dict

    def env(self) -> dict[str, str]:
        """libpq's variables for pg_dump and pg_restore: the password never on a command line."""
        _args, extra = connection.client.settings_to_cmd_args_env(self.settings, [])
        env = {**os.environ, **(extra or {})}
        options = self.settings.get("OPTIONS", {})
        for variable, value in (
            ("PGHOST", self.settings.get("HOST")),
            ("PGPORT", self.settings.get("PORT")),
            ("PGUSER", self.settings.get("USER")),
            ("PGDATABASE", self.settings.get("NAME")),
            ("PGCONNECT_TIMEOUT", options.get("connect_timeout")),
        ):
            if value:
                env[variable] = str(value)
        return env

    def server_version(self) -> str:
        connection.ensure_connection()
        version = connection.pg_version  # 150020 for 15.20
        return f"{version // 10000}.{version % 10000}"

    def tool(self, name: str) -> str:
        """`pg_dump (PostgreSQL) 15.20 …`, refused when older than the server it must talk to."""
        if shutil.which(name) is None:
            raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
        found = subprocess.run([name, "--version"], capture_output=True, text=True, check=True)  # noqa: S603
        version = found.stdout.strip()
        server_major = int(self.server_version().split(".")[0])
        tool_major = int(re.search(r"\)\s*(\d+)", version).group(1))
        if tool_major < server_major:
            raise BackupError(
                f"{version} is older than the PostgreSQL {server_major} server; "
                f"install postgresql-client-{server_major} (from apt.postgresql.org if Debian lacks it)."
            )
        return version

    def dump(self, *, gpg: Gpg, passphrase: str, output: Path, log: IO) -> DatabaseFacts:
        facts = DatabaseFacts("postgresql", self.server_version(), self.tool("pg_dump"))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SET LOCAL statement_timeout = 0")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            dump = subprocess.Popen(  # noqa: S603
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--no-password"],  # noqa: S607
                stdout=subprocess.PIPE,
                stderr=log,
                env=self.env(),
            )
            encrypt = gpg.encrypt(passphrase=passphrase, stdin=dump.stdout, output=output, stderr=log)
            dump.stdout.close()  # gpg holds it now; pg_dump sees a broken pipe if gpg dies
            try:
                # Counted in pg_dump's own snapshot while it runs: the same rows it writes.
                facts.tables = _count(cursor, _tables(cursor))
                facts.migrations = _last_migrations(cursor, facts.tables)
            finally:
                dump.wait()
                encrypt.wait()
            _check(dump, "pg_dump", log)
            _check(encrypt, "gpg (encrypting the database)", log)
        return facts

    def restore(self, *, gpg: Gpg, passphrase: str, source: Path, log: IO) -> None:
        self.tool("pg_restore")
        decrypt = gpg.decrypt(passphrase=passphrase, source=source, stdout=subprocess.PIPE, stderr=log)
        # One transaction: a restore that fails half-way leaves the database as empty as it was.
        # Owners and grants are the restoring role's, whatever role the old server used.
        restore = subprocess.Popen(  # noqa: S603
            [  # noqa: S607
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--no-password",
                f"--dbname={self.settings['NAME']}",
            ],
            stdin=decrypt.stdout,
            stdout=log,
            stderr=log,
            env=self.env(),
        )
        decrypt.stdout.close()
        decrypt.wait()
        restore.wait()
        _check(decrypt, "gpg (decrypting the database)", log)
        _check(restore, "pg_restore", log)
        connection.close()  # the next query sees the restored tables afresh


class Sqlite:
    suffix = "sqlite3"
    magic = b"SQLite format 3\x00"

    def __init__(self) -> None:
        self.path = Path(connection.settings_dict["NAME"])

    def dump(self, *, gpg: Gpg, passphrase: str, output: Path, log: IO) -> DatabaseFacts:
        # The plain copy lives only in a private temporary directory until it is encrypted.
        with tempfile.TemporaryDirectory(prefix="umkm-backup-") as private:
            copy = Path(private) / "database.sqlite3"
            source, target = sqlite3.connect(self.path), sqlite3.connect(copy)
            try:
                source.backup(target)  # a consistent copy, even while the portal writes
                cursor = target.cursor()
                facts = DatabaseFacts(
                    "sqlite", sqlite3.sqlite_version, f"sqlite3 backup API {sqlite3.sqlite_version}"
                )
                facts.tables = _count(cursor, _sqlite_tables(cursor))
                facts.migrations = _last_migrations(cursor, facts.tables)
            finally:
                source.close()
                target.close()
            with open(copy, "rb") as plain:
                _check(gpg.encrypt(passphrase=passphrase, stdin=plain, output=output, stderr=log), "gpg", log)
        return facts

    def restore(self, *, gpg: Gpg, passphrase: str, source: Path, log: IO) -> None:
        with tempfile.TemporaryDirectory(prefix="umkm-restore-") as private:
            plain = Path(private) / "database.sqlite3"
            with open(plain, "wb") as out:
                _check(gpg.decrypt(passphrase=passphrase, source=source, stdout=out, stderr=log), "gpg", log)
            # gpg has checked the bytes are the ones encrypted (its modification detection code).
            copy = sqlite3.connect(plain)
            try:
                connection.ensure_connection()
                copy.backup(connection.connection)
            finally:
                copy.close()
        connection.close()


def _sqlite_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    )
    return sorted(row[0] for row in cursor.fetchall())
