"""Spreadsheet import of budget lines (pagu, Admin Dinas only), through funding/services.py like the
web screens. Registered with the imports app in apps.py."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pembinaan.funding import services
from pembinaan.funding.models import BudgetLine, FundingSource
from pembinaan.imports.columns import Column
from pembinaan.imports.reading import NumberCell
from pembinaan.imports.rowwise import RowImporter
from pembinaan.lib.money import parse_rupiah


class BudgetLineImporter(RowImporter):
    kind = "pagu"
    columns = (
        Column("source", "Sumber Dana", ("sumber", "sumber anggaran", "source"), required=True),
        Column("fiscal_year", "Tahun Anggaran", ("tahun", "ta", "year"), required=True),
        Column("amount", "Pagu", ("pagu (rp)", "nilai pagu", "anggaran", "jumlah", "amount"), required=True),
        Column("programme", "Program", ("program/sub-kegiatan", "sub kegiatan", "kegiatan", "programme")),
        Column("budget_code", "Kode Rekening", ("kode", "kode rekening / dpa", "dpa", "kode anggaran")),
        Column("note", "Catatan", ("keterangan", "note")),
    )

    def plan(self, records, *, total=None, progress=None):
        records = list(records)
        self.sources = {}
        for source in FundingSource.objects.all():
            self.sources[source.code] = source
            self.sources[" ".join(source.name.lower().split())] = source
        return super().plan(records, total=total, progress=progress)

    def clean_row(self, cells):
        errors, values = {}, {}
        source = self.sources.get(" ".join(cells.get("source", "").lower().split()))
        if source is None:
            names = ", ".join(sorted({s.name for s in self.sources.values()}))
            errors["source"] = [
                _("Sumber dana tidak dikenal; pilih salah satu: %(names)s.") % {"names": names}
            ]
        values["source"] = source
        year = cells.get("fiscal_year", "").removesuffix(".0")
        if not year.isdigit():
            errors["fiscal_year"] = [_("Isi tahun anggaran, misalnya 2026.")]
        else:
            values["fiscal_year"] = int(year)
        try:
            amount = cells.get("amount", "")
            if isinstance(amount, NumberCell):
                amount = amount.removesuffix(".0")
            values["amount"] = parse_rupiah(amount) or 0
        except ValidationError as exc:
            errors["amount"] = exc.messages
        for key in ("programme", "budget_code", "note"):
            values[key] = cells.get(key, "")
        if errors:
            raise ValidationError(errors)
        return values

    def write_row(self, values):
        lines = BudgetLine.objects.filter(source=values["source"], fiscal_year=values["fiscal_year"])
        key = (
            {"budget_code": values["budget_code"]}
            if values["budget_code"]
            else {"programme": values["programme"]}
        )
        existing = list(lines.filter(**key)[:2])
        if len(existing) > 1:
            raise ValidationError(
                {"budget_code": _("Lebih dari satu pagu cocok; isi kode rekening yang berbeda.")}
            )
        if existing:
            line = existing[0]
            changed = [
                k
                for k in ("amount", "programme", "budget_code", "note")
                if values[k] and getattr(line, k) != values[k]
            ]
            if not changed:
                return "skipped", _("Dilewati: pagu ini sudah sama."), []
            services.budget_line_update(line=line, by=self.by, **{k: values[k] for k in changed})
            return (
                "updated",
                _("Pagu #%(pk)s diperbarui.") % {"pk": line.pk},
                [("funding.budgetline", line.pk, "diubah", changed)],
            )
        line = services.budget_line_create(by=self.by, **values)
        return "created", "", [("funding.budgetline", line.pk, "dibuat", [])]
