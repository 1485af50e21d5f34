from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from pembinaan.accounts import roles


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        email = self.normalize_email(email).lower() if email else None
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: dinas staff and council members by email, owners by email or phone."""

    email = models.EmailField(_("email"), unique=True, null=True, blank=True)
    phone = models.CharField(
        _("nomor HP"),
        max_length=16,
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Disimpan dalam format +628…"),
    )
    # A number is a login only once its holder proved it is theirs (a code sent to it, or staff who
    # called it at verification). Until then several accounts may carry the same number, so that
    # nobody can block a citizen by registering their number first; one of them at most confirms it.
    phone_confirmed_at = models.DateTimeField(_("nomor HP dikonfirmasi"), null=True, blank=True)
    phone_confirmed_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nomor HP dikonfirmasi oleh petugas"),
    )
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    is_active = models.BooleanField(_("aktif"), default=True)
    is_staff = models.BooleanField(
        _("akses halaman admin"),
        default=False,
        help_text=_("Boleh masuk ke halaman admin Django (untuk Admin Dinas)."),
    )
    date_joined = models.DateTimeField(_("tanggal bergabung"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False),
                name="user_has_email_or_phone",
            ),
            models.UniqueConstraint(
                fields=["phone"],
                condition=Q(phone_confirmed_at__isnull=False),
                name="user_confirmed_phone_unique",
                violation_error_message=_("Nomor HP ini sudah dikonfirmasi pada akun lain."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or f"#{self.pk}"

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower() if self.email else None
        self.phone = self.phone or None

    def save(self, *args, **kwargs) -> None:
        # Lower-case e-mail so that uniqueness and login ignore case on every database.
        self.email = self.email.strip().lower() if self.email else None
        self.phone = self.phone or None
        super().save(*args, **kwargs)

    @property
    def phone_confirmed(self) -> bool:
        return bool(self.phone and self.phone_confirmed_at)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else ""

    @cached_property
    def role_names(self) -> frozenset[str]:
        if not self.is_authenticated or not self.pk:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    @property
    def is_admin_dinas(self) -> bool:
        return self.is_superuser or roles.ADMIN in self.role_names

    @property
    def is_staf_dinas(self) -> bool:
        """Dinas staff of either kind: Admin Dinas can do everything Staf Dinas can."""
        return self.is_admin_dinas or roles.STAFF in self.role_names

    @property
    def is_owner(self) -> bool:
        return roles.OWNER in self.role_names

    @property
    def is_viewer(self) -> bool:
        return roles.VIEWER in self.role_names


class ResetCode(models.Model):
    """A one-time 6-digit code that lets its holder set a new password: sent to the account's phone,
    or issued by staff to an owner who came to the office.

    Only a hash of the code is stored. Rows are never deleted: a code issued by staff is the audit
    entry of who gave whom access and when (`issued_by`, `created_at`, `used_at`).
    """

    class Via(models.TextChoices):
        PHONE = "hp", _("Dikirim ke nomor HP")
        STAFF = "petugas", _("Diberikan petugas di kantor")
        CONFIRM = "konfirmasi", _("Konfirmasi nomor HP")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="reset_codes", verbose_name=_("akun")
    )
    code_hash = models.CharField(max_length=128, editable=False)
    via = models.CharField(_("cara"), max_length=10, choices=Via.choices)
    issued_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diberikan oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    failed_tries = models.PositiveSmallIntegerField(_("percobaan salah"), default=0)
    used_at = models.DateTimeField(_("dipakai"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("kode atur ulang kata sandi")
        verbose_name_plural = _("kode atur ulang kata sandi")
        permissions = [
            ("issue_resetcode", _("Dapat memberikan kode atur ulang kata sandi kepada pelaku usaha"))
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="resetcode_user_recent_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.via}, {self.created_at:%Y-%m-%d %H:%M})"
