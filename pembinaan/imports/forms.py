from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pembinaan.imports.importers import registration, upload_fields
from pembinaan.imports.models import ImportKind
from pembinaan.imports.reading import EXTENSIONS


class UploadForm(forms.Form):
    """The kind and the file, then what the registered importers ask for besides (imports/importers.py)."""

    kind = forms.ChoiceField(label=_("Jenis data"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("Berkas"),
        help_text=_(".xlsx, .xls atau .csv (pemisah koma atau titik koma)."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )

    def __init__(self, *args, can_import_budgets: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(upload_fields())
        if not can_import_budgets:
            self.fields["kind"].choices = [c for c in ImportKind.choices if c[0] != ImportKind.BUDGETS]
        self._options: dict = {}

    def clean(self):
        data = super().clean()
        if data.get("kind"):
            try:
                self._options = registration(data["kind"]).importer.upload_options(data)
            except ValidationError as exc:
                self.add_error(None, exc)
        return data

    def options(self) -> dict:
        return self._options


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
