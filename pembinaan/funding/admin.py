from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pembinaan.funding.models import FundingSource


@admin.register(FundingSource)
class FundingSourceAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "is_active", "order")
    list_editable = ("is_active", "order")

    def get_readonly_fields(self, request, obj=None):
        # Codes are stable: reports and the open-data API refer to them.
        return ("code",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False
