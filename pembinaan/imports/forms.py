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


# The choice an unplaced column starts with: not a decision, so the form refuses it.
UNDECIDED = "?"


class MappingForm(forms.Form):
    """One choice per column of the file: which import column it is, or ignored.

    With the header match (imports/headers.py), a column that could not be placed, or that claims a
    field another column claims too, starts on "— pilih —" and must be mapped or ignored before the
    dry run: checked here, on the server, whatever the browser sends.
    """

    valid_rows_only = forms.BooleanField(
        label=_("Impor baris yang sah saja (baris yang ditolak dilaporkan, tidak diimpor)"), required=False
    )

    def __init__(
        self, *args, headers: list[str], columns, mapping: list[str], match=None, samples=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        fields = [(c.key, f"{c.label}{' *' if c.required else ''}") for c in columns]
        choices = [("", _("— abaikan kolom ini —")), *fields]
        undecided = [(UNDECIDED, _("— pilih: petakan atau abaikan —")), *choices]
        self.column_fields = []
        self.rows = []
        for index, header in enumerate(headers):
            name = f"col_{index}"
            column = match.columns[index] if match is not None and index < len(match.columns) else None
            open_ = column is not None and (column.unplaced or column.reason == "conflict")
            self.fields[name] = forms.ChoiceField(
                label=header or _("(kolom %(n)d tanpa judul)") % {"n": index + 1},
                choices=undecided if open_ else choices,
                required=False,
                initial=UNDECIDED if open_ else (mapping[index] if index < len(mapping) else ""),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.column_fields.append(name)
            self.rows.append(
                {
                    "field": self[name],
                    "match": column,
                    "open": open_,
                    "samples": (samples[index] if samples and index < len(samples) else []),
                }
            )

    def clean(self):
        data = super().clean()
        for name, row in zip(self.column_fields, self.rows, strict=True):
            # An unplaced column must be answered: a field, or "" to ignore it on purpose; a form
            # sent without it, or with the "— pilih —" it starts on, is not an answer.
            undecided = row["open"] and (name not in self.data or data.get(name) == UNDECIDED)
            if undecided or data.get(name) == UNDECIDED:
                self.add_error(name, _("Petakan kolom ini atau abaikan."))
        return data

    @property
    def mapping_fields(self):
        return [self[name] for name in self.column_fields]

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(name) or "" for name in self.column_fields]
