from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pembinaan.lib.identifiers import GENDER_FEMALE, GENDER_MALE, NikInfo, format_phone, mask_nik
from pembinaan.reference.models import KbliCategory, Kelurahan
from pembinaan.registry.kbli import category_of
from pembinaan.registry.scale import Scale, ScaleBasis, classify


def normalise_name(name: str) -> str:
    """Business name for duplicate detection: case, accents, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def owner_fields_from_nik(info: NikInfo) -> dict[str, object]:
    """What an owner's NIK decides (rule 3b): the NIK wins over a typed gender or birth date.

    Applied by the registry services (one owner) and the importer (the registry bulk writer's rows).
    """
    return {"nik": info.nik, "gender": info.gender, "birth_date": info.birth_date}


class Gender(models.TextChoices):
    MALE = GENDER_MALE, _("Laki-laki")
    FEMALE = GENDER_FEMALE, _("Perempuan")


class OwnerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(merged_into__isnull=True)


class Owner(models.Model):
    """Pelaku usaha: a person who owns one or more businesses."""

    nik = models.CharField(_("NIK"), max_length=16, null=True, blank=True)  # unique: see Meta
    name = models.CharField(_("nama lengkap"), max_length=150)
    gender = models.CharField(_("jenis kelamin"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    phone = models.CharField(_("nomor HP"), max_length=16, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.TextField(_("alamat"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owner_profile",
        verbose_name=_("akun"),
    )
    consent_version = models.CharField(_("versi persetujuan"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("waktu persetujuan"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_owners",
        verbose_name=_("digabung ke"),
        db_index=False,  # a partial index in Meta: only merged records are ever looked up by it
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )

    # History is read by record (`id`) and date only: indexes on its copies of the other fields
    # would only slow down every write, most of all a 100,000-row import.
    # No key check on history_user either: Django itself clears it when a user is deleted, and a
    # check per history row costs an import of 100,000 owners over a second.
    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        no_db_index=["nik", "phone", "user", "merged_into", "created_by"],
        user_db_constraint=False,
    )
    objects = OwnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("pelaku usaha")
        verbose_name_plural = _("pelaku usaha")
        permissions = [("view_full_nik", _("Dapat melihat NIK lengkap"))]
        # A plain index: phones are matched exactly, never with LIKE (db_index would add a second).
        indexes = [
            models.Index(fields=["phone"], name="owner_phone_idx"),
            models.Index(
                fields=["merged_into"], name="owner_merged_into_idx", condition=Q(merged_into__isnull=False)
            ),
        ]
        constraints = [
            # A constraint rather than unique=True, which on PostgreSQL adds a second (LIKE) index
            # that no query uses and every insert pays for; forms and full_clean() report it on the
            # field, with the services' own message.
            models.UniqueConstraint(
                fields=["nik"],
                name="owner_nik_unique",
                violation_error_code="unique",
                violation_error_message=_("NIK ini sudah terdaftar atas pelaku usaha lain."),
            ),
            models.CheckConstraint(
                condition=Q(nik__isnull=True) | Q(nik__regex=r"^[0-9]{16}$"),
                name="owner_nik_16_digits",
            ),
            models.CheckConstraint(condition=~Q(merged_into=F("pk")), name="owner_not_merged_into_itself"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik)

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)


class BusinessStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "diajukan", _("Diajukan")
    VERIFIED = "terverifikasi", _("Terverifikasi")
    REJECTED = "ditolak", _("Ditolak")
    INACTIVE = "tidak-aktif", _("Tidak aktif")


class BusinessSource(models.TextChoices):
    STAFF = "staf", _("Dientri staf")
    SELF = "mandiri", _("Daftar mandiri")
    IMPORT = "impor", _("Impor berkas")
    # Registered by an officer in the field (offline attendance, issue 20): not checked yet.
    FIELD = "lapangan", _("Didaftarkan di lapangan")


class Certification(models.TextChoices):
    HALAL = "halal", _("Sertifikat halal")
    PIRT = "pirt", _("PIRT")
    BPOM = "bpom", _("BPOM")
    HKI = "hki", _("HKI / merek")
    SNI = "sni", _("SNI")


def first_status(source: str) -> str:
    """A business entered by staff or from a file is verified at entry; a self-registration, or one
    an officer wrote down in a hall without the papers, arrives submitted (rule 1). Used by the
    registry services and the registry bulk writer."""
    unchecked = (BusinessSource.SELF, BusinessSource.FIELD)
    return BusinessStatus.SUBMITTED if source in unchecked else BusinessStatus.VERIFIED


# The columns a business derives from its others: kept with the row so that lists can filter and
# sort on them (rules 2c, 5c).
DERIVED_FIELDS = ("name_normalized", "scale", "scale_basis")


def business_derived(*, name: str, annual_sales: int | None, capital: int | None) -> dict[str, object]:
    """The derived columns of a business: Business.save() and the registry bulk writer use this."""
    scale, basis = classify(annual_sales=annual_sales, capital=capital)
    return {"name_normalized": normalise_name(name), "scale": scale, "scale_basis": basis}


class BusinessQuerySet(models.QuerySet):
    def active(self):
        """Records that are not merged away (a merged record stays only for the audit trail)."""
        return self.filter(merged_into__isnull=True)

    def with_open_duplicates(self):
        return self.filter(
            Q(duplicate_pairs_as_a__status=DuplicatePair.Status.OPEN)
            | Q(duplicate_pairs_as_b__status=DuplicatePair.Status.OPEN)
        ).distinct()


class Business(models.Model):
    """Usaha: the unit that is coached and counted."""

    name = models.CharField(_("nama usaha"), max_length=200)
    name_normalized = models.CharField(max_length=200, editable=False)
    owner = models.ForeignKey(
        Owner, on_delete=models.PROTECT, related_name="businesses", verbose_name=_("pemilik")
    )
    kelurahan = models.ForeignKey(
        Kelurahan,
        on_delete=models.PROTECT,
        related_name="businesses",
        verbose_name=_("kelurahan"),
        db_index=False,  # indexed in Meta, without the LIKE index a text key would get
    )
    address = models.TextField(_("alamat usaha"), blank=True)
    kbli_category = models.ForeignKey(
        KbliCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="businesses",
        verbose_name=_("kategori KBLI"),
        db_index=False,  # indexed in Meta, without the LIKE index a text key would get
    )
    kbli_code = models.CharField(_("kode KBLI (5 digit)"), max_length=5, blank=True)
    nib = models.CharField(_("NIB"), max_length=13, null=True, blank=True)  # unique: see Meta
    npwp = models.CharField(_("NPWP"), max_length=16, blank=True)
    start_year = models.PositiveSmallIntegerField(_("tahun mulai usaha"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("jumlah tenaga kerja"), null=True, blank=True)
    annual_sales = models.PositiveBigIntegerField(_("omzet per tahun (Rp)"), null=True, blank=True)
    capital = models.PositiveBigIntegerField(
        _("modal usaha (Rp)"),
        null=True,
        blank=True,
        help_text=_("Tidak termasuk tanah dan bangunan tempat usaha."),
    )
    scale = models.CharField(_("skala usaha"), max_length=10, choices=Scale.choices, blank=True)
    scale_basis = models.CharField(_("dasar skala"), max_length=10, choices=ScaleBasis.choices, blank=True)
    products = models.TextField(_("produk/jasa"), blank=True)
    marketplace_url = models.URLField(_("toko online / marketplace"), blank=True)
    social_media_url = models.URLField(_("media sosial"), blank=True)
    website_url = models.URLField(_("situs web"), blank=True)
    certifications = models.JSONField(_("sertifikasi yang dimiliki"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=BusinessStatus.choices,
        default=BusinessStatus.DRAFT,
    )
    status_reason = models.TextField(_("alasan status"), blank=True)
    status_changed_at = models.DateTimeField(_("status diubah"), null=True, blank=True)
    source = models.CharField(
        _("asal data"), max_length=10, choices=BusinessSource.choices, default=BusinessSource.STAFF
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_businesses",
        verbose_name=_("digabung ke"),
        db_index=False,  # a partial index in Meta: only merged records are ever looked up by it
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )

    # As for owners: history is read by record and date, so its other copies go unindexed.
    history = HistoricalRecords(
        excluded_fields=["updated_at", "name_normalized"],
        no_db_index=[
            "nib",
            "status",
            "created_at",
            "created_by",
            "kbli_category",
            "kelurahan",
            "merged_into",
            "owner",
        ],
        user_db_constraint=False,  # as for owners
    )
    objects = BusinessQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("usaha")
        verbose_name_plural = _("usaha")
        permissions = [
            ("verify_business", _("Dapat memverifikasi, menolak dan menonaktifkan usaha")),
            ("merge_business", _("Dapat menggabungkan data usaha ganda")),
        ]
        # Plain b-trees only: nothing here is searched with LIKE, and each index slows every write.
        # Name first: the duplicate rule and the importer look names up with or without the
        # kelurahan.
        indexes = [
            models.Index(fields=["name_normalized", "kelurahan"], name="business_name_kelurahan_idx"),
            # Also the list's order by kelurahan (its code, the official order: kecamatan by kecamatan).
            models.Index(fields=["kelurahan", "name", "id"], name="business_kelurahan_name_idx"),
            models.Index(fields=["kbli_category"], name="business_kbli_category_idx"),
            models.Index(fields=["status"], name="business_status_idx"),
            models.Index(
                fields=["merged_into"],
                name="business_merged_into_idx",
                condition=Q(merged_into__isnull=False),
            ),
            # The staff list's orders (selectors.BUSINESS_SORTS) over the active businesses: without
            # them a page of 25 sorted a province's million rows (0.8 s). The status one also counts
            # the verification badge on every staff page from the index alone.
            models.Index(
                fields=["name", "id"], name="business_active_name_idx", condition=Q(merged_into=None)
            ),
            models.Index(
                fields=["status", "name", "id"],
                name="business_active_status_idx",
                condition=Q(merged_into=None),
            ),
            models.Index(
                fields=["created_at", "id"], name="business_active_created_idx", condition=Q(merged_into=None)
            ),
            models.Index(
                fields=["-annual_sales", "id"],
                name="business_active_sales_idx",
                condition=Q(merged_into=None),
            ),
        ]
        constraints = [
            models.UniqueConstraint(  # a constraint for the same reason as owner_nik_unique
                fields=["nib"],
                name="business_nib_unique",
                violation_error_code="unique",
                violation_error_message=_("NIB ini sudah terdaftar atas usaha lain."),
            ),
            models.CheckConstraint(
                condition=Q(nib__isnull=True) | Q(nib__regex=r"^[0-9]{13}$"),
                name="business_nib_13_digits",
            ),
            models.CheckConstraint(
                condition=Q(kbli_code="") | Q(kbli_code__regex=r"^[0-9]{5}$"),
                name="business_kbli_code_5_digits",
            ),
            models.CheckConstraint(condition=~Q(merged_into=F("pk")), name="business_not_merged_into_itself"),
            models.CheckConstraint(
                condition=Q(status__in=BusinessStatus.values), name="business_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        derived = business_derived(name=self.name, annual_sales=self.annual_sales, capital=self.capital)
        for name, value in derived.items():
            setattr(self, name, value)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {*DERIVED_FIELDS, "updated_at"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        this_year = timezone.localdate().year
        if self.start_year is not None and not 1900 <= self.start_year <= this_year:
            errors["start_year"] = _("Tahun mulai usaha harus antara 1900 dan %(year)s.") % {
                "year": this_year
            }
        if self.kbli_code:
            if not (len(self.kbli_code) == 5 and self.kbli_code.isdigit()):
                errors["kbli_code"] = _("Kode KBLI terdiri dari 5 digit angka.")
            elif category_of(self.kbli_code) is None:
                errors["kbli_code"] = _("Dua digit pertama kode KBLI bukan golongan pokok yang ada.")
            elif self.kbli_category_id and category_of(self.kbli_code) != self.kbli_category_id:
                errors["kbli_code"] = _(
                    "Kode KBLI %(code)s termasuk kategori %(category)s, bukan %(chosen)s."
                ) % {
                    "code": self.kbli_code,
                    "category": category_of(self.kbli_code),
                    "chosen": self.kbli_category_id,
                }
        unknown = set(self.certifications or []) - set(Certification.values)
        if unknown:
            errors["certifications"] = _("Sertifikasi tidak dikenal: %(codes)s") % {
                "codes": ", ".join(sorted(unknown))
            }
        if errors:
            raise ValidationError(errors)

    @property
    def is_umkm(self) -> bool:
        return self.scale != Scale.BESAR

    def certification_labels(self) -> list[str]:
        labels = dict(Certification.choices)
        return [str(labels.get(code, code)) for code in self.certifications or []]


class StatusChange(models.Model):
    """One step of a business's status timeline: who moved it, when, and why (docs/rules.md rule 1)."""

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("usaha")
    )
    from_status = models.CharField(_("dari"), max_length=15, choices=BusinessStatus.choices, blank=True)
    to_status = models.CharField(_("menjadi"), max_length=15, choices=BusinessStatus.choices)
    reason = models.TextField(_("alasan/catatan"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh"),
    )
    changed_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("perubahan status")
        verbose_name_plural = _("perubahan status")

    def __str__(self) -> str:
        return f"{self.business_id}: {self.from_status} → {self.to_status}"


class DuplicatePair(models.Model):
    """Two businesses that may be the same (docs/rules.md rule 2): flagged for staff, never blocked."""

    class Status(models.TextChoices):
        OPEN = "terbuka", _("Perlu ditinjau")
        DISMISSED = "bukan-ganda", _("Bukan data ganda")
        MERGED = "digabung", _("Sudah digabung")

    business_a = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="duplicate_pairs_as_a")
    business_b = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="duplicate_pairs_as_b")
    same_phone = models.BooleanField(_("nomor HP pemilik sama"), default=False)
    same_name = models.BooleanField(_("nama usaha sama di kelurahan yang sama"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("kemungkinan data ganda")
        verbose_name_plural = _("kemungkinan data ganda")
        constraints = [
            models.UniqueConstraint(fields=["business_a", "business_b"], name="duplicate_pair_unique"),
            models.CheckConstraint(
                condition=Q(business_a__lt=F("business_b")), name="duplicate_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business_a_id} ~ {self.business_b_id}"

    def reasons(self) -> list[str]:
        out = []
        if self.same_phone:
            out.append(str(self._meta.get_field("same_phone").verbose_name))
        if self.same_name:
            out.append(str(self._meta.get_field("same_name").verbose_name))
        return out


class NikAccessLog(models.Model):
    """Who saw or exported a full NIK, whose, and when (docs/rules.md rule 10)."""

    class Purpose(models.TextChoices):
        VIEW = "lihat", _("Dilihat")
        EXPORT = "ekspor", _("Diekspor")

    # No foreign-key constraints in the database (as django-simple-history's history rows): an export
    # of the whole registry logs one row per owner, and PostgreSQL checks each row's two keys one
    # by one (locking the same user row each time): 1.8 s of checks for 84,000 rows, four times
    # the insert itself. The ids come from the exporting request and from the rows
    # just read; PROTECT and CASCADE below are still Django's when a user or owner is deleted.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("pengguna"),
        db_constraint=False,
    )
    owner = models.ForeignKey(
        Owner,
        on_delete=models.CASCADE,
        related_name="nik_access_logs",
        verbose_name=_("pelaku usaha"),
        db_constraint=False,
    )
    purpose = models.CharField(_("keperluan"), max_length=10, choices=Purpose.choices)
    accessed_at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-accessed_at", "-pk"]
        verbose_name = _("akses NIK lengkap")
        verbose_name_plural = _("akses NIK lengkap")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.owner_id} ({self.purpose})"
