from django.contrib import admin

from pembinaan.privacy.models import AuditEntry, DataRequest


class AuditEntryInline(admin.TabularInline):
    model = AuditEntry
    extra = 0
    can_delete = False
    readonly_fields = ("action", "detail", "actor", "at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    """Read-only: the audit trail must show what was done, so nothing is edited here."""

    list_display = ("owner_label", "kind", "status", "requested_at", "decided_at")
    list_filter = ("kind", "status")
    inlines = [AuditEntryInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
