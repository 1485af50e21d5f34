from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
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


PLACEHOLDER_PROGRAMME = "Pagu belum dicatat (lengkapi)"


class BudgetLineQuerySet(models.QuerySet):
    def placeholder_for(self, *, source_id: int, fiscal_year: int) -> BudgetLine:
        """The line an activity is charged to while Admin Dinas has not entered the real pagu.

        Recording a workshop must not wait for the budget office; the overview shows the line as
        "perlu dilengkapi" until its amount is entered.
        """
        line, _created = self.get_or_create(
            source_id=source_id,
            fiscal_year=fiscal_year,
            programme=PLACEHOLDER_PROGRAMME,
            needs_review=True,
            defaults={"amount": 0},
        )
        return line


class BudgetLine(models.Model):
    """Pagu: an amount budgeted from one source for one fiscal year, optionally for a programme."""

    source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("sumber dana")
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("tahun anggaran"),
        db_index=True,
        validators=[
            MinValueValidator(2000, message=_("Tahun anggaran antara 2000 dan 2100.")),
            MaxValueValidator(2100, message=_("Tahun anggaran antara 2000 dan 2100.")),
        ],
    )
    programme = models.CharField(_("program/sub-kegiatan"), max_length=250, blank=True)
    budget_code = models.CharField(
        _("kode rekening / DPA"), max_length=100, blank=True, help_text=_("Bebas, sesuai dokumen anggaran.")
    )
    amount = models.PositiveBigIntegerField(_("pagu (Rp)"))
    needs_review = models.BooleanField(
        _("perlu dilengkapi"),
        default=False,
        help_text=_("Dibuat otomatis dari kegiatan lama; isi pagu yang sebenarnya."),
    )
    note = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        ordering = ["-fiscal_year", "source__order", "programme", "pk"]
        permissions = [("view_budget_overview", _("Dapat melihat ringkasan anggaran dan realisasi"))]
        verbose_name = _("pagu anggaran")
        verbose_name_plural = _("pagu anggaran")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) | Q(needs_review=True), name="budget_line_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=2000, fiscal_year__lte=2100), name="budget_line_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        label = self.programme or self.budget_code or _("Pagu umum")
        return f"{self.source} {self.fiscal_year} – {label}"

    def clean(self) -> None:
        # A field message, so the form marks the amount instead of naming the DB constraint.
        if not self.needs_review and (self.amount is None or self.amount <= 0):
            raise ValidationError({"amount": _("Pagu harus lebih dari nol rupiah.")})


def grant_evidence_path(instance: CapitalAssistance, filename: str) -> str:
    return f"bantuan/{instance.business_id}/{timezone.now():%Y%m}/{instance.evidence_token}{instance.evidence_extension}"


class CapitalAssistance(models.Model):
    """Bantuan permodalan: a grant or in-kind aid to one business, within a disbursement round."""

    class Form(models.TextChoices):
        CASH = "tunai", _("Uang tunai")
        EQUIPMENT = "peralatan", _("Peralatan")
        MATERIALS = "bahan-baku", _("Bahan baku")
        OTHER = "lainnya", _("Lainnya")

    class Status(models.TextChoices):
        PROPOSED = "diusulkan", _("Diusulkan")
        APPROVED = "disetujui", _("Disetujui")
        DISBURSED = "disalurkan", _("Disalurkan")
        CANCELLED = "dibatalkan", _("Dibatalkan")

    business = models.ForeignKey(
        "registry.Business",
        on_delete=models.PROTECT,
        related_name="capital_assistance",
        verbose_name=_("usaha"),
    )
    activity = models.ForeignKey(
        "coaching.Activity",
        on_delete=models.PROTECT,
        related_name="grants",
        verbose_name=_("putaran penyaluran (kegiatan)"),
    )
    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.PROTECT, related_name="grants", verbose_name=_("pagu anggaran")
    )
    date = models.DateField(_("tanggal"))
    form = models.CharField(_("bentuk"), max_length=12, choices=Form.choices, default=Form.CASH)
    amount = models.PositiveBigIntegerField(
        _("nilai (Rp)"),
        validators=[MinValueValidator(1, message=_("Nilai bantuan harus lebih dari nol rupiah."))],
    )
    description = models.TextField(_("uraian yang diberikan"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    double_funding_reason = models.TextField(
        _("alasan persetujuan bantuan kedua"),
        blank=True,
        help_text=_("Wajib bila usaha ini sudah menerima bantuan dari sumber lain pada tahun yang sama."),
    )
    # The approval's day dates the recipient's attendance from below (rule 13c); who approved is
    # kept beside it (rule 14). Empty until approved.
    approved_on = models.DateField(_("tanggal disetujui"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disetujui oleh"),
    )
    disbursed_on = models.DateField(_("tanggal disalurkan"), null=True, blank=True)
    # Who recorded the disbursement (rule 14: never the approver); the exact time of each step is
    # the history row the step wrote. The proposer is `created_by`, at `created_at`.
    disbursed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disalurkan oleh"),
    )
    change_reason = models.TextField(
        _("alasan perubahan terakhir"),
        blank=True,
        help_text=_("Setiap alasan tersimpan di riwayat perubahan."),
    )
    evidence = models.FileField(
        _("berita acara serah terima"), upload_to=grant_evidence_path, blank=True, max_length=255
    )
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_token = models.CharField(max_length=32, blank=True, editable=False)
    evidence_extension = models.CharField(max_length=6, blank=True, editable=False)
    created_at = models.DateTimeField(_("diusulkan pada"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diusulkan oleh"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("bantuan permodalan")
        verbose_name_plural = _("bantuan permodalan")
        # Proposing is `add`; approving and disbursing are separate duties (rule 14).
        permissions = [
            ("approve_capitalassistance", _("Dapat menyetujui bantuan permodalan")),
            ("disburse_capitalassistance", _("Dapat mencatat penyaluran bantuan permodalan")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["diusulkan", "disetujui", "disalurkan", "dibatalkan"]),
                name="grant_status_valid",
            ),
            models.UniqueConstraint(fields=["activity", "business"], name="one_grant_per_business_per_round"),
        ]
        indexes = [models.Index(fields=["business", "status"])]

    def __str__(self) -> str:
        return f"{self.business_id} – {self.amount}"

    @classmethod
    def merge_rows(cls, *, keep, remove, field: str, by=None) -> None:
        """Move grants to the kept business; two grants in one round is a case for staff, not a merge."""
        clash = cls.objects.filter(
            business=remove, activity__in=cls.objects.filter(business=keep).values("activity")
        )
        if clash.exists():
            raise ValidationError(
                _(
                    "Kedua usaha tercatat menerima bantuan pada putaran penyaluran yang sama (%(round)s). "
                    "Selesaikan dulu bantuan ganda itu (batalkan atau koreksi salah satunya), lalu gabungkan."
                )
                % {"round": clash.select_related("activity").first().activity.title}
            )
        for grant in cls.objects.filter(business=remove):
            grant.business = keep
            grant._history_user = by
            grant.save(update_fields=["business"])


class DutySeparation(models.Model):
    """How far Admin Dinas separates the duties on a grant (rule 14); one row, edited in the admin.

    Rule 14 itself always holds: the approver is never the proposer and the disburser never the
    approver. "Ketat" (the default) adds that the disburser is not the proposer either, so three
    people handle every grant; "dua orang" lets a small office have the proposer record the payment.
    """

    class Mode(models.TextChoices):
        STRICT = "ketat", _("Ketat: pengusul, penyetuju dan penyalur tiga orang berbeda")
        TWO_PEOPLE = (
            "dua-orang",
            _("Dua orang: pengusul boleh mencatat penyaluran; penyetuju selalu orang lain"),
        )

    mode = models.CharField(_("pemisahan tugas"), max_length=10, choices=Mode.choices, default=Mode.STRICT)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pemisahan tugas bantuan")
        verbose_name_plural = _("pemisahan tugas bantuan")

    def __str__(self) -> str:
        return str(self.get_mode_display())

    @classmethod
    def current(cls) -> DutySeparation:
        return cls.objects.order_by("pk").first() or cls(mode=cls.Mode.STRICT)
