from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pembinaan.reference.loaders import load_boundaries, load_regions
from pembinaan.reference.maps import forget_shapes
from pembinaan.reference.models import Kecamatan, Kelurahan


class Command(BaseCommand):
    help = "Load kecamatan and kelurahan from a Kemendagri-coded CSV (columns as the shipped file)."

    def add_arguments(self, parser):
        parser.add_argument("csv", type=Path)
        parser.add_argument(
            "--boundaries", type=Path, help="GeoJSON of kelurahan polygons (property `kode`), for the map"
        )

    def handle(self, *args, csv: Path, boundaries: Path | None = None, **options):
        if not csv.exists():
            raise CommandError(f"File not found: {csv}")
        try:
            with transaction.atomic():
                kec, kel = load_regions(csv, kecamatan_model=Kecamatan, kelurahan_model=Kelurahan)
                if boundaries is not None:
                    shaped = load_boundaries(boundaries, kelurahan_model=Kelurahan)
                    forget_shapes()
                    self.stdout.write(f"{shaped} kelurahan boundaries loaded.")
        except (ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{kec} kecamatan, {kel} kelurahan loaded."))
