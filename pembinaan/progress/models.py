from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Target(models.Model):
    """A number of coached businesses over a period (docs/rules.md: words, Target), e.g. 3,100 in 2021–2026."""

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


# --- Maintained aggregates --------------------------------------------------------------------
# The dashboard and the open data read these instead of recounting rule 6 over the raw tables.
# They are kept by pembinaan.progress.services in the same transaction as every change that can
# move a figure; `manage.py rebuild_progress` recomputes them and `check_progress` compares.


class CoachedBusiness(models.Model):
    """A business that counts for a target (rule 6), with what the breakdowns group it by."""

    # No index of its own: each unique constraint below starts with the target (one index less
    # to write on every change).
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="coached", db_index=False)
    business = models.ForeignKey("registry.Business", on_delete=models.CASCADE, related_name="+")
    first_coached_on = models.DateField()
    kecamatan = models.CharField(max_length=8)
    kelurahan = models.CharField(max_length=13)
    kbli = models.CharField(max_length=1, blank=True)
    scale = models.CharField(max_length=10, blank=True)
    gender = models.CharField(max_length=1, blank=True)
    is_new_entrepreneur = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "business"], name="one_fact_per_target_business")
        ]
        indexes = [models.Index(fields=["target", "first_coached_on"])]

    def __str__(self) -> str:
        return f"{self.target_id}:{self.business_id}"


class CoachedAttribution(models.Model):
    """Rule 8: each coaching type, funding source and outcome kind a coached business counts in."""

    class Dimension(models.TextChoices):
        TYPE = "type"
        SOURCE = "source"
        OUTCOME = "outcome"

    # No index of its own: the unique constraint starts with the target.
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="+", db_index=False)
    business = models.ForeignKey("registry.Business", on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    key = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["target", "business", "dimension", "key"], name="one_attribution_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_id}:{self.business_id}:{self.dimension}:{self.key}"


class CoachedActivity(models.Model):
    """The first qualifying attendance of a coached business per (fiscal year, type, source) of activity.

    What the filtered views need of a business (rule 6 under a filter, rule 8): under any filter on
    fiscal year, coaching type and funding source, the business counts if one of its rows matches,
    since the earliest matching row's date, in the types and sources of the matching rows.
    """

    # No index of its own: the unique constraint starts with the target.
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="+", db_index=False)
    # Indexed with the target below: a drill-down sorted by a business column walks the businesses
    # in order and asks of each whether it counts for the target, from the index alone.
    business = models.ForeignKey(
        "registry.Business", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    fiscal_year = models.PositiveSmallIntegerField()
    coaching_type = models.CharField(max_length=40)
    funding_source = models.CharField(max_length=40)
    first_on = models.DateField()

    class Meta:
        indexes = [
            # The staff drill-down from a filtered dashboard figure (progress/business_page.py) reads
            # the businesses of a year, type and source from the index alone: without it, a year,
            # type, source and kecamatan drill-down scanned all 3.2 million rows at 1M businesses.
            models.Index(
                fields=["target", "fiscal_year", "coaching_type", "funding_source", "business"],
                name="coached_activity_filter_idx",
            ),
            models.Index(fields=["business", "target"], name="coached_activity_business_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "business", "fiscal_year", "coaching_type", "funding_source"],
                name="one_coached_activity_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_id}:{self.business_id}:{self.fiscal_year}/{self.coaching_type}/{self.funding_source}"


class FilteredTally(models.Model):
    """One figure of a filtered dashboard view: the Tally of a combination of filters.

    A combination is a fiscal year (0: every year), a coaching type, a funding source and a
    kecamatan ("" for each: not filtered); the unfiltered city-wide view is Tally's. Kept by
    pembinaan.progress.filtered in the same transaction as the facts.
    """

    # No index of its own: the unique constraint starts with the target.
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="+", db_index=False)
    fiscal_year = models.PositiveSmallIntegerField(default=0)
    coaching_type = models.CharField(max_length=40, blank=True)
    funding_source = models.CharField(max_length=40, blank=True)
    kecamatan = models.CharField(max_length=8, blank=True)
    dimension = models.CharField(max_length=20)
    key = models.CharField(max_length=40, blank=True)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "target",
                    "fiscal_year",
                    "coaching_type",
                    "funding_source",
                    "kecamatan",
                    "dimension",
                    "key",
                ],
                name="one_filtered_tally_per_key",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.target_id}:{self.fiscal_year}/{self.coaching_type}/{self.funding_source}/"
            f"{self.kecamatan}:{self.dimension}:{self.key}={self.count}"
        )


class Tally(models.Model):
    """One figure of a target's dashboard: how many coached businesses fall under (dimension, key)."""

    # No index of its own: the unique constraint starts with the target.
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="tallies", db_index=False)
    dimension = models.CharField(max_length=20)
    key = models.CharField(max_length=40, blank=True)
    count = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "dimension", "key"], name="one_tally_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.target_id}:{self.dimension}:{self.key}={self.count}"


class TallyState(models.Model):
    """That a target's aggregates exist and since when; without it the figures are computed fresh."""

    target = models.OneToOneField(Target, on_delete=models.CASCADE, related_name="tally_state")
    rebuilt_at = models.DateTimeField()
    changed_at = models.DateTimeField()
    # Moves only with pagu and realisasi (activities, budget lines, grants), not with attendance:
    # the money sums scan whole tables, so they are cached on this version of their own.
    money_changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.target_id} @ {self.changed_at}"


# --- Businesses reached per fiscal year and funding source --------------------------------------
# The budget overview's "reached" and "coached" (docs/rules.md#figures, rules 8a and 8c): every
# attendance of that source and year, whatever its date, so they belong to no target. Kept by
# pembinaan.progress.reach in the same transaction as every change that can move them.


class ReachedBusiness(models.Model):
    """A business with an attendance (rule 6a: present, activity not cancelled) charged to one source
    and fiscal year (rule 8c), and whether the business itself counts (verified, not merged away)."""

    business = models.ForeignKey(
        "registry.Business", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    fiscal_year = models.PositiveSmallIntegerField()
    # No index of its own: a source is never deleted while activities are charged to it.
    funding_source = models.ForeignKey(
        "funding.FundingSource", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    counted = models.BooleanField()

    class Meta:
        constraints = [
            # Also the index a refresh reads a business's rows by.
            models.UniqueConstraint(
                fields=["business", "fiscal_year", "funding_source"],
                name="one_reach_per_business_year_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.business_id}:{self.fiscal_year}/{self.funding_source_id}"


class ReachCount(models.Model):
    """The budget overview's reached and coached businesses of one fiscal year and funding source."""

    fiscal_year = models.PositiveSmallIntegerField()
    funding_source = models.ForeignKey(
        "funding.FundingSource", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    reached = models.IntegerField(default=0)
    coached = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "funding_source"], name="one_reach_count_per_year_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}/{self.funding_source_id}: {self.reached}/{self.coached}"


class Milestone(models.Model):
    """An optional yearly milestone of a target: how many coached businesses by the end of a year."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="milestones")
    year = models.PositiveSmallIntegerField(_("tahun"))
    cumulative_value = models.PositiveIntegerField(_("target kumulatif sampai akhir tahun"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["target", "year"]
        verbose_name = _("tonggak tahunan")
        verbose_name_plural = _("tonggak tahunan")
        constraints = [models.UniqueConstraint(fields=["target", "year"], name="one_milestone_per_year")]

    def __str__(self) -> str:
        return f"{self.target_id} {self.year}: {self.cumulative_value}"


class KecamatanShare(models.Model):
    """An optional share of a target assigned to one kecamatan."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="shares")
    kecamatan = models.ForeignKey("reference.Kecamatan", on_delete=models.PROTECT, related_name="+")
    value = models.PositiveIntegerField(_("target kecamatan"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["target", "kecamatan"]
        verbose_name = _("porsi kecamatan")
        verbose_name_plural = _("porsi kecamatan")
        constraints = [
            models.UniqueConstraint(fields=["target", "kecamatan"], name="one_share_per_kecamatan")
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.kecamatan_id}: {self.value}"


class ReportSnapshot(models.Model):
    """Figures frozen at a reporting date ("Laporan Semester I 2026"): never change afterwards."""

    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, related_name="snapshots", verbose_name=_("target")
    )
    title = models.CharField(_("judul laporan"), max_length=200)
    figures = models.JSONField(_("angka yang dibekukan"))
    frozen_at = models.DateTimeField(_("dibekukan pada"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("oleh"),
    )

    class Meta:
        ordering = ["-frozen_at", "-pk"]
        verbose_name = _("laporan yang dibekukan")
        verbose_name_plural = _("laporan yang dibekukan")

    def __str__(self) -> str:
        return self.title


class ClosedYear(models.Model):
    """A reporting year whose figures were published (docs/rules.md#figures, closed years).

    The count still follows the data, but a change that moves a closed year's figures needs a
    reason and is listed on the "Koreksi setelah tutup tahun" page and in the next report.
    """

    year = models.PositiveSmallIntegerField(_("tahun"), unique=True)
    report = models.ForeignKey(
        ReportSnapshot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("laporan yang diterbitkan"),
    )
    closed_at = models.DateTimeField(_("ditutup pada"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("oleh")
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("tahun yang ditutup")
        verbose_name_plural = _("tahun yang ditutup")

    def __str__(self) -> str:
        return str(self.year)


class FigureCorrection(models.Model):
    """A change after a year was closed that moved that year's figures: who, when, why, how much.

    `coached_*` is the cumulative count of coached businesses up to the end of the closed year (what
    that year's report printed), `new_*` those first coached in that year; `businesses` how many
    businesses' facts changed (also when no count moved, e.g. a business moved kecamatan).
    """

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="corrections")
    year = models.PositiveSmallIntegerField(_("tahun"))
    reason = models.TextField(_("alasan koreksi"))
    made_at = models.DateTimeField(_("waktu"), auto_now_add=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("oleh"),
    )
    coached_before = models.IntegerField()
    coached_after = models.IntegerField()
    new_before = models.IntegerField()
    new_after = models.IntegerField()
    businesses = models.PositiveIntegerField()

    class Meta:
        ordering = ["-made_at", "-pk"]
        verbose_name = _("koreksi setelah tutup tahun")
        verbose_name_plural = _("koreksi setelah tutup tahun")
        indexes = [models.Index(fields=["target", "made_at"])]

    def __str__(self) -> str:
        return f"{self.year}: {self.coached_before} → {self.coached_after}"


class ProgressCheck(models.Model):
    """The result of one check of the served figures (`manage.py check_progress`, the daily chore)."""

    class Via(models.TextChoices):
        COMMAND = "command", _("perintah check_progress")
        DAILY = "daily", _("pemeriksaan harian")
        ADMIN = "admin", _("tindakan di admin target")

    checked_at = models.DateTimeField(_("diperiksa pada"), auto_now_add=True)
    ok = models.BooleanField(_("angka sesuai"))
    problems = models.JSONField(_("perbedaan"), default=list, blank=True)
    via = models.CharField(_("dijalankan dari"), max_length=20, choices=Via.choices)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        verbose_name = _("pemeriksaan angka")
        verbose_name_plural = _("pemeriksaan angka")

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {'OK' if self.ok else len(self.problems)}"


class Letterhead(models.Model):
    """The printed report's letterhead and signature block, set by Admin Dinas (one row).

    Until it is saved, the report uses the deployment's settings (PORTAL_GOVERNMENT, PORTAL_AGENCY, …).
    """

    government = models.CharField(_("pemerintah daerah"), max_length=150)
    agency = models.CharField(_("nama dinas"), max_length=200)
    address = models.CharField(_("alamat dan kontak dinas"), max_length=300, blank=True)
    logo = models.ImageField(_("logo"), upload_to="kop/", blank=True)
    place = models.CharField(_("tempat penandatanganan"), max_length=100)
    signatory_title = models.CharField(_("jabatan penanda tangan"), max_length=150)
    signatory_name = models.CharField(_("nama penanda tangan"), max_length=150, blank=True)
    signatory_nip = models.CharField(_("NIP penanda tangan"), max_length=30, blank=True)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kop dan tanda tangan laporan")
        verbose_name_plural = _("kop dan tanda tangan laporan")

    def __str__(self) -> str:
        return self.agency

    @classmethod
    def current(cls) -> Letterhead:
        return cls.objects.order_by("pk").first() or cls(
            government=settings.PORTAL_GOVERNMENT,
            agency=settings.PORTAL_AGENCY,
            address=settings.PORTAL_AGENCY_ADDRESS,
            place=settings.PORTAL_CITY,
            signatory_title=settings.PORTAL_SIGNATORY_TITLE,
            signatory_name=settings.PORTAL_SIGNATORY_NAME,
            signatory_nip=settings.PORTAL_SIGNATORY_NIP,
        )
