from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pembinaan.progress.models import Target


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ("name", "period_start", "period_end", "value", "is_primary")
