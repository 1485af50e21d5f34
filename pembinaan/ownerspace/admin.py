from django.contrib import admin

from pembinaan.ownerspace.models import BusinessProfile, ChangeRequest


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    """Read-only: decisions go through the staff screen, which applies them via registry services."""

    list_display = ("business", "status", "requested_at", "decided_at")
    list_filter = ("status",)
    raw_id_fields = ("business",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BusinessProfile)
class BusinessProfileAdmin(admin.ModelAdmin):
    list_display = ("business", "is_public", "contact", "updated_at")
    list_filter = ("is_public", "contact")
    raw_id_fields = ("business",)
    exclude = ("photo",)

    def has_add_permission(self, request):
        return False
