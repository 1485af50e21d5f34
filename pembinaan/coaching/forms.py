from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pembinaan.coaching import selectors
from pembinaan.coaching.models import (
    GRANT_ROUND_TYPE,
    Activity,
    ActivityAttachment,
    CoachingType,
    FiguresSnapshot,
    Outcome,
    OutcomeType,
    ParticipationStatus,
)
from pembinaan.coaching.pickers import NEWEST_FIRST, ActivityChoiceField
from pembinaan.funding.models import BudgetLine, CapitalAssistance, FundingSource
from pembinaan.lib.money import RupiahField
from pembinaan.reference.models import Kecamatan
from pembinaan.registry.models import Business

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ActivityForm(forms.ModelForm):
    planned_cost = RupiahField(label=_("Biaya rencana (Rp)"), required=False)
    actual_cost = RupiahField(label=_("Biaya realisasi (Rp)"), required=False)

    class Meta:
        model = Activity
        fields = [
            "title",
            "coaching_type",
            "format",
            "start_date",
            "end_date",
            "start_time",
            "end_time",
            "venue",
            "kecamatan",
            "organiser",
            "organiser_name",
            "trainer",
            "capacity",
            "open_for_signup",
            "description",
            "visit_note",
            "status",
            "fiscal_year",
            "funding_source",
            "budget_line",
            "planned_cost",
            "actual_cost",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "start_time": TIME,
            "end_time": TIME,
            "description": forms.Textarea(attrs={"rows": 3}),
            "visit_note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current_type = self.instance.coaching_type_id if self.instance.pk else None
        # Retired types stay selectable only on the activities that already use them.
        self.fields["coaching_type"].queryset = CoachingType.objects.filter(
            is_active=True
        ) | CoachingType.objects.filter(pk=current_type)
        current_source = self.instance.funding_source_id if self.instance.pk else None
        self.fields["funding_source"].queryset = FundingSource.objects.filter(
            is_active=True
        ) | FundingSource.objects.filter(pk=current_source)
        # Cancelling goes through its own form, which asks for the reason.
        self.fields["status"].choices = [
            c for c in Activity.Status.choices if c[0] != Activity.Status.CANCELLED
        ]
        if not self.instance.pk:
            self.initial.setdefault("fiscal_year", timezone.localdate().year)
        self.fields["budget_line"].required = False
        self.fields["budget_line"].queryset = BudgetLine.objects.select_related("source").filter(
            needs_review=False
        )
        self.fields["budget_line"].help_text = _(
            "Bila dipilih, sumber dana dan tahun anggaran mengikuti pagu ini. Bila kosong, kegiatan dibebankan "
            "ke satu-satunya pagu sumber dana dan tahun itu, atau ke pagu sementara yang perlu dilengkapi."
        )

    def clean_planned_cost(self):
        return self.cleaned_data.get("planned_cost") or 0

    def clean_actual_cost(self):
        return self.cleaned_data.get("actual_cost") or 0


class ActivityFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Cari"), required=False, max_length=100, widget=forms.TextInput(attrs={"type": "search"})
    )
    coaching_type = forms.ModelChoiceField(
        label=_("Jenis"), queryset=CoachingType.objects.all(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "---------"), *Activity.Status.choices], required=False
    )
    year = forms.IntegerField(label=_("Tahun anggaran"), required=False, min_value=2000, max_value=2100)
    kecamatan = forms.ModelChoiceField(label=_("Kecamatan"), queryset=Kecamatan.objects.all(), required=False)
    funding_source = forms.ModelChoiceField(
        label=_("Sumber dana"), queryset=FundingSource.objects.all(), required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class AddParticipantForm(forms.Form):
    business = forms.ModelChoiceField(queryset=Business.objects.active(), widget=forms.HiddenInput)
    override_capacity = forms.BooleanField(label=_("Lewati batas kapasitas"), required=False)


class BulkAddForm(forms.Form):
    lines = forms.CharField(
        label=_("NIB atau NIK pemilik, satu per baris"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=50_000,
    )
    override_capacity = forms.BooleanField(label=_("Lewati batas kapasitas"), required=False)

    def clean_lines(self):
        lines = [line for line in self.cleaned_data["lines"].splitlines() if line.strip()]
        if len(lines) > 500:
            raise forms.ValidationError(
                _("Paling banyak 500 baris sekali tambah; pakai impor berkas untuk lebih.")
            )
        return lines


class AttendanceForm(forms.Form):
    """One radio group per participant, built from the activity's participations."""

    def __init__(self, *args, participations, **kwargs):
        super().__init__(*args, **kwargs)
        self.participations = list(participations)
        for participation in self.participations:
            self.fields[f"p{participation.pk}"] = forms.ChoiceField(
                label=participation.business.name,
                choices=ParticipationStatus.choices,
                initial=participation.status,
                widget=forms.RadioSelect,
            )

    def rows(self):
        for participation in self.participations:
            yield participation, self[f"p{participation.pk}"]

    def changed_statuses(self) -> dict[int, str]:
        return {
            p.pk: self.cleaned_data[f"p{p.pk}"]
            for p in self.participations
            if self.cleaned_data.get(f"p{p.pk}") and self.cleaned_data[f"p{p.pk}"] != p.status
        }


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis berkas"), choices=ActivityAttachment.Kind.choices)
    file = forms.FileField(
        label=_("Berkas"),
        help_text=_("Foto (JPEG, PNG) atau PDF, paling besar 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )


class OutcomeForm(forms.ModelForm):
    amount = RupiahField(label=_("Nilai (Rp)"), required=False, help_text=_("Untuk pinjaman atau hibah."))
    evidence = forms.FileField(
        label=_("Bukti (opsional)"),
        required=False,
        help_text=_("Foto (JPEG, PNG) atau PDF, paling besar 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )

    class Meta:
        model = Outcome
        fields = [
            "outcome_type",
            "achieved_on",
            "activity",
            "reference_number",
            "institution",
            "amount",
            "note",
        ]
        widgets = {"achieved_on": DATE, "note": forms.Textarea(attrs={"rows": 2})}
        # The model field has no verbose name, so the form would say "Outcome type" in English.
        labels = {"outcome_type": _("Jenis capaian")}
        field_classes = {"activity": ActivityChoiceField}

    def __init__(self, *args, business: Business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_type"].queryset = OutcomeType.objects.filter(is_active=True)
        self.fields["activity"].queryset = (
            Activity.objects.filter(participations__business=business).distinct().order_by(*NEWEST_FIRST)
        )
        self.fields["achieved_on"].initial = timezone.localdate()


class FiguresForm(forms.ModelForm):
    annual_sales = RupiahField(label=_("Omzet setahun (Rp)"), required=False)
    assets = RupiahField(
        label=_("Aset/modal usaha (Rp)"), required=False, help_text=_("Tidak termasuk tanah dan bangunan.")
    )

    class Meta:
        model = FiguresSnapshot
        fields = ["year", "recorded_on", "annual_sales", "employees", "assets", "sells_online"]
        widgets = {"recorded_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["recorded_on"].initial = timezone.localdate()


class PickParticipantsForm(forms.Form):
    """Businesses ticked in a filtered list of the registry."""

    businesses = forms.ModelMultipleChoiceField(
        queryset=Business.objects.active(),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Centang paling sedikit satu usaha.")},
    )
    override_capacity = forms.BooleanField(label=_("Lewati batas kapasitas"), required=False)


# --- Grants ---------------------------------------------------------------------------------------

EVIDENCE_FILE = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})


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
        widget=EVIDENCE_FILE,
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
            Activity.objects.filter(coaching_type__code=GRANT_ROUND_TYPE)
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
        text = self.cleaned_data.get("recipient", "")
        if self.business is not None:
            return self.business
        if not text:
            raise forms.ValidationError(_("Isi NIB usaha atau NIK pemilik penerima."))
        found, errors = selectors.resolve_businesses([text])
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
        widget=EVIDENCE_FILE,
        help_text=_("Foto (JPEG, PNG) atau PDF."),
    )
