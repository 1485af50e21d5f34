from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pembinaan.enrolment.models import ClaimRequest, Registration


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "owner", "business"]
    readonly_fields = ["token", "user", "owner", "business", "created_at"]


@admin.register(ClaimRequest)
class ClaimRequestAdmin(SimpleHistoryAdmin):
    list_display = ["created_at", "user", "owner", "matched_by", "status", "method", "decided_by"]
    list_filter = ["status", "matched_by"]
    readonly_fields = ["user", "owner", "submitted", "consent_version", "consent_at", "link_sent_at"]
