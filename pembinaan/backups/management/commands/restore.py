"""`manage.py restore <backup directory>`: into an empty database and an empty file storage only; then
every table's row count is compared with the backup's manifest."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pembinaan.backups.errors import BackupError
from pembinaan.backups.services import backup_restore, passphrase_from_environment


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database (DATABASE_URL) and an "
        "empty MEDIA_ROOT or bucket, with the same BACKUP_PASSPHRASE."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="the backup's directory (umkm-backup-…)")

    def handle(self, *args, **options):
        try:
            restored = backup_restore(path=options["backup"], passphrase=passphrase_from_environment())
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = restored.manifest
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} (portal commit "
            f"{manifest['portal']['git_commit'] or 'unknown'}): {len(restored.tables)} tables, "
            f"{sum(restored.tables.values())} rows in {restored.seconds['database']} s; "
            f"{restored.files} files in {restored.seconds['media']} s."
        )
        if restored.differences:
            for difference in restored.differences:
                self.stderr.write(f"  {difference}")
            raise CommandError(
                f"{len(restored.differences)} count(s) differ from the backup's manifest; "
                "do not put this database into service."
            )
        self.stdout.write(
            self.style.SUCCESS("Every table's row count and the file count equal the manifest's.")
        )
        if restored.pending_migrations:
            self.stdout.write(
                f"This code has {len(restored.pending_migrations)} migration(s) the backup predates; "
                "run `python manage.py migrate` next."
            )
