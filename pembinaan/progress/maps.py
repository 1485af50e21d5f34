"""An offline choropleth of the city: each kelurahan's figure as a colour class on its SVG shape.

The shapes (projected boundaries, cached) are reference's (pembinaan/reference/maps.py).
"""

from __future__ import annotations

from pembinaan.reference.maps import WIDTH, projected_shapes

BINS = 5  # 0 = none, then four classes up to the largest count


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
