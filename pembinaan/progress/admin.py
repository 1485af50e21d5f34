from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from pembinaan.progress.models import KecamatanShare, Milestone, Target
from pembinaan.progress.selectors import check_aggregates
from pembinaan.progress.services import rebuild


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class KecamatanShareInline(admin.TabularInline):
    model = KecamatanShare
    extra = 0


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ("name", "period_start", "period_end", "value", "is_primary")
    inlines = [MilestoneInline, KecamatanShareInline]
    actions = ["check_figures", "rebuild_figures"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A new or moved period changes which attendance counts: recompute its aggregates.
        rebuild(obj)

    @admin.action(description=_("Periksa angka dasbor terhadap perhitungan ulang"))
    def check_figures(self, request, queryset):
        problems = [p for target in queryset for p in check_aggregates(target)]
        if problems:
            for problem in problems[:20]:
                self.message_user(request, problem, messages.ERROR)
        else:
            self.message_user(
                request, _("Angka dasbor sama dengan perhitungan ulang dari data mentah."), messages.SUCCESS
            )

    @admin.action(description=_("Bangun ulang angka dasbor"))
    def rebuild_figures(self, request, queryset):
        for target in queryset:
            rebuild(target)
        self.message_user(request, _("Angka dasbor dibangun ulang."), messages.SUCCESS)
