from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pembinaan.reference.loaders import load_regions
from pembinaan.reference.models import Kecamatan, Kelurahan


class Command(BaseCommand):
    help = "Load kecamatan and kelurahan from a Kemendagri-coded CSV (columns as the shipped file)."

    def add_arguments(self, parser):
        parser.add_argument("csv", type=Path)

    def handle(self, *args, csv: Path, **options):
        if not csv.exists():
            raise CommandError(f"File not found: {csv}")
        try:
            with transaction.atomic():
                kec, kel = load_regions(csv, kecamatan_model=Kecamatan, kelurahan_model=Kelurahan)
        except (ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{kec} kecamatan, {kel} kelurahan loaded."))
