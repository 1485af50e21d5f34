from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Kecamatan(models.Model):
    """A district, keyed by its Kemendagri code (e.g. 63.71.01), never a BPS code."""

    code = models.CharField(_("kode Kemendagri"), max_length=8, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self) -> str:
        return self.name

    @property
    def regency_code(self) -> str:
        return self.code[:5]


class Kelurahan(models.Model):
    """A village-level area, keyed by its Kemendagri code (e.g. 63.71.01.1001)."""

    code = models.CharField(_("kode Kemendagri"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="kelurahan_set", verbose_name=_("kecamatan")
    )
    # GeoJSON geometry (Polygon or MultiPolygon, [lng, lat]) for the offline choropleth map.
    boundary = models.JSONField(_("batas wilayah (GeoJSON)"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")

    def __str__(self) -> str:
        return self.name


class KbliCategory(models.Model):
    """A KBLI 2020 category (A–U)."""

    code = models.CharField(_("kode"), max_length=1, primary_key=True)
    name_id = models.CharField(_("nama (Indonesia)"), max_length=200)
    name_en = models.CharField(_("nama (Inggris)"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kategori KBLI")
        verbose_name_plural = _("kategori KBLI")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "id").startswith("en") else self.name_id
