from django.contrib import admin

from pembinaan.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: a record of what ran; the files are downloaded by their creators only."""

    list_display = ["pk", "title", "kind", "status", "created_by", "created_at", "finished_at", "attempts"]
    list_filter = ["kind", "status"]
    exclude = ["result"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
