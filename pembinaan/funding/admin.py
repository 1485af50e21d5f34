from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from pembinaan.funding import services
from pembinaan.funding.models import BudgetLine, CapitalAssistance, DutySeparation, FundingSource
from pembinaan.lib.service_admin import ServiceWriteMixin, changed, staff_link

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


class GrantAdminForm(forms.ModelForm):
    change_reason_input = forms.CharField(
        label=_("alasan perubahan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Wajib untuk bantuan yang sudah disalurkan; riwayat menyimpannya."),
    )

    class Meta:
        model = CapitalAssistance
        fields = "__all__"  # noqa: DJ007 - the admin narrows them (read-only fields)


@admin.register(CapitalAssistance)
class CapitalAssistanceAdmin(ServiceWriteMixin, SimpleHistoryAdmin):
    """Edited through funding/services.py grant_update (a disbursed grant needs a reason); the
    steps (propose, approve, disburse, cancel) are the staff screens' (rule 14), so the status and
    what the steps set are read-only here."""

    form = GrantAdminForm
    list_display = ("business", "activity", "amount", "status", "date")
    list_filter = ("status", "form", "budget_line__fiscal_year", "budget_line__source")
    raw_id_fields = ("business", "activity", "budget_line")
    list_select_related = ("business", "activity")
    readonly_fields = (
        "business",
        "activity",
        "status",
        "double_funding_reason",
        "approved_on",
        "approved_by",
        "disbursed_on",
        "disbursed_by",
        "change_reason",
        "evidence",
        "evidence_name",
        "created_by",
        "staff_page",
    )

    @admin.display(description=_("layar staf"))
    def staff_page(self, obj):
        return staff_link(("coaching:grant-detail", "funding:grant-detail"), obj.pk, obj) if obj.pk else ""

    def save_model(self, request, obj, form, change):
        fields = changed(form, services.GRANT_EDITABLE)
        if fields:
            services.grant_update(
                grant=CapitalAssistance.objects.get(pk=obj.pk),
                by=request.user,
                reason=form.cleaned_data.get("change_reason_input") or "",
                **fields,
            )

    def has_add_permission(self, request):
        # Proposed on the staff screen (grant_propose): the recipient joins the round there.
        return False

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
