from django.contrib import admin

from pembinaan.lib.service_admin import ServiceWriteMixin
from pembinaan.ownerspace.models import BusinessProfile, ChangeRequest
from pembinaan.ownerspace.services import profile_update


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
class BusinessProfileAdmin(ServiceWriteMixin, admin.ModelAdmin):
    """Saved through ownerspace/services.py profile_update (issue 17): shown to the public only for a
    verified business whose owner has not withdrawn consent (rule 10d)."""

    list_display = ("business", "is_public", "contact", "updated_at")
    list_filter = ("is_public", "contact")
    raw_id_fields = ("business",)
    exclude = ("photo",)
    readonly_fields = ("business",)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        profile_update(
            business=obj.business,
            by=request.user,
            is_public=data.get("is_public", obj.is_public),
            contact=data.get("contact", obj.contact),
            description=data.get("description", obj.description),
        )

    def has_add_permission(self, request):
        return False
