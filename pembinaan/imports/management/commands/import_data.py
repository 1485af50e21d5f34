"""`python manage.py import_data usaha|peserta|capaian|pagu|bantuan FILE [--dry-run] [--valid-rows-only]
[--map "Judul=isian"]… [--ignore "Judul"]… [--mapping FILE]`.

The same services and rules as the web screens. Columns are placed from their headers (and from a
mapping remembered for the same layout); a column that cannot be placed, or two columns that claim
one field, refuse the file before anything is written, listing each with sample values, until it
is mapped (`--map`, `--mapping`) or ignored (`--ignore`). Choices given are remembered for the
layout, here and on the web.

Exits with status 1 when rows were refused, 2 when the file itself was refused, and 3 when columns
were left unplaced or claimed twice.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from pembinaan.accounts.models import User
from pembinaan.imports import services
from pembinaan.imports.columns import header_key
from pembinaan.imports.models import ImportKind, ImportRun

UNPLACED_EXIT = 3


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
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="JUDUL=ISIAN",
            help='petakan kolom ke isian, mis. --map "NO. HP/WA=phone" (judul atau #nomor kolom; boleh berulang)',
        )
        parser.add_argument(
            "--ignore",
            action="append",
            default=[],
            metavar="JUDUL",
            help='abaikan kolom dengan sengaja, mis. --ignore "Keterangan" (boleh berulang)',
        )
        parser.add_argument(
            "--mapping",
            metavar="BERKAS",
            help='pemetaan dari berkas .json ({judul: isian, "" = abaikan}) atau .csv (judul,isian)',
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
        kind = options["kind"]
        assigned = self._choices(kind, options)
        try:
            run = services.run_file(
                kind=kind,
                file_name=path.name,
                data=path.read_bytes(),
                by=by,
                dry_run=options["dry_run"],
                valid_rows_only=options["valid_rows_only"],
                progress=self._progress_bar(),
                via="cli",
                options={"activity": options["activity"]} if options["activity"] else {},
                assigned=assigned,
            )
        except services.MappingIncomplete as exc:
            self._unplaced(kind, exc)
            sys.exit(UNPLACED_EXIT)
        except ValidationError as exc:
            self.stderr.write(self.style.ERROR("Berkas ditolak: " + " ".join(exc.messages)))
            sys.exit(2)
        self._summary(run)
        if run.refused_count:
            sys.exit(1)

    # --- Choices ------------------------------------------------------------------------------

    def _choices(self, kind: str, options) -> dict[str, str]:
        """--mapping first, then --map and --ignore (which win): header or "#3" → field key or ""."""
        chosen: dict[str, str] = {}
        if options["mapping"]:
            chosen.update(self._mapping_file(Path(options["mapping"])))
        for item in options["map"]:
            header, sign, field = item.rpartition("=")
            if not sign or not header.strip() or not field.strip():
                raise CommandError(
                    _('Tulis --map sebagai "Judul kolom=isian", bukan “%(value)s”.') % {"value": item}
                )
            chosen[header.strip()] = field.strip()
        for header in options["ignore"]:
            chosen[header.strip()] = ""
        return {header: self._field(kind, field) for header, field in chosen.items()}

    @staticmethod
    def _field(kind: str, field: str | None) -> str:
        """A field named by its key ("phone") or its label ("No HP"); "" or none: ignored."""
        if not field:
            return ""
        wanted = header_key(field)
        for column in services.columns_for(kind):
            if wanted in (header_key(column.key), header_key(column.label)):
                return column.key
        names = ", ".join(f"{c.key} ({c.label})" for c in services.columns_for(kind))
        raise CommandError(
            _("“%(field)s” bukan isian impor %(kind)s; pilih salah satu: %(names)s.")
            % {"field": field, "kind": kind, "names": names}
        )

    @staticmethod
    def _mapping_file(path: Path) -> dict[str, str]:
        if not path.is_file():
            raise CommandError(_("Berkas pemetaan tidak ditemukan: %(path)s") % {"path": path})
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix.lower() == ".json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise CommandError(_("Berkas pemetaan JSON tidak sah: %(error)s") % {"error": exc}) from None
            if not isinstance(data, dict):
                raise CommandError(_('Berkas pemetaan JSON harus berisi {"judul kolom": "isian"}.'))
            return {str(header): str(field or "") for header, field in data.items()}
        if path.suffix.lower() == ".csv":
            delimiter = ";" if text.count(";") > text.count(",") else ","
            chosen = {}
            for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
                if not row or not row[0].strip():
                    continue
                if number == 1 and header_key(row[0]) in ("kolom", "judul", "judulkolom", "header"):
                    continue  # the file's own header row
                chosen[row[0].strip()] = row[1].strip() if len(row) > 1 else ""
            return chosen
        raise CommandError(_("Berkas pemetaan harus .json atau .csv."))

    def _unplaced(self, kind: str, exc: services.MappingIncomplete) -> None:
        """Every column that keeps the file out, with what it holds, and how to settle it."""
        write = self.stderr.write
        write(
            self.style.ERROR(
                _("Berkas belum diimpor: ada kolom yang belum dipetakan. Tidak ada yang disimpan.")
            )
        )
        for column in exc.match.unplaced:
            shown = ", ".join(exc.samples[column.index]) or _("(kosong)")
            write(
                _("  kolom %(n)d “%(header)s”: %(message)s; contoh isi: %(samples)s")
                % {
                    "n": column.index + 1,
                    "header": column.header,
                    "message": column.message,
                    "samples": shown,
                }
            )
        for conflict in exc.match.conflicts:
            write("  " + conflict.message)
        write(
            _(
                'Petakan tiap kolom dengan --map "Judul=isian" (atau --mapping BERKAS), atau abaikan dengan '
                '--ignore "Judul"; kolom tanpa judul disebut dengan nomornya, mis. --ignore "#3".'
            )
        )
        names = ", ".join(f"{c.key} ({c.label})" for c in services.columns_for(kind))
        write(_("Isian yang tersedia: %(names)s") % {"names": names})

    # --- Output -------------------------------------------------------------------------------

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
        if run.remembered_from_id:
            self.stdout.write(services.remembered_note(run.remembered_from))
        for note in [*services.skipped_notes(run), *services.factor_notes(run)]:
            self.stdout.write(note)
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
