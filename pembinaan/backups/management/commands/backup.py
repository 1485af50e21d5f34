"""`manage.py backup`: the database and every stored file, encrypted with BACKUP_PASSPHRASE, into one
directory under BACKUP_DIR (see pembinaan/backups/services.py for what it holds)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pembinaan.backups.errors import BackupError
from pembinaan.backups.services import backup_create, passphrase_from_environment


class Command(BaseCommand):
    help = (
        "Back up the database and the stored files, encrypted with BACKUP_PASSPHRASE, into a new "
        "directory under BACKUP_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=None, help="where to write (default: BACKUP_DIR)")
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="then delete all but the newest N backups there (default: BACKUP_KEEP; 0 keeps all)",
        )

    def handle(self, *args, **options):
        root = options["dir"] or Path(settings.BACKUP_DIR)
        keep = settings.BACKUP_KEEP if options["keep"] is None else options["keep"]
        try:
            backup = backup_create(root=root, passphrase=passphrase_from_environment(), keep=keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = backup.manifest
        tables = manifest["database"]["tables"]
        self.stdout.write(self.style.SUCCESS(f"Backup written: {backup.path}"))
        self.stdout.write(
            f"  database ({manifest['database']['vendor']}): {len(tables)} tables, "
            f"{sum(tables.values())} rows, {manifest['seconds']['database']} s"
        )
        self.stdout.write(
            f"  files ({manifest['media']['storage']}): {manifest['media']['files']} files, "
            f"{manifest['media']['bytes']} bytes, {manifest['seconds']['media']} s"
        )
        for part, described in manifest["parts"].items():
            self.stdout.write(f"  {part}: {described['bytes']} bytes, sha256 {described['sha256']}")
        for path in backup.pruned:
            self.stdout.write(f"  deleted the older backup {path.name} (keeping {keep})")
