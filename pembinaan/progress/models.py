from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Target(models.Model):
    """A number of coached businesses over a period (DESIGN.md: Target), e.g. 3,100 in 2021–2026."""

    name = models.CharField(_("nama"), max_length=200)
    period_start = models.DateField(_("awal periode"))
    period_end = models.DateField(_("akhir periode"))
    value = models.PositiveIntegerField(_("target jumlah UMKM terbina"))
    is_primary = models.BooleanField(_("target utama"), default=False)
    description = models.TextField(_("keterangan"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_primary", "period_start", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("target")
        permissions = [("view_dashboard", _("Dapat melihat dasbor kemajuan"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="target_period_ordered"
            ),
            models.CheckConstraint(condition=Q(value__gt=0), name="target_value_positive"),
            models.UniqueConstraint(
                fields=["is_primary"], condition=Q(is_primary=True), name="one_primary_target"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def primary(cls) -> Target | None:
        return cls.objects.filter(is_primary=True).first()
