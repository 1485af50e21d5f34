from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    OWNERS = "usaha", _("Pelaku usaha dan usaha")
    PARTICIPANTS = "peserta", _("Peserta kegiatan dan kehadiran")
    OUTCOMES = "capaian", _("Capaian usaha")
    BUDGETS = "pagu", _("Pagu anggaran (Admin Dinas)")
    GRANTS = "bantuan", _("Bantuan permodalan")


class ImportRun(models.Model):
    """One uploaded file: who brought it in, when, what it held and what it changed.

    The file's bytes are kept only between upload and confirmation (so the confirmed run reads
    exactly the file that was previewed) and dropped when the run ends; the checksum stays.
    """

    class Status(models.TextChoices):
        NEW = "baru", _("Menunggu pemetaan kolom")
        PREVIEWED = "pratinjau", _("Sudah dipratinjau")
        DONE = "selesai", _("Selesai diimpor")
        REFUSED = "ditolak", _("Ditolak, tidak ada yang diubah")
        CANCELLED = "batal", _("Dibatalkan")

    kind = models.CharField(_("jenis impor"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    file_name = models.CharField(_("nama berkas"), max_length=255)
    file_format = models.CharField(_("format"), max_length=5)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    content = models.BinaryField(null=True, editable=False)
    header_row = models.PositiveIntegerField(_("baris judul kolom"), default=1)
    headers = models.JSONField(_("judul kolom di berkas"), default=list)
    mapping = models.JSONField(_("pemetaan kolom"), default=list)
    # What the import type needs besides the file, e.g. {"activity": 12} for participants.
    options = models.JSONField(_("pilihan"), default=dict, blank=True)
    valid_rows_only = models.BooleanField(_("hanya baris yang sah"), default=False)
    dry_run = models.BooleanField(_("uji coba saja"), default=False)
    rows_total = models.PositiveIntegerField(_("jumlah baris"), default=0)
    created_count = models.PositiveIntegerField(_("dibuat"), default=0)
    updated_count = models.PositiveIntegerField(_("diperbarui"), default=0)
    skipped_count = models.PositiveIntegerField(_("dilewati"), default=0)
    refused_count = models.PositiveIntegerField(_("ditolak"), default=0)
    # [[row number, column, message], …] for refused rows; [[row, note], …] for updates and skips.
    errors = models.JSONField(_("baris ditolak"), default=list)
    notes = models.JSONField(_("catatan baris"), default=list)
    # The refused rows as they were in the file ([[row number, cells…]]), for the "fix and
    # re-import" download, which must work after the file itself is dropped.
    bad_rows = models.JSONField(_("isi baris ditolak"), default=list)
    message = models.TextField(_("keterangan"), blank=True)
    via = models.CharField(_("melalui"), max_length=10, default="web")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh"),
    )
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("impor berkas")
        verbose_name_plural = _("impor berkas")
        permissions = [
            ("import_data", _("Dapat mengimpor data dari berkas")),
            ("import_budget", _("Dapat mengimpor pagu anggaran")),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def job_key(self) -> str:
        """The key of this run's background jobs (imports/jobs.py): one queued or running at a time."""
        return f"impor:{self.pk}"


class ImportedRecord(models.Model):
    """A record an import created or changed: the link from a business back to its file."""

    class Action(models.TextChoices):
        CREATED = "dibuat", _("Dibuat")
        UPDATED = "diubah", _("Diubah")

    # No database-level key check: the records are written by their own run, in its transaction,
    # with the run's row locked, up to 200,000 at a time, where a check per row is a tenth of the
    # whole import. Deleting a run still deletes its records (Django's CASCADE).
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="records", db_constraint=False)
    model = models.CharField(max_length=40)  # "registry.business"
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    row = models.PositiveIntegerField(_("baris"))
    fields = models.JSONField(default=list)

    class Meta:
        ordering = ["run", "row", "pk"]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.model} {self.object_id} {self.action}"
