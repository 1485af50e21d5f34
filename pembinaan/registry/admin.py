"""Owners and businesses in /admin/: every write through registry/services.py (issue 17).

Fields a service writes are edited here through it (the timeline, the duplicate flags and the
dashboard's figures follow); the rest (owner link, account, merges, source) is read-only: merging
and claims have their own staff screens.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from pembinaan.accounts.access import may_see_full_nik
from pembinaan.lib.service_admin import ServiceWriteMixin, changed, staff_link
from pembinaan.registry import services
from pembinaan.registry.models import (
    Business,
    BusinessStatus,
    DuplicatePair,
    NikAccessLog,
    Owner,
    StatusChange,
)

S = BusinessStatus


@admin.register(Owner)
class OwnerAdmin(ServiceWriteMixin, SimpleHistoryAdmin):
    list_display = ("name", "nik_masked", "phone", "gender", "merged_into")
    search_fields = ("name", "nik", "phone", "email")
    raw_id_fields = ("user", "merged_into", "created_by")
    # Gender and birth date follow from the NIK (rule 3b) in the service; the account link, consent
    # and merges have their own paths.
    readonly_fields = (
        "user",
        "consent_version",
        "consent_at",
        "merged_into",
        "created_by",
        "created_at",
        "updated_at",
        "staff_page",
    )

    @admin.display(description=_("layar staf"))
    def staff_page(self, obj):
        return staff_link(("registry:owner-detail",), obj.pk, obj.name) if obj.pk else ""

    def save_model(self, request, obj, form, change):
        fields = changed(form, services.OWNER_FIELDS)
        if not change:
            created = services.owner_create(by=request.user, **fields)
            obj.pk, obj._state.adding = created.pk, False
        elif fields:
            services.owner_update(owner=Owner.objects.get(pk=obj.pk), by=request.user, **fields)

    def has_delete_permission(self, request, obj=None):
        # An owner's data is erased through the personal-data requests (rule 10e), not deleted here.
        return False

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        # The full NIK is on the form only for roles that may see it (docs/rules.md rule 10).
        if not may_see_full_nik(request.user):
            fields = [f for f in fields if f != "nik"]
        return fields

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if not may_see_full_nik(request.user):
            fields = tuple(f for f in fields if f != "nik")
        return fields


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "reason", "changed_by", "changed_at")

    def has_add_permission(self, request, obj=None):
        return False


class BusinessAdminForm(forms.ModelForm):
    status_change_reason = forms.CharField(
        label=_("alasan perubahan status"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Wajib saat menolak atau menonaktifkan; pemilik usaha membaca alasan penolakan."),
    )

    class Meta:
        model = Business
        fields = "__all__"  # noqa: DJ007 - the admin narrows them (get_fields, read-only fields)


@admin.register(Business)
class BusinessAdmin(ServiceWriteMixin, SimpleHistoryAdmin):
    form = BusinessAdminForm
    list_display = ("name", "owner", "kelurahan", "kbli_category", "scale", "status")
    list_filter = ("status", "scale", "kbli_category", "kelurahan__kecamatan", "source")
    search_fields = ("name", "nib", "owner__name")
    raw_id_fields = ("owner", "merged_into", "created_by")
    list_select_related = ("owner", "kelurahan", "kbli_category")
    inlines = [StatusChangeInline]

    # Written by the services, never typed: derived fields (rule 5c), the first status (rule 1b),
    # the timeline's last entry (rule 1d), merges (rule 2d).
    ALWAYS_READONLY = (
        "scale",
        "scale_basis",
        "status_reason",
        "status_changed_at",
        "source",
        "merged_into",
        "created_by",
        "created_at",
        "updated_at",
        "staff_page",
    )

    @admin.display(description=_("layar staf"))
    def staff_page(self, obj):
        return staff_link(("registry:business-detail",), obj.pk, obj.name) if obj.pk else ""

    def get_readonly_fields(self, request, obj=None):
        if obj is None:  # a new business is verified at entry (rule 1b): no status to choose
            return (*self.ALWAYS_READONLY, "status")
        if obj.merged_into_id:
            return (*self.ALWAYS_READONLY, "owner", "status")
        return (*self.ALWAYS_READONLY, "owner")

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "status_change_reason"]
        if obj is not None and not obj.merged_into_id:
            fields.insert(fields.index("status") + 1, "status_change_reason")
        return fields

    def save_model(self, request, obj, form, change):
        fields = changed(form, services.BUSINESS_FIELDS)
        if not change:
            created = services.business_create(by=request.user, owner=form.cleaned_data["owner"], **fields)
            obj.pk, obj._state.adding = created.pk, False
            return
        business = Business.objects.get(pk=obj.pk)
        if fields:
            business = services.business_update(business=business, by=request.user, **fields)
        to = form.cleaned_data.get("status")
        if to and to != business.status:
            self._move(business, to, request.user, form.cleaned_data.get("status_change_reason") or "")

    @staticmethod
    def _move(business, to, user, reason):
        """A status change through the service of that move (rule 1: allowed moves, reasons, timeline)."""
        if to == S.SUBMITTED:
            services.business_submit(business=business, by=user)
        elif to == S.VERIFIED and business.status == S.INACTIVE:
            services.business_reactivate(business=business, by=user)
        elif to == S.VERIFIED:
            services.business_verify(business=business, by=user)
        elif to == S.REJECTED:
            services.business_reject(business=business, by=user, reason=reason)
        elif to == S.INACTIVE:
            services.business_deactivate(business=business, by=user, reason=reason)
        else:  # back to draft: no such move (rule 1a)
            raise ValidationError(_("Usaha tidak dapat dikembalikan ke status draf."))

    def has_delete_permission(self, request, obj=None):
        # Records are closed (tidak-aktif) or merged, never deleted: their history stays readable.
        return False


@admin.register(DuplicatePair)
class DuplicatePairAdmin(ServiceWriteMixin, admin.ModelAdmin):
    """Flagged by the duplicate rule (rule 2c), dismissed through the service (who and when kept);
    merging is the staff screen's (rule 2d)."""

    list_display = ("business_a", "business_b", "same_phone", "same_name", "status")
    list_filter = ("status",)
    raw_id_fields = ("business_a", "business_b", "resolved_by")
    readonly_fields = ("business_a", "business_b", "same_phone", "same_name", "resolved_by", "resolved_at")

    def save_model(self, request, obj, form, change):
        if "status" not in form.changed_data:
            return
        if form.cleaned_data["status"] != DuplicatePair.Status.DISMISSED:
            raise ValidationError(_("Di sini pasangan hanya dapat ditandai bukan data ganda."))
        services.duplicate_dismiss(pair=DuplicatePair.objects.get(pk=obj.pk), by=request.user)

    def has_add_permission(self, request):
        return False


@admin.register(NikAccessLog)
class NikAccessLogAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence, nobody may edit or delete it."""

    list_display = ("accessed_at", "user", "owner", "purpose")
    list_filter = ("purpose",)
    list_select_related = ("user", "owner")
    date_hierarchy = "accessed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
