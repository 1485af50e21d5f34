from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pembinaan.registry.models import Business, Owner


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class Registration(models.Model):
    """One finished self-registration. Its token (made when the form was opened) is unique, so a
    second click or a second tab submitting the same form finds this row instead of registering twice.

    A registration whose phone or email already belongs to an account creates no account (user stays
    empty): the account's owner is told instead, and `notice` says how, so staff can follow up on
    those the portal could not reach."""

    class Notice(models.TextChoices):
        EMAILED = "email", _("Pemilik akun diberi tahu lewat email")
        NO_CHANNEL = "belum", _("Akun tanpa email: belum diberi tahu, hubungi lewat nomor HP")
        MESSAGED = "pesan", _("Pemilik akun diberi tahu lewat WhatsApp/SMS")
        SHARED_PHONE = (
            "ganda",
            _("Nomor HP sama dengan akun lain yang belum dikonfirmasi: pastikan saat verifikasi"),
        )

    token = models.UUIDField(unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("akun"),
    )
    owner = models.ForeignKey(Owner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    business = models.ForeignKey(Business, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    existing_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("akun yang sudah ada dengan nomor HP/email ini"),
    )
    notice = models.CharField(
        _("pemberitahuan ke pemilik akun"), max_length=5, choices=Notice.choices, blank=True
    )
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pendaftaran mandiri")
        verbose_name_plural = _("pendaftaran mandiri")

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """What the owner quotes to staff: `REG-2026-000123`, the year and this row's id."""
        return number_for(self.pk, timezone.localtime(self.created_at).year)


NUMBER_PATTERN = re.compile(r"^\s*REG-(\d{4})-(\d+)\s*$", re.IGNORECASE)


def number_for(pk: int, year: int) -> str:
    return f"REG-{year}-{pk:06d}"


def pk_from_number(text: str) -> int | None:
    """`REG-2026-000123` → 123, for staff who search by the number an owner reads out."""
    match = NUMBER_PATTERN.match(text or "")
    return int(match.group(2)) if match else None


class ClaimRequest(models.Model):
    """Someone registered with the NIK or NIB of a record staff entered or imported.

    The account is linked to that record only after proof: the one-time link sent to the email on
    record, or a staff member's approval (staff can call the phone on record).
    """

    class Status(models.TextChoices):
        PENDING = "menunggu", _("Menunggu bukti")
        APPROVED = "disetujui", _("Disetujui")
        REFUSED = "ditolak", _("Ditolak")

    class MatchedBy(models.TextChoices):
        NIK = "nik", _("NIK")
        NIB = "nib", _("NIB")

    class Method(models.TextChoices):
        EMAIL = "email", _("Tautan di email tercatat")
        STAFF = "staf", _("Persetujuan staf")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="claim_requests",
        verbose_name=_("akun pengaju"),
    )
    owner = models.ForeignKey(
        Owner, on_delete=models.CASCADE, related_name="claim_requests", verbose_name=_("data pelaku usaha")
    )
    matched_by = models.CharField(_("cocok berdasarkan"), max_length=3, choices=MatchedBy.choices)
    # What the claimant typed, kept for staff to compare with the record (never shown to the claimant).
    submitted = models.JSONField(_("data yang diisi"), default=dict)
    consent_version = models.CharField(_("versi persetujuan"), max_length=20)
    consent_at = models.DateTimeField(_("waktu persetujuan"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    link_nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    link_sent_at = models.DateTimeField(_("tautan dikirim"), null=True, blank=True)
    method = models.CharField(_("dibuktikan dengan"), max_length=5, choices=Method.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    decision_note = models.TextField(_("catatan keputusan"), blank=True)
    created_at = models.DateTimeField(_("diajukan"), auto_now_add=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["link_nonce"])

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("permintaan klaim data")
        verbose_name_plural = _("permintaan klaim data")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="menunggu") | models.Q(decided_at__isnull=False),
                name="claim_decided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.owner_id} ({self.status})"
