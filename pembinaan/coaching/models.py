from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pembinaan.funding.models import FundingSource
from pembinaan.reference.models import Kecamatan
from pembinaan.registry.models import Business
from pembinaan.registry.scale import Scale, ScaleBasis


class CoachingType(models.Model):
    """Jenis pembinaan. Codes are stable (reports use them); names may be edited; old ones retired."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    is_active = models.BooleanField(
        _("masih dipakai"), default=True, help_text=_("Jenis yang dipensiunkan tetap ada pada kegiatan lama.")
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("jenis pembinaan")
        verbose_name_plural = _("jenis pembinaan")

    def __str__(self) -> str:
        return self.name


class ActivityQuerySet(models.QuerySet):
    def not_cancelled(self):
        return self.exclude(status=Activity.Status.CANCELLED)

    def upcoming(self, today=None):
        today = today or timezone.localdate()
        return self.not_cancelled().filter(end_date__gte=today)


class Activity(models.Model):
    """Kegiatan: one coaching intervention (a workshop, a training, a mentoring visit, a grant round)."""

    class Format(models.TextChoices):
        GROUP = "kelompok", _("Kegiatan kelompok")
        MENTORING = "pendampingan", _("Pendampingan satu-satu")
        CLINIC = "klinik", _("Klinik")
        ONLINE = "daring", _("Daring (online)")

    class Organiser(models.TextChoices):
        DINAS = "dinas", _("Dinas")
        PROVINCE = "provinsi", _("Pemerintah provinsi")
        MINISTRY = "kementerian", _("Kementerian/lembaga pusat")
        PARTNER = "mitra", _("Mitra (CSR, BUMN, swasta, kampus)")

    class Status(models.TextChoices):
        PLANNED = "rencana", _("Rencana")
        RUNNING = "berjalan", _("Berjalan")
        DONE = "selesai", _("Selesai")
        CANCELLED = "batal", _("Batal")

    title = models.CharField(_("judul"), max_length=200)
    coaching_type = models.ForeignKey(
        CoachingType, on_delete=models.PROTECT, related_name="activities", verbose_name=_("jenis pembinaan")
    )
    format = models.CharField(_("bentuk"), max_length=15, choices=Format.choices, default=Format.GROUP)
    start_date = models.DateField(_("tanggal mulai"), db_index=True)
    end_date = models.DateField(_("tanggal selesai"))
    start_time = models.TimeField(_("jam mulai"), null=True, blank=True)
    end_time = models.TimeField(_("jam selesai"), null=True, blank=True)
    venue = models.CharField(_("tempat"), max_length=200, blank=True)
    kecamatan = models.ForeignKey(
        Kecamatan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("kecamatan lokasi"),
    )
    organiser = models.CharField(
        _("penyelenggara"), max_length=15, choices=Organiser.choices, default=Organiser.DINAS
    )
    organiser_name = models.CharField(_("nama penyelenggara/mitra"), max_length=200, blank=True)
    trainer = models.CharField(_("narasumber/pendamping"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        _("kapasitas peserta"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(
                1, message=_("Kapasitas paling sedikit 1 peserta; kosongkan bila tidak dibatasi.")
            )
        ],
    )
    description = models.TextField(_("deskripsi"), blank=True)
    visit_note = models.TextField(
        _("catatan kunjungan"),
        blank=True,
        help_text=_("Untuk pendampingan satu-satu: apa yang dibahas dan hasilnya."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    cancel_reason = models.TextField(_("alasan pembatalan"), blank=True)
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"), db_index=True)
    funding_source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, related_name="activities", verbose_name=_("sumber dana")
    )
    # Every activity is charged to one budget line; source and fiscal year above follow from it
    # (kept on the row so that counts per source and year need no join).
    budget_line = models.ForeignKey(
        "funding.BudgetLine",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("pagu anggaran"),
    )
    planned_cost = models.PositiveBigIntegerField(_("biaya rencana (Rp)"), default=0)
    actual_cost = models.PositiveBigIntegerField(_("biaya realisasi (Rp)"), default=0)
    open_for_signup = models.BooleanField(
        _("pendaftaran online dibuka"), default=False, help_text=_("Pelaku usaha dapat mendaftar sendiri.")
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("kegiatan")
        verbose_name_plural = _("kegiatan")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="activity_dates_ordered"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0), name="activity_capacity_positive"
            ),
        ]
        indexes = [models.Index(fields=["status", "start_date"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # Source and year are copies of the budget line's, kept on the row for counting without a
        # join; which line an activity is charged to is funding's rule (rule 13a), applied by
        # coaching's services before they save. A row without a line is refused by the database.
        if self.budget_line_id is not None:
            self.funding_source_id = self.budget_line.source_id
            self.fiscal_year = self.budget_line.fiscal_year
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # The one place for the order of an activity's dates: full_clean() runs it for the web form,
        # the admin and the services alike, and the form marks the field instead of naming the DB
        # constraint.
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Tanggal selesai tidak boleh sebelum tanggal mulai.")})

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def has_started(self, today=None) -> bool:
        return self.start_date <= (today or timezone.localdate())


def attachment_path(instance: ActivityAttachment, filename: str) -> str:
    # Never the uploader's file name in the path: it is kept only as a label.
    return f"kegiatan/{instance.activity_id}/{timezone.now():%Y%m}/{instance.token}{instance.extension}"


class ActivityAttachment(models.Model):
    """A photo or document of an activity; served only to users who may see the activity."""

    class Kind(models.TextChoices):
        PHOTO = "foto", _("Foto kegiatan")
        ATTENDANCE = "daftar-hadir", _("Pindaian daftar hadir")
        CERTIFICATE = "sertifikat", _("Sertifikat")
        REPORT = "laporan", _("Laporan")
        OTHER = "lainnya", _("Lainnya")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("jenis berkas"), max_length=15, choices=Kind.choices, default=Kind.PHOTO)
    file = models.FileField(_("berkas"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("nama berkas asli"), max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    token = models.CharField(max_length=32, editable=False)
    extension = models.CharField(max_length=6, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("lampiran kegiatan")
        verbose_name_plural = _("lampiran kegiatan")

    def __str__(self) -> str:
        return self.original_name


class ParticipationStatus(models.TextChoices):
    REGISTERED = "terdaftar", _("Terdaftar")
    ATTENDED = "hadir", _("Hadir")
    ABSENT = "tidak-hadir", _("Tidak hadir")
    CANCELLED = "batal", _("Batal")


# When two merged records both took part in one activity, the stronger status survives.
_STATUS_STRENGTH = {
    ParticipationStatus.ATTENDED: 3,
    ParticipationStatus.ABSENT: 2,
    ParticipationStatus.REGISTERED: 1,
    ParticipationStatus.CANCELLED: 0,
}


class Participation(models.Model):
    """Peserta: a business in an activity, with its attendance."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="participations")
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="participations")
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ParticipationStatus.choices,
        default=ParticipationStatus.REGISTERED,
    )
    self_registered = models.BooleanField(_("daftar sendiri"), default=False)
    note = models.TextField(_("catatan"), blank=True)
    registered_at = models.DateTimeField(_("didaftarkan"), auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attendance_marked_at = models.DateTimeField(_("kehadiran dicatat"), null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "pk"]
        verbose_name = _("peserta")
        verbose_name_plural = _("peserta")
        constraints = [
            models.UniqueConstraint(fields=["activity", "business"], name="one_participation_per_business"),
            models.CheckConstraint(
                condition=Q(status__in=ParticipationStatus.values), name="participation_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["business", "status"])]

    def __str__(self) -> str:
        return f"{self.business_id} @ {self.activity_id}"

    @classmethod
    def merge_rows(cls, *, keep: Business, remove: Business, field: str, by=None) -> None:
        """Move `remove`'s participations to `keep`; where both took part, keep the stronger one."""
        kept = {p.activity_id: p for p in cls.objects.filter(business=keep)}
        for participation in cls.objects.filter(business=remove):
            participation._history_user = by
            other = kept.get(participation.activity_id)
            if other is None:
                participation.business = keep
                participation.save(update_fields=["business"])
                continue
            if _STATUS_STRENGTH[participation.status] > _STATUS_STRENGTH[other.status]:
                other.status = participation.status
                other.attendance_marked_at = participation.attendance_marked_at
                other.attendance_marked_by = participation.attendance_marked_by
                other._history_user = by
                other.save(update_fields=["status", "attendance_marked_at", "attendance_marked_by"])
            participation.delete()


class OutcomeType(models.Model):
    """Jenis capaian (NIB obtained, halal certificate, …); configurable by Admin Dinas."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    is_active = models.BooleanField(_("masih dipakai"), default=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("jenis capaian")
        verbose_name_plural = _("jenis capaian")

    def __str__(self) -> str:
        return self.name


NAIK_KELAS = "naik-kelas"
# The coaching type of a grant round: capital assistance is given through such an activity.
GRANT_ROUND_TYPE = "bantuan-modal"
LOAN = "kur"


def evidence_path(instance: Outcome, filename: str) -> str:
    return f"capaian/{instance.business_id}/{timezone.now():%Y%m}/{instance.evidence_token}{instance.evidence_extension}"


class Outcome(models.Model):
    """Capaian: something a business gained, dated, optionally linked to the activity behind it."""

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="outcomes")
    outcome_type = models.ForeignKey(OutcomeType, on_delete=models.PROTECT, related_name="outcomes")
    achieved_on = models.DateField(_("tanggal"))
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes",
        verbose_name=_("kegiatan terkait"),
    )
    reference_number = models.CharField(_("nomor dokumen"), max_length=100, blank=True)
    institution = models.CharField(
        _("lembaga/bank"), max_length=150, blank=True, help_text=_("Misalnya bank penyalur KUR.")
    )
    amount = models.PositiveBigIntegerField(
        _("nilai (Rp)"), null=True, blank=True, help_text=_("Untuk pinjaman atau hibah: nilai dalam rupiah.")
    )
    note = models.TextField(_("catatan"), blank=True)
    evidence = models.FileField(_("bukti"), upload_to=evidence_path, blank=True, max_length=255)
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_token = models.CharField(max_length=32, blank=True, editable=False)
    evidence_extension = models.CharField(max_length=6, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-achieved_on", "-pk"]
        verbose_name = _("capaian")
        verbose_name_plural = _("capaian")
        indexes = [models.Index(fields=["outcome_type", "achieved_on"])]

    def __str__(self) -> str:
        return f"{self.outcome_type} ({self.achieved_on})"


class FiguresSnapshot(models.Model):
    """A business's yearly figures, so that "before and after coaching" can be shown."""

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="figures")
    year = models.PositiveSmallIntegerField(_("tahun"))
    recorded_on = models.DateField(_("tanggal pencatatan"), default=timezone.localdate)
    annual_sales = models.PositiveBigIntegerField(_("omzet setahun (Rp)"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("tenaga kerja"), null=True, blank=True)
    assets = models.PositiveBigIntegerField(
        _("aset/modal usaha (Rp)"), null=True, blank=True, help_text=_("Tidak termasuk tanah dan bangunan.")
    )
    sells_online = models.BooleanField(_("berjualan online"), default=False)
    scale = models.CharField(_("skala"), max_length=10, choices=Scale.choices, blank=True)
    scale_basis = models.CharField(_("dasar skala"), max_length=10, choices=ScaleBasis.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["business", "year"]
        verbose_name = _("data tahunan usaha")
        verbose_name_plural = _("data tahunan usaha")
        constraints = [
            models.UniqueConstraint(fields=["business", "year"], name="one_figures_snapshot_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.business_id} {self.year}"

    @classmethod
    def merge_rows(cls, *, keep: Business, remove: Business, field: str, by=None) -> None:
        """Move yearly figures; for a year both records have, the kept record's figures stay."""
        years = set(cls.objects.filter(business=keep).values_list("year", flat=True))
        for snapshot in cls.objects.filter(business=remove).exclude(year__in=years):
            snapshot.business = keep
            snapshot._history_user = by
            snapshot.save(update_fields=["business"])


class OfflineChange(models.Model):
    """One change an officer's phone queued offline (issue 20), kept once applied.

    The device gives every change its own key; a send that is retried (a dropped connection, a
    second tap) finds the key here and gets the stored answer back instead of recording twice.
    """

    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="offline_changes")
    kind = models.CharField(max_length=20)
    result = models.JSONField(default=dict)
    applied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["applied_at", "pk"]
        verbose_name = _("perubahan luring")
        verbose_name_plural = _("perubahan luring")

    def __str__(self) -> str:
        return self.key
