"""What the owner space adds to the registry: identity changes awaiting review, public profiles.

Both hang off registry rows without altering them, so that the registry stays the one place where
an owner's and a business's data live (changes reach it only through registry services).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pembinaan.registry.models import Business, BusinessStatus


class ChangeRequest(models.Model):
    """An owner's change to a verified business's identity (NIK, NIB, name, kelurahan) for staff to review.

    `changes` holds the proposed values by field name and `previous` the values when asked,
    so that staff see what would change even after other edits.
    """

    class Status(models.TextChoices):
        PENDING = "menunggu", _("Menunggu tinjauan")
        APPROVED = "disetujui", _("Disetujui")
        REFUSED = "ditolak", _("Ditolak")

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="change_requests", verbose_name=_("usaha")
    )
    changes = models.JSONField(_("perubahan yang diminta"))
    previous = models.JSONField(_("nilai sebelumnya"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reason = models.TextField(_("alasan penolakan"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("diminta"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("permintaan perubahan data usaha")
        verbose_name_plural = _("permintaan perubahan data usaha")
        permissions = [("review_changerequest", _("Dapat meninjau perubahan data usaha dari pemilik"))]
        constraints = [
            # One open request per business: a second edit is folded into the first.
            models.UniqueConstraint(
                fields=["business"], condition=Q(status="menunggu"), name="one_pending_change_per_business"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business_id}: {', '.join(self.changes)}"


def photo_path(instance: BusinessProfile, filename: str) -> str:
    return f"profil/{instance.business_id}/{instance.photo_token}{instance.photo_extension}"


class ProfileQuerySet(models.QuerySet):
    def public(self):
        """Profiles anyone may see: opted in, business verified, not merged, owner still consenting."""
        return self.filter(
            is_public=True,
            business__status=BusinessStatus.VERIFIED,
            business__merged_into__isnull=True,
            business__owner__merged_into__isnull=True,
            business__owner__user__is_active=True,
        )


class BusinessProfile(models.Model):
    """The public "profil usaha" of one business: shown only when its owner opts in."""

    class Contact(models.TextChoices):
        NONE = "tidak", _("Jangan tampilkan kontak")
        PHONE = "hp", _("Nomor HP")
        EMAIL = "email", _("Email")
        BOTH = "keduanya", _("Nomor HP dan email")

    business = models.OneToOneField(
        Business, on_delete=models.CASCADE, related_name="profile", verbose_name=_("usaha")
    )
    is_public = models.BooleanField(
        _("tampilkan di direktori UMKM"),
        default=False,
        help_text=_(
            "Nama usaha, produk, foto, kelurahan, tautan dan kontak pilihan Anda dapat dilihat umum."
        ),
    )
    contact = models.CharField(
        _("kontak yang ditampilkan"), max_length=10, choices=Contact.choices, default=Contact.NONE
    )
    description = models.TextField(_("cerita singkat usaha"), blank=True, max_length=1000)
    photo = models.FileField(_("foto"), upload_to=photo_path, blank=True, max_length=255)
    photo_token = models.CharField(max_length=32, blank=True, editable=False)
    photo_extension = models.CharField(max_length=6, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("profil usaha publik")
        verbose_name_plural = _("profil usaha publik")
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__in=["tidak", "hp", "email", "keduanya"]), name="profile_contact_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.business_id)

    @property
    def shows_phone(self) -> bool:
        return self.contact in (self.Contact.PHONE, self.Contact.BOTH)

    @property
    def shows_email(self) -> bool:
        return self.contact in (self.Contact.EMAIL, self.Contact.BOTH)
