from django.contrib import admin

from pembinaan.imports.models import HeaderMapping, ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Read-only: an import's record is evidence of what happened, not something to edit."""

    list_display = ["pk", "file_name", "kind", "status", "created_by", "created_at", "created_count",
                    "updated_count", "refused_count"]  # fmt: skip
    list_filter = ["kind", "status"]
    search_fields = ["file_name", "checksum"]
    exclude = ["content"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HeaderMapping)
class HeaderMappingAdmin(admin.ModelAdmin):
    """Remembered mappings: read here, deleted when a layout's choices should be asked again."""

    list_display = ["kind", "__str__", "created_by", "updated_at"]
    list_filter = ["kind"]
    readonly_fields = ["kind", "fingerprint", "headers", "assigned", "run", "created_by", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
