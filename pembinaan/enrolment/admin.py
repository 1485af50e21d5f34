from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from pembinaan.enrolment.models import ClaimRequest, Registration, pk_from_number


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["number", "created_at", "user", "owner", "business", "existing_account", "notice"]
    list_filter = ["notice"]
    readonly_fields = ["token", "user", "owner", "business", "existing_account", "notice", "created_at"]
    search_fields = ["user__phone", "user__email"]

    @admin.display(description=_("nomor pendaftaran"), ordering="pk")
    def number(self, obj: Registration) -> str:
        return obj.number

    def get_search_results(self, request, queryset, search_term):
        # An owner reads out "REG-2026-000123": staff paste it as it is.
        pk = pk_from_number(search_term)
        if pk is not None:
            return queryset.filter(pk=pk), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(ClaimRequest)
class ClaimRequestAdmin(SimpleHistoryAdmin):
    """Read-only (issue 17): a claim is decided on the staff screen, whose service links the account
    to the owner record (rule 18) and tells the owner; a status typed here would do neither."""

    list_display = ["created_at", "user", "owner", "matched_by", "status", "method", "decided_by"]
    list_filter = ["status", "matched_by"]
    readonly_fields = ["user", "owner", "submitted", "consent_version", "consent_at", "link_sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
