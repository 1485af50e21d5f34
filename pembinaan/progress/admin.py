from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from pembinaan.lib.service_admin import ServiceWriteMixin
from pembinaan.progress import reach
from pembinaan.progress.models import KecamatanShare, Letterhead, Milestone, ProgressCheck, Target
from pembinaan.progress.services import LETTERHEAD_FIELDS, check_and_record, letterhead_update, rebuild
from pembinaan.reference.models import Kecamatan


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class KecamatanShareFormSet(BaseInlineFormSet):
    """Shares are whole businesses that add up to the target (docs/rules.md#figures, kecamatan target).

    Never more than the target in all; once every kecamatan has a share, exactly the target, so
    that the districts' targets and the city's tell the same story.
    """

    def clean(self):
        super().clean()
        target_value = self.instance.value
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("kecamatan")
        ]
        if not target_value or not kept:
            return
        total = sum(row.get("value") or 0 for row in kept)
        if total > target_value:
            raise ValidationError(
                _("Jumlah porsi kecamatan (%(total)s) melebihi target (%(target)s)."),
                params={"total": total, "target": target_value},
            )
        if len({row["kecamatan"].pk for row in kept}) == Kecamatan.objects.count() and total != target_value:
            raise ValidationError(
                _(
                    "Setiap kecamatan sudah mempunyai porsi: jumlahnya harus sama dengan target "
                    "(%(target)s), sekarang %(total)s."
                ),
                params={"total": total, "target": target_value},
            )


class KecamatanShareInline(admin.TabularInline):
    model = KecamatanShare
    formset = KecamatanShareFormSet
    extra = 0


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ("name", "period_start", "period_end", "value", "is_primary")
    inlines = [MilestoneInline, KecamatanShareInline]
    actions = ["check_figures", "rebuild_figures"]

    # Saving a target rebuilds its aggregates (progress/signals.py target_saved), whatever the path.

    @admin.action(description=_("Periksa angka dasbor terhadap perhitungan ulang"))
    def check_figures(self, request, queryset):
        # Every target is checked (and the result kept), whichever were selected.
        problems = check_and_record(via=ProgressCheck.Via.ADMIN)
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
        reach.rebuild()  # the budget overview's reach belongs to no target: rebuilt with any of them
        self.message_user(request, _("Angka dasbor dibangun ulang."), messages.SUCCESS)


@admin.register(ProgressCheck)
class ProgressCheckAdmin(admin.ModelAdmin):
    """Read only: when the served figures were last checked (`manage.py check_progress`, the daily
    chore, the targets' action) and what differed."""

    list_display = ("checked_at", "ok", "via", "problem_count")
    list_filter = ("ok", "via")
    readonly_fields = ("checked_at", "ok", "via", "problems")

    @admin.display(description=_("jumlah perbedaan"))
    def problem_count(self, obj):
        return len(obj.problems)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Letterhead)
class LetterheadAdmin(ServiceWriteMixin, SimpleHistoryAdmin):
    """The report's letterhead (name, address, logo) and signature block: one row, set by Admin Dinas."""

    list_display = ("agency", "place", "signatory_title", "updated_at")
    readonly_fields = ("updated_at", "updated_by")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Letterhead.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # One letterhead: the list opens it (or the form to set it for the first time).
        if (letterhead := Letterhead.objects.order_by("pk").first()) is not None:
            return HttpResponseRedirect(reverse("admin:progress_letterhead_change", args=[letterhead.pk]))
        return HttpResponseRedirect(reverse("admin:progress_letterhead_add"))

    def get_changeform_initial_data(self, request):
        current = Letterhead.current()
        return {name: getattr(current, name) for name in LETTERHEAD_FIELDS}

    def save_model(self, request, obj, form, change):
        logo = form.cleaned_data.get("logo")
        saved = letterhead_update(
            data={name: form.cleaned_data.get(name, "") for name in LETTERHEAD_FIELDS},
            logo=False if logo is False else (logo if "logo" in form.changed_data else None),
            by=request.user,
        )
        obj.pk = saved.pk
