from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class FundingSource(models.Model):
    """Sumber dana: APBD Kota, APBD Provinsi, APBN, Lainnya, or a named partner Admin Dinas adds."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    description = models.TextField(_("keterangan"), blank=True)
    is_active = models.BooleanField(_("masih dipakai"), default=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("sumber dana")
        verbose_name_plural = _("sumber dana")

    def __str__(self) -> str:
        return self.name
