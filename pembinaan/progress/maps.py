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
    *,
    by_kelurahan: dict[str, int],
    by_kecamatan: dict[str, int],
    level: str = "kelurahan",
    focus: str | None = None,
) -> dict:
    """The shapes with their figure and colour class; at kecamatan level each kelurahan wears its kecamatan's.

    With `focus` (a kecamatan filter) the shapes of the other kecamatan are marked `outside`: drawn
    grey, never in a colour class, and with no figure at kelurahan level (the filter counted only
    the chosen kecamatan's kelurahan, so a 0 there would be false); at kecamatan level they keep
    their kecamatan's real figure. The colour classes are scaled on the chosen kecamatan alone.
    """
    shapes, height = projected_shapes()
    values: dict[str, int | None] = {}
    for s in shapes:
        if level == "kecamatan":
            values[s.code] = by_kecamatan.get(s.kecamatan, 0)
        elif focus and s.kecamatan != focus:
            values[s.code] = None
        else:
            values[s.code] = by_kelurahan.get(s.code, 0)
    largest = max(
        (v for s in shapes if (v := values[s.code]) is not None and (not focus or s.kecamatan == focus)),
        default=0,
    )
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
        "focus": focus,
        "shapes": [
            {
                "code": s.code,
                "name": s.name,
                "kecamatan": s.kecamatan,
                "path": s.path,
                "value": values[s.code],
                "outside": bool(focus) and s.kecamatan != focus,
                "bin": _bin(values[s.code] or 0, largest),
            }
            for s in shapes
        ],
        "legend": legend,
    }
