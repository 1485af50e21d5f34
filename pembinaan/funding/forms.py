from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pembinaan.coaching.models import Activity
from pembinaan.coaching.pickers import NEWEST_FIRST, ActivityChoiceField
from pembinaan.funding.models import BudgetLine, CapitalAssistance, FundingSource
from pembinaan.lib.money import RupiahField
from pembinaan.reference.models import Kecamatan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FILE = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})


class YearFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun anggaran"), required=False, min_value=2000, max_value=2100)


class BudgetLineForm(forms.ModelForm):
    amount = RupiahField(label=_("Pagu (Rp)"))

    class Meta:
        model = BudgetLine
        fields = ["source", "fiscal_year", "programme", "budget_code", "amount", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = FundingSource.objects.filter(
            is_active=True
        ) | FundingSource.objects.filter(pk=self.instance.source_id if self.instance.pk else None)
        if not self.instance.pk:
            self.initial.setdefault("fiscal_year", timezone.localdate().year)


class GrantFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun anggaran"), required=False, min_value=2000, max_value=2100)
    source = forms.ModelChoiceField(
        label=_("Sumber dana"), queryset=FundingSource.objects.all(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "---------"), *CapitalAssistance.Status.choices], required=False
    )
    kecamatan = forms.ModelChoiceField(label=_("Kecamatan"), queryset=Kecamatan.objects.all(), required=False)
    form = forms.ChoiceField(
        label=_("Bentuk"), choices=[("", "---------"), *CapitalAssistance.Form.choices], required=False
    )


class GrantForm(forms.ModelForm):
    """Propose or edit a grant. The recipient is named by NIB or owner NIK (or fixed by the page)."""

    recipient = forms.CharField(
        label=_("Penerima: NIB usaha atau NIK pemilik"), max_length=40, required=False
    )
    amount = RupiahField(label=_("Nilai (Rp)"))
    evidence = forms.FileField(
        label=_("Berita acara serah terima (opsional)"),
        required=False,
        help_text=_("Foto (JPEG, PNG) atau PDF, paling besar 10 MB."),
        widget=FILE,
    )
    reason = forms.CharField(
        label=_("Alasan perubahan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Wajib untuk bantuan yang sudah disalurkan."),
    )

    class Meta:
        model = CapitalAssistance
        fields = ["activity", "budget_line", "date", "form", "amount", "description"]
        widgets = {"date": DATE, "description": forms.Textarea(attrs={"rows": 2})}
        # Grant rounds often share a title: each option shows its date and place.
        field_classes = {"activity": ActivityChoiceField}

    def __init__(self, *args, business=None, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business
        editing = bool(self.instance.pk)
        self.fields["activity"].queryset = (
            Activity.objects.filter(coaching_type__code="bantuan-modal")
            .exclude(status=Activity.Status.CANCELLED)
            .order_by(*NEWEST_FIRST)
        )
        self.fields["budget_line"].required = False
        self.fields["budget_line"].help_text = _("Kosongkan untuk memakai pagu kegiatan penyalurannya.")
        if activity is not None:
            self.initial["activity"] = activity.pk
        if not editing:
            self.initial.setdefault("date", timezone.localdate())
            del self.fields["reason"]
        else:
            del self.fields["activity"], self.fields["recipient"]
        if business is not None and "recipient" in self.fields:
            del self.fields["recipient"]

    def clean_recipient(self):
        from pembinaan.coaching.services import resolve_businesses

        text = self.cleaned_data.get("recipient", "")
        if self.business is not None:
            return self.business
        if not text:
            raise forms.ValidationError(_("Isi NIB usaha atau NIK pemilik penerima."))
        found, errors = resolve_businesses([text])
        if errors:
            raise forms.ValidationError(" ".join(e.split(": ", 1)[-1] for e in errors))
        return found[0]


class GrantDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class GrantDisburseForm(forms.Form):
    disbursed_on = forms.DateField(label=_("Tanggal disalurkan"), widget=DATE, initial=timezone.localdate)
    evidence = forms.FileField(
        label=_("Berita acara serah terima"),
        required=False,
        widget=FILE,
        help_text=_("Foto (JPEG, PNG) atau PDF."),
    )
