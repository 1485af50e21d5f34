"""Background work: a long export or import that runs outside the request that asked for it.

A job is queued by a view, run by a worker through Django's Tasks API (pembinaan/jobs/services.py),
and watched by its creator on its own page. An export's file lives in private storage (MEDIA_ROOT is
never served as such) and is handed out only by the job's download view.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Kind(models.TextChoices):
        EXPORT = "ekspor", _("Ekspor daftar")
        IMPORT_PREVIEW = "impor-pratinjau", _("Pratinjau impor")
        IMPORT_CONFIRM = "impor", _("Impor berkas")

    class Status(models.TextChoices):
        QUEUED = "antre", _("Menunggu giliran")
        RUNNING = "berjalan", _("Sedang diproses")
        DONE = "selesai", _("Selesai")
        FAILED = "gagal", _("Gagal")
        EXPIRED = "kedaluwarsa", _("Kedaluwarsa")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    # What the job works on, e.g. "impor:12": at most one queued or running job per key (below),
    # so a double click cannot start the same import twice.
    key = models.CharField(_("kunci"), max_length=50, blank=True)
    title = models.CharField(_("judul"), max_length=200)
    # What the kind needs to run again from scratch, e.g. an export's source, format and query string.
    params = models.JSONField(_("parameter"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="jobs",
        verbose_name=_("diminta oleh"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(_("baris selesai"), default=0)
    total = models.PositiveIntegerField(_("jumlah baris"), default=0)
    message = models.TextField(_("keterangan"), blank=True)
    # A random name under MEDIA_ROOT; the user's file name is `result_name`.
    result = models.FileField(_("berkas hasil"), upload_to="pekerjaan/", blank=True, max_length=255)
    result_name = models.CharField(_("nama berkas hasil"), max_length=255, blank=True)
    # Raised by each claim: a worker that lost its claim (re-queued as stale) cannot finish the job.
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    started_at = models.DateTimeField(_("dimulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("tanda hidup terakhir"), null=True, blank=True)
    # When it last went into the queue, the engine's id of the task sent for it (empty until sent:
    # upkeep sends a job whose task never went out), and the process running it ("host:pid").
    queued_at = models.DateTimeField(_("masuk antrean"), null=True, blank=True)
    task_id = models.CharField(_("id tugas"), max_length=64, blank=True)
    worker = models.CharField(_("pekerja"), max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pekerjaan")
        verbose_name_plural = _("pekerjaan")
        permissions = [("view_queue", _("Dapat melihat antrean pekerjaan latar belakang dan pekerjanya"))]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="job_by_creator"),
            models.Index(fields=["status", "heartbeat_at"], name="job_by_status"),
            models.Index(fields=["key"], name="job_by_key"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["antre", "berjalan", "selesai", "gagal", "kedaluwarsa"]),
                name="job_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["ekspor", "impor-pratinjau", "impor"]), name="job_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(done__lte=F("total")) | Q(total=0), name="job_done_within_total"
            ),
            models.CheckConstraint(
                condition=~Q(status="berjalan") | Q(started_at__isnull=False, heartbeat_at__isnull=False),
                name="job_running_has_heartbeat",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["selesai", "gagal", "kedaluwarsa"]) | Q(finished_at__isnull=False),
                name="job_finished_has_time",
            ),
            # A result file exists only for a finished job, never for one still being written.
            models.CheckConstraint(
                condition=Q(result="") | Q(status="selesai"), name="job_result_only_when_done"
            ),
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(status__in=["antre", "berjalan"]) & ~Q(key=""),
                name="job_one_active_per_key",
                violation_error_message=_("Pekerjaan yang sama sedang berjalan; tunggu sampai selesai."),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("jobs:job-detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0


class Worker(models.Model):
    """A worker process, as it last reported itself (each upkeep round): for Admin Dinas's queue page."""

    name = models.CharField(_("nama"), max_length=100, unique=True)  # "host:pid"
    backend = models.CharField(_("mesin antrean"), max_length=20)
    queues = models.CharField(_("antrean"), max_length=100)
    started_at = models.DateTimeField(_("mulai"))
    last_seen_at = models.DateTimeField(_("terakhir terlihat"))

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("pekerja latar belakang")
        verbose_name_plural = _("pekerja latar belakang")

    def __str__(self) -> str:
        return self.name
