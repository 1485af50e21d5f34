from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pembinaan.coaching.models import Activity
from pembinaan.coaching.pickers import ActivityChoiceField
from pembinaan.imports.models import ImportKind
from pembinaan.imports.reading import EXTENSIONS


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis data"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("Berkas"),
        help_text=_(".xlsx, .xls atau .csv (pemisah koma atau titik koma)."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )
    activity = ActivityChoiceField(
        label=_("Kegiatan (untuk impor peserta)"),
        help_text=_(
            "Untuk impor bantuan permodalan: putaran penyaluran bagi baris yang kolom putarannya kosong."
        ),
        queryset=Activity.objects.not_cancelled().order_by("-start_date", "-pk"),
        required=False,
    )

    def __init__(self, *args, can_import_budgets: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_import_budgets:
            self.fields["kind"].choices = [c for c in ImportKind.choices if c[0] != ImportKind.BUDGETS]

    def clean(self):
        data = super().clean()
        if data.get("kind") == ImportKind.PARTICIPANTS and not data.get("activity"):
            self.add_error("activity", _("Pilih kegiatan yang pesertanya diimpor."))
        return data

    def options(self) -> dict:
        activity = self.cleaned_data.get("activity")
        if self.cleaned_data["kind"] in (ImportKind.PARTICIPANTS, ImportKind.GRANTS) and activity:
            return {"activity": activity.pk}
        return {}


class MappingForm(forms.Form):
    """One choice per column of the file: which import column it is, or ignored."""

    valid_rows_only = forms.BooleanField(
        label=_("Impor baris yang sah saja (baris yang ditolak dilaporkan, tidak diimpor)"), required=False
    )

    def __init__(self, *args, headers: list[str], columns, mapping: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— abaikan kolom ini —"))] + [
            (c.key, f"{c.label}{' *' if c.required else ''}") for c in columns
        ]
        self.column_fields = []
        for index, header in enumerate(headers):
            name = f"col_{index}"
            self.fields[name] = forms.ChoiceField(
                label=header or _("(kolom %(n)d tanpa judul)") % {"n": index + 1},
                choices=choices,
                required=False,
                initial=mapping[index] if index < len(mapping) else "",
            )
            self.column_fields.append(name)

    @property
    def mapping_fields(self):
        return [self[name] for name in self.column_fields]

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(name) or "" for name in self.column_fields]
