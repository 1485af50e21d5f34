"""Loading reference data from CSV, shared by the data migrations and `load_regions`.

Another city needs only its own CSV (same columns as data/wilayah_banjarmasin.csv), not code.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS_CSV = DATA_DIR / "wilayah_banjarmasin.csv"
KBLI_CSV = DATA_DIR / "kbli_2020_kategori.csv"
BOUNDARIES_GEOJSON = DATA_DIR / "geo" / "banjarmasin_kelurahan.geojson"

REGION_COLUMNS = {"kode_kecamatan", "nama_kecamatan", "kode_kelurahan", "nama_kelurahan"}


def load_regions(path: Path, *, kecamatan_model, kelurahan_model) -> tuple[int, int]:
    """Create or rename kecamatan and kelurahan from a Kemendagri-coded CSV; returns the counts."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or not REGION_COLUMNS <= set(rows[0]):
        raise ValueError(f"{path}: expected columns {sorted(REGION_COLUMNS)}")
    kecamatan = {}
    for row in rows:
        kecamatan[row["kode_kecamatan"].strip()] = row["nama_kecamatan"].strip()
    for code, name in kecamatan.items():
        kecamatan_model.objects.update_or_create(code=code, defaults={"name": name})
    for row in rows:
        kelurahan_model.objects.update_or_create(
            code=row["kode_kelurahan"].strip(),
            defaults={
                "name": row["nama_kelurahan"].strip(),
                "kecamatan_id": row["kode_kecamatan"].strip(),
            },
        )
    return len(kecamatan), len(rows)


def load_kbli(path: Path, *, model) -> int:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        model.objects.update_or_create(
            code=row["kode_kategori"].strip(),
            defaults={"name_id": row["nama_id"].strip(), "name_en": row["nama_en"].strip()},
        )
    return len(rows)


def load_boundaries(path: Path, *, kelurahan_model) -> int:
    """Put each kelurahan's polygon (GeoJSON feature with property `kode`) on its row."""
    with open(path, encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    loaded = 0
    for feature in features:
        code = feature["properties"]["kode"]
        loaded += kelurahan_model.objects.filter(code=code).update(boundary=feature["geometry"])
    return loaded
