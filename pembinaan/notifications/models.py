from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    # Each choice has one sender in services.SENDERS; the text channels' senders are in gateways.py.
    EMAIL = "email", _("Email")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    # Development only: the message is written to the worker's log instead of being sent.
    CONSOLE = "konsol", _("Konsol (pengembangan)")


class OutboxQuerySet(models.QuerySet):
    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)

    def needing_attention(self):
        """Messages staff should see: given up on, or failed at least once and waiting to retry."""
        return self.filter(
            models.Q(status=OutboxMessage.Status.FAILED)
            | models.Q(status=OutboxMessage.Status.PENDING, attempts__gt=0)
        )


class OutboxMessage(models.Model):
    """One message to one person, stored before it is sent so that a failed send is retried."""

    class Status(models.TextChoices):
        PENDING = "menunggu", _("Menunggu dikirim")
        SENT = "terkirim", _("Terkirim")
        FAILED = "gagal", _("Gagal")

    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.CharField(_("penerima"), max_length=254)
    subject = models.CharField(_("subjek"), max_length=200)
    body = models.TextField(_("isi"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    # A message that must go out once only (a reminder) carries a key; the unique index makes a
    # second run of the reminder command, even a concurrent one, queue nothing.
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True, editable=False)
    # A body that grants access (a password-reset link) is never shown in the admin and is blanked
    # once sent: the outbox must not become a store of live links.
    holds_secret = models.BooleanField(_("berisi tautan rahasia"), default=False, editable=False)
    # The one-time code of an access message on its own, for a WhatsApp code template (gateways.py);
    # blanked with the body once sent.
    code = models.CharField(max_length=12, blank=True, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"), default=timezone.now)
    sent_at = models.DateTimeField(_("terkirim pada"), null=True, blank=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pesan keluar")
        verbose_name_plural = _("pesan keluar")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"
