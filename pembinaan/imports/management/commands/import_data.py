"""`python manage.py import_data usaha|peserta|capaian|pagu|bantuan FILE [--dry-run] [--valid-rows-only]`.

The same services and rules as the web screens, with the column mapping guessed from the headers.
Exits with status 1 when rows were refused (and 2 when the file itself was refused).
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pembinaan.accounts.models import User
from pembinaan.imports import services
from pembinaan.imports.models import ImportKind, ImportRun


class Command(BaseCommand):
    help = "Impor berkas .xlsx/.xls/.csv (uji coba dulu dengan --dry-run)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="hanya pratinjau, tidak ada yang disimpan")
        parser.add_argument(
            "--valid-rows-only", action="store_true", help="impor baris yang sah, laporkan sisanya"
        )
        parser.add_argument("--user", help="email akun staf yang dicatat sebagai pengimpor")
        parser.add_argument(
            "--activity", type=int, help="id kegiatan (peserta; putaran bawaan untuk bantuan)"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Berkas tidak ditemukan: {path}")
        by = None
        if options["user"]:
            by = User.objects.filter(email__iexact=options["user"]).first()
            if by is None:
                raise CommandError(f"Akun tidak ditemukan: {options['user']}")
        try:
            run = services.run_file(
                kind=options["kind"],
                file_name=path.name,
                data=path.read_bytes(),
                by=by,
                dry_run=options["dry_run"],
                valid_rows_only=options["valid_rows_only"],
                progress=self._progress_bar(),
                via="cli",
                options={"activity": options["activity"]} if options["activity"] else {},
            )
        except ValidationError as exc:
            self.stderr.write(self.style.ERROR("Berkas ditolak: " + " ".join(exc.messages)))
            sys.exit(2)
        self._summary(run)
        if run.refused_count:
            sys.exit(1)

    def _progress_bar(self):
        if not self.stderr.isatty():
            return None
        total = {"n": 0}

        def show(done: int) -> None:
            total["n"] = done
            self.stderr.write(f"\r  {done:,} baris diperiksa", ending="")
            self.stderr.flush()

        return show

    def _summary(self, run: ImportRun) -> None:
        if self.stderr.isatty():
            self.stderr.write("")
        what = "Uji coba" if run.dry_run else run.get_status_display()
        self.stdout.write(
            f"{what} (impor #{run.pk}, {run.rows_total:,} baris): {run.created_count:,} dibuat, "
            f"{run.updated_count:,} diperbarui, {run.skipped_count:,} dilewati, {run.refused_count:,} ditolak."
        )
        if run.message:
            self.stdout.write(run.message)
        for row, column, message in run.errors[:50]:
            self.stdout.write(f"  baris {row}, {column}: {message}")
        if len(run.errors) > 50:
            self.stdout.write(f"  … dan {len(run.errors) - 50:,} alasan lain (lihat /impor/{run.pk}/).")
