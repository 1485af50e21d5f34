from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pembinaan.funding import services
from pembinaan.funding.models import BudgetLine, DutySeparation, FundingSource
from pembinaan.lib.service_admin import ServiceWriteMixin, changed

BUDGET_LINE_FIELDS = ("source", "fiscal_year", "amount", "programme", "budget_code", "note")


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
class BudgetLineAdmin(ServiceWriteMixin, SimpleHistoryAdmin):
    """Through funding/services.py (issue 17): amounts above zero, a used line keeps its source and
    year, entering the amount clears "perlu dilengkapi" (rule 9a, 13a)."""

    list_display = ("fiscal_year", "source", "programme", "budget_code", "amount", "needs_review")
    list_filter = ("fiscal_year", "source", "needs_review")
    search_fields = ("programme", "budget_code")

    def get_readonly_fields(self, request, obj=None):
        readonly = ("needs_review", "created_by")
        # Spending stays with the source and year it was charged to (as the portal's own form).
        if obj is not None and (obj.activities.exists() or obj.grants.exists()):
            return (*readonly, "source", "fiscal_year")
        return readonly

    def save_model(self, request, obj, form, change):
        if not change:
            fields = {k: form.cleaned_data[k] for k in BUDGET_LINE_FIELDS if k in form.cleaned_data}
            created = services.budget_line_create(by=request.user, **fields)
            obj.pk, obj._state.adding = created.pk, False
            return
        line = BudgetLine.objects.get(pk=obj.pk)
        fields = changed(form, BUDGET_LINE_FIELDS)
        if fields:
            services.budget_line_update(line=line, by=request.user, **fields)

    def has_delete_permission(self, request, obj=None):
        # Deleting goes through the portal's page, which refuses a line that has spending.
        return False


@admin.register(DutySeparation)
class DutySeparationAdmin(SimpleHistoryAdmin):
    """One setting (rule 14): who may be the same person on a grant. The history says who changed it."""

    list_display = ("mode", "updated_at")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not DutySeparation.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
