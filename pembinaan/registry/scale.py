"""Business scale under PP 7/2021 Pasal 35 (docs/rules.md rule 5).

Annual sales decide when known; otherwise capital excluding land and buildings. Above the
menengah ceiling a business is not a UMKM and is flagged as "besar".
Thresholds as in PP 7/2021 (upper bounds inclusive, in rupiah), written out below from the
reference table skala_usaha.csv the project was given.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scale(models.TextChoices):
    MIKRO = "mikro", _("Mikro")
    KECIL = "kecil", _("Kecil")
    MENENGAH = "menengah", _("Menengah")
    BESAR = "besar", _("Besar (bukan UMKM)")


class ScaleBasis(models.TextChoices):
    SALES = "penjualan", _("hasil penjualan tahunan")
    CAPITAL = "modal", _("modal usaha (tanpa tanah dan bangunan)")


SALES_CEILINGS = (
    (Scale.MIKRO, 2_000_000_000),
    (Scale.KECIL, 15_000_000_000),
    (Scale.MENENGAH, 50_000_000_000),
)
CAPITAL_CEILINGS = (
    (Scale.MIKRO, 1_000_000_000),
    (Scale.KECIL, 5_000_000_000),
    (Scale.MENENGAH, 10_000_000_000),
)

SCALE_ORDER = [Scale.MIKRO, Scale.KECIL, Scale.MENENGAH, Scale.BESAR]


def _by_ceiling(amount: int, ceilings) -> str:
    for scale, ceiling in ceilings:
        if amount <= ceiling:
            return scale
    return Scale.BESAR


def classify(*, annual_sales: int | None, capital: int | None) -> tuple[str, str]:
    """Return (scale, basis), or ("", "") when neither figure is known."""
    if annual_sales is not None:
        return _by_ceiling(annual_sales, SALES_CEILINGS), ScaleBasis.SALES
    if capital is not None:
        return _by_ceiling(capital, CAPITAL_CEILINGS), ScaleBasis.CAPITAL
    return "", ""
