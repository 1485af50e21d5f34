from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pembinaan.funding.models import BudgetLine, CapitalAssistance, DutySeparation, FundingSource


@admin.register(FundingSource)
class FundingSourceAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "is_active", "order")
    list_editable = ("is_active", "order")

    def get_readonly_fields(self, request, obj=None):
        # Codes are stable: reports and the open-data API refer to them.
        return ("code",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BudgetLine)
class BudgetLineAdmin(SimpleHistoryAdmin):
    list_display = ("fiscal_year", "source", "programme", "budget_code", "amount", "needs_review")
    list_filter = ("fiscal_year", "source", "needs_review")
    search_fields = ("programme", "budget_code")

    def get_readonly_fields(self, request, obj=None):
        # Spending stays with the source and year it was charged to (as the portal's own form).
        if obj is not None and (obj.activities.exists() or obj.grants.exists()):
            return ("source", "fiscal_year")
        return ()

    def has_delete_permission(self, request, obj=None):
        # Deleting goes through the portal's page, which refuses a line that has spending.
        return False


@admin.register(CapitalAssistance)
class CapitalAssistanceAdmin(SimpleHistoryAdmin):
    list_display = ("business", "activity", "amount", "status", "date")
    list_filter = ("status", "form", "budget_line__fiscal_year", "budget_line__source")
    raw_id_fields = ("business", "activity", "budget_line")
    list_select_related = ("business", "activity")
    # Set by the steps (funding/services.py grant_approve, grant_disburse), never typed (rule 14).
    readonly_fields = ("approved_on", "approved_by", "disbursed_by", "created_by")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DutySeparation)
class DutySeparationAdmin(SimpleHistoryAdmin):
    """One setting (rule 14): who may be the same person on a grant. The history says who changed it."""

    list_display = ("mode", "updated_at")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not DutySeparation.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
