from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pembinaan.coaching.models import Activity, CoachingType, Outcome, OutcomeType, Participation


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
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ("title", "coaching_type", "start_date", "status", "funding_source", "fiscal_year")
    list_filter = ("status", "coaching_type", "funding_source", "fiscal_year")
    search_fields = ("title", "venue")
    date_hierarchy = "start_date"
    raw_id_fields = ("created_by",)


@admin.register(Participation)
class ParticipationAdmin(SimpleHistoryAdmin):
    list_display = ("activity", "business", "status")
    list_filter = ("status",)
    raw_id_fields = ("activity", "business", "registered_by", "attendance_marked_by")
    list_select_related = ("activity", "business")


@admin.register(Outcome)
class OutcomeAdmin(SimpleHistoryAdmin):
    list_display = ("business", "outcome_type", "achieved_on")
    list_filter = ("outcome_type",)
    raw_id_fields = ("business", "activity", "created_by")
    list_select_related = ("business", "outcome_type")
