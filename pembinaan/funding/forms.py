from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pembinaan.funding.models import BudgetLine, FundingSource
from pembinaan.lib.money import RupiahField


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
