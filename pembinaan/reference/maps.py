"""The city's kelurahan as SVG paths, for maps drawn without a map-tile server.

Boundaries come from the Kelurahan rows (loaded from the shipped GeoJSON, MIT licence: see the
credits page); their projected paths are cached, since they change only when regions are loaded
(`load_regions --boundaries` forgets them). What a map shows on them is its page's business
(progress draws the dashboard's choropleth).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.core.cache import cache

from pembinaan.reference.models import Kelurahan

WIDTH = 600
CACHE_KEY = "reference:map-paths:v1"


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
    """(shapes, height) of every kelurahan with a boundary, WIDTH wide; cached for a day."""
    return cache.get_or_set(CACHE_KEY, _project, timeout=24 * 3600)


def forget_shapes() -> None:
    """After loading new boundaries."""
    cache.delete(CACHE_KEY)
