"""An owner's requests about their personal data (UU 27/2022 PDP, docs/rules.md rule 10) and their audit trail.

A request outlives the data it is about: once an owner is deleted the request keeps a label, not a
link, so that the dinas can still show that it acted and when.

A claimant (someone who registered with an NIK or NIB already on record, issue 14) has no owner
record of their own until the claim is proven, yet has the same rights over what they typed: their
requests and their choice of channel are kept on the claim and on the account instead.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pembinaan.enrolment.models import ClaimRequest
from pembinaan.registry.models import Owner


class DataRequest(models.Model):
    class Kind(models.TextChoices):
        DELETION = "hapus", _("Penghapusan data")
        CONSENT_WITHDRAWAL = "tarik-persetujuan", _("Penarikan persetujuan")

    class Status(models.TextChoices):
        OPEN = "diajukan", _("Diajukan, menunggu diproses")
        DONE = "selesai", _("Selesai diproses")
        REFUSED = "ditolak", _("Ditolak")

    owner = models.ForeignKey(
        Owner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_requests",
        verbose_name=_("pelaku usaha"),
    )
    # A claimant's request, while the claim waits for proof. It is never put on the claimed record:
    # that record's owner would see it, and the claimant may not be them.
    claim = models.ForeignKey(
        ClaimRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_requests",
        verbose_name=_("klaim"),
    )
    owner_label = models.CharField(
        _("pelaku usaha (label)"), max_length=40, help_text=_("Tetap ada setelah data pelaku usaha dihapus.")
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(_("catatan pemohon"), blank=True, max_length=2000)
    requested_at = models.DateTimeField(_("diajukan"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("diproses"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    response = models.TextField(_("tanggapan Dinas"), blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("permintaan data pribadi")
        verbose_name_plural = _("permintaan data pribadi")
        permissions = [
            ("process_datarequest", _("Dapat memproses permintaan penghapusan dan penarikan persetujuan"))
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kind"],
                condition=Q(status="diajukan"),
                name="one_open_data_request_per_kind",
            ),
            models.UniqueConstraint(
                fields=["claim", "kind"],
                condition=Q(status="diajukan"),
                name="one_open_data_request_per_claim_and_kind",
            ),
            models.CheckConstraint(
                condition=Q(owner__isnull=True) | Q(claim__isnull=True),
                name="data_request_about_an_owner_or_a_claim",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_label}: {self.kind}"


class AuditEntry(models.Model):
    """What staff (or the owner) did about a request, and when; never edited or deleted."""

    class Action(models.TextChoices):
        REQUESTED = "diajukan", _("Permintaan diajukan")
        CONSENT_WITHDRAWN = "persetujuan-ditarik", _("Persetujuan ditarik; profil publik disembunyikan")
        ANONYMISED = "dianonimkan", _("Data dianonimkan")
        DELETED = "dihapus", _("Data dihapus")
        PROCESSED = "diproses", _("Permintaan diproses")
        REFUSED = "ditolak", _("Permintaan ditolak")

    request = models.ForeignKey(DataRequest, on_delete=models.PROTECT, related_name="audit_entries")
    action = models.CharField(_("tindakan"), max_length=20, choices=Action.choices)
    detail = models.TextField(_("rincian"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("catatan audit data pribadi")
        verbose_name_plural = _("catatan audit data pribadi")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.action}"


class NoticePreference(models.Model):
    """How an owner wants the portal's notices: by email or by WhatsApp (chosen on "Data Saya").

    Kept beside the owner's other consent records rather than on Owner: it is the owner's own
    choice, changed only by them, and needs no place in the registry's history. A claimant has no
    owner record yet: their choice is kept for the account, and follows it to the record once the
    claim is proven (selectors.notice_channel).
    """

    class Channel(models.TextChoices):
        # Values are those of notifications.Channel, so that the outbox can use them as they are.
        EMAIL = "email", _("Email")
        WHATSAPP = "whatsapp", _("WhatsApp")

    owner = models.OneToOneField(
        Owner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notice_preference",
        verbose_name=_("pelaku usaha"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notice_preference",
        verbose_name=_("akun"),
    )
    channel = models.CharField(_("saluran pemberitahuan"), max_length=10, choices=Channel.choices)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("pilihan saluran pemberitahuan")
        verbose_name_plural = _("pilihan saluran pemberitahuan")
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False, user__isnull=True)
                | Q(owner__isnull=True, user__isnull=False),
                name="notice_preference_of_an_owner_or_an_account",
            ),
        ]

    def __str__(self) -> str:
        whose = f"pelaku usaha {self.owner_id}" if self.owner_id else f"akun {self.user_id}"
        return f"{whose}: {self.channel}"
