"""An offline choropleth of the city: kelurahan polygons drawn as SVG, no map-tile server.

Boundaries come from the Kelurahan rows (loaded from the shipped GeoJSON, MIT licence: see the
credits page); their projected paths are cached, since they change only when regions are loaded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.core.cache import cache

from pembinaan.reference.models import Kelurahan

WIDTH = 600
CACHE_KEY = "progress:map-paths:v1"
BINS = 5  # 0 = none, then four classes up to the largest count


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    kecamatan: str
    path: str


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def _project() -> tuple[list[Shape], int]:
    rows = list(
        Kelurahan.objects.exclude(boundary=None).values_list("code", "name", "kecamatan_id", "boundary")
    )
    points = [pt for *_rest, geometry in rows for ring in _rings(geometry) for pt in ring]
    if not points:
        return [], 0
    min_lng = min(p[0] for p in points)
    max_lng = max(p[0] for p in points)
    min_lat = min(p[1] for p in points)
    max_lat = max(p[1] for p in points)
    # Equirectangular with the longitude shrunk by cos(latitude): true enough for one city.
    x_scale = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = WIDTH / ((max_lng - min_lng) * x_scale)
    height = round((max_lat - min_lat) * scale)
    shapes = []
    for code, name, kecamatan, geometry in rows:
        parts = []
        for ring in _rings(geometry):
            coords = " ".join(
                f"{(lng - min_lng) * x_scale * scale:.1f},{(max_lat - lat) * scale:.1f}" for lng, lat in ring
            )
            parts.append(f"M{coords}Z")
        shapes.append(Shape(code=code, name=name, kecamatan=kecamatan, path="".join(parts)))
    return shapes, height


def projected_shapes() -> tuple[list[Shape], int]:
    return cache.get_or_set(CACHE_KEY, _project, timeout=24 * 3600)


def forget_shapes() -> None:
    """After loading new boundaries."""
    cache.delete(CACHE_KEY)


def _bin(value: int, largest: int) -> int:
    if value <= 0 or largest <= 0:
        return 0
    return min(BINS - 1, 1 + (value - 1) * (BINS - 1) // largest)


def choropleth(
    *, by_kelurahan: dict[str, int], by_kecamatan: dict[str, int], level: str = "kelurahan"
) -> dict:
    """The shapes with their figure and colour class; at kecamatan level each kelurahan wears its kecamatan's."""
    shapes, height = projected_shapes()
    values = {
        s.code: (by_kecamatan.get(s.kecamatan, 0) if level == "kecamatan" else by_kelurahan.get(s.code, 0))
        for s in shapes
    }
    largest = max(values.values(), default=0)
    legend = []
    for b in range(BINS):
        if b == 0:
            legend.append({"bin": 0, "low": 0, "high": 0})
        else:
            low = (b - 1) * largest // (BINS - 1) + 1
            high = b * largest // (BINS - 1)
            if high >= low:
                legend.append({"bin": b, "low": low, "high": high})
    return {
        "width": WIDTH,
        "height": height,
        "level": level,
        "shapes": [
            {
                "code": s.code,
                "name": s.name,
                "kecamatan": s.kecamatan,
                "path": s.path,
                "value": values[s.code],
                "bin": _bin(values[s.code], largest),
            }
            for s in shapes
        ],
        "legend": legend,
    }
