from django import forms
from django.utils.translation import gettext_lazy as _

from pembinaan.coaching.models import CoachingType
from pembinaan.funding.models import FundingSource
from pembinaan.progress.models import ReportSnapshot, Target
from pembinaan.progress.selectors import DashboardFilters
from pembinaan.reference.models import Kecamatan


class DashboardFilterForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("Target"), queryset=Target.objects.all(), required=False, empty_label=None
    )
    tahun = forms.IntegerField(label=_("Tahun anggaran"), required=False, min_value=2000, max_value=2100)
    kecamatan = forms.ModelChoiceField(label=_("Kecamatan"), queryset=Kecamatan.objects.all(), required=False)
    jenis = forms.ModelChoiceField(
        label=_("Jenis pembinaan"), queryset=CoachingType.objects.all(), to_field_name="code", required=False
    )
    sumber = forms.ModelChoiceField(
        label=_("Sumber dana"), queryset=FundingSource.objects.all(), to_field_name="code", required=False
    )

    def filters(self) -> DashboardFilters:
        data = self.cleaned_data if self.is_bound else {}
        return DashboardFilters(
            fiscal_year=data.get("tahun"),
            kecamatan=data["kecamatan"].code if data.get("kecamatan") else None,
            coaching_type=data["jenis"].code if data.get("jenis") else None,
            funding_source=data["sumber"].code if data.get("sumber") else None,
        )


class SnapshotForm(forms.Form):
    title = forms.CharField(
        label=_("Judul laporan"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Laporan Semester I 2026")}),
    )


class ClosedYearForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    report = forms.ModelChoiceField(
        label=_("Laporan yang diterbitkan"),
        queryset=ReportSnapshot.objects.all(),
        required=False,
        help_text=_("Laporan yang dibekukan untuk tahun ini, bila ada."),
    )


class CorrectionReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan koreksi"),
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Berlaku untuk perubahan Anda selama 30 menit ke depan, misalnya “Daftar hadir workshop "
            "15 April 2025 baru diterima dari kelurahan”."
        ),
    )
