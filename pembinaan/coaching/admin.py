from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from pembinaan.coaching import grants, services
from pembinaan.coaching.models import Activity, CoachingType, Outcome, OutcomeType, Participation
from pembinaan.funding.models import CapitalAssistance
from pembinaan.lib.service_admin import ServiceWriteMixin, changed, staff_link


class StableCodeAdmin(SimpleHistoryAdmin):
    """Admin Dinas renames, adds and retires types; codes stay as they are (reports use them)."""

    list_display = ("code", "name", "is_active", "order")
    list_editable = ("name", "is_active", "order")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        # Retire instead: old activities and outcomes keep pointing at the type.
        return False


@admin.register(CoachingType)
class CoachingTypeAdmin(StableCodeAdmin):
    pass


@admin.register(OutcomeType)
class OutcomeTypeAdmin(StableCodeAdmin):
    pass


@admin.register(Activity)
class ActivityAdmin(ServiceWriteMixin, SimpleHistoryAdmin):
    """Through coaching/services.py (issue 17): dates, charging to a budget line (rule 13a),
    cancelling with its reason (rule 6d) and the dashboard's figures follow as on the staff screen."""

    list_display = ("title", "coaching_type", "start_date", "status", "funding_source", "fiscal_year")
    list_filter = ("status", "coaching_type", "funding_source", "fiscal_year")
    search_fields = ("title", "venue")
    date_hierarchy = "start_date"
    raw_id_fields = ("created_by",)
    readonly_fields = ("created_by", "staff_page")

    @admin.display(description=_("layar staf"))
    def staff_page(self, obj):
        return staff_link(("coaching:activity-detail",), obj.pk, obj.title) if obj.pk else ""

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_cancelled:
            return (*self.readonly_fields, "status", "cancel_reason")
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        fields = changed(form, services.ACTIVITY_FIELDS)
        if not change:
            created = services.activity_create(by=request.user, **fields)
            obj.pk, obj._state.adding = created.pk, False
            return
        activity = Activity.objects.get(pk=obj.pk)
        cancelling = fields.get("status") == Activity.Status.CANCELLED and not activity.is_cancelled
        if cancelling:
            fields.pop("status")
        if fields:
            activity = services.activity_update(activity=activity, by=request.user, **fields)
        if cancelling:
            services.activity_cancel(
                activity=activity, by=request.user, reason=form.cleaned_data.get("cancel_reason") or ""
            )

    def has_delete_permission(self, request, obj=None):
        # Cancelled, never deleted: its participants stay on record (rule 6d).
        return False


@admin.register(Participation)
class ParticipationAdmin(ServiceWriteMixin, SimpleHistoryAdmin):
    """Attendance through coaching/services.py attendance_record (rule 6b: only once started);
    participants are added on the activity's staff screen."""

    list_display = ("activity", "business", "status")
    list_filter = ("status",)
    raw_id_fields = ("activity", "business", "registered_by", "attendance_marked_by")
    list_select_related = ("activity", "business")
    readonly_fields = (
        "activity",
        "business",
        "self_registered",
        "note",
        "registered_at",
        "registered_by",
        "attendance_marked_at",
        "attendance_marked_by",
        "staff_page",
    )

    @admin.display(description=_("layar staf"))
    def staff_page(self, obj):
        return staff_link(("coaching:activity-detail",), obj.activity_id, obj.activity) if obj.pk else ""

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            services.attendance_record(
                activity=obj.activity, statuses={obj.pk: form.cleaned_data["status"]}, by=request.user
            )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Outcome)
class OutcomeAdmin(ServiceWriteMixin, SimpleHistoryAdmin):
    """Recorded through coaching/services.py outcome_record (the dashboard's outcomes follow);
    no service changes or deletes an outcome, so here it is read-only once recorded."""

    list_display = ("business", "outcome_type", "achieved_on")
    list_filter = ("outcome_type",)
    raw_id_fields = ("business", "activity", "created_by")
    list_select_related = ("business", "outcome_type")
    readonly_fields = ("created_by",)
    exclude = ("evidence", "evidence_name")

    def save_model(self, request, obj, form, change):
        fields = changed(form, services.OUTCOME_FIELDS)
        created = services.outcome_record(business=form.cleaned_data["business"], by=request.user, **fields)
        obj.pk, obj._state.adding = created.pk, False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Grants: the table is funding's, the workflow coaching's (docs/architecture.md).


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
    """Edited through coaching/grants.py grant_update (a disbursed grant needs a reason); the
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
        return staff_link(("coaching:grant-detail",), obj.pk, obj) if obj.pk else ""

    def save_model(self, request, obj, form, change):
        fields = changed(form, grants.GRANT_EDITABLE)
        if fields:
            grants.grant_update(
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
