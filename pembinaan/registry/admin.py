from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pembinaan.accounts.access import may_see_full_nik
from pembinaan.registry.models import Business, DuplicatePair, NikAccessLog, Owner, StatusChange


@admin.register(Owner)
class OwnerAdmin(SimpleHistoryAdmin):
    list_display = ("name", "nik_masked", "phone", "gender", "merged_into")
    search_fields = ("name", "nik", "phone", "email")
    raw_id_fields = ("user", "merged_into", "created_by")
    readonly_fields = ("created_at", "updated_at")

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


@admin.register(Business)
class BusinessAdmin(SimpleHistoryAdmin):
    list_display = ("name", "owner", "kelurahan", "kbli_category", "scale", "status")
    list_filter = ("status", "scale", "kbli_category", "kelurahan__kecamatan", "source")
    search_fields = ("name", "nib", "owner__name")
    raw_id_fields = ("owner", "merged_into", "created_by")
    list_select_related = ("owner", "kelurahan", "kbli_category")
    readonly_fields = ("scale", "scale_basis", "status_changed_at", "created_at", "updated_at")
    inlines = [StatusChangeInline]


@admin.register(DuplicatePair)
class DuplicatePairAdmin(admin.ModelAdmin):
    list_display = ("business_a", "business_b", "same_phone", "same_name", "status")
    list_filter = ("status",)
    raw_id_fields = ("business_a", "business_b", "resolved_by")


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
