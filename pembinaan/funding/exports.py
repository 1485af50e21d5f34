"""Budget lines (pagu) as a spreadsheet: no personal data, money in whole rupiah (docs/rules.md rule 9)."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from pembinaan.accounts.access import require
from pembinaan.accounts.models import User
from pembinaan.funding import selectors
from pembinaan.funding.forms import YearFilterForm
from pembinaan.lib.exports import BATCH_SIZE, Column, ExportTable
from pembinaan.lib.forms import list_filters

BUDGET_LINE_COLUMNS = [
    Column(_("Tahun Anggaran"), lambda line: line.fiscal_year),
    Column(_("Sumber Dana"), lambda line: line.source.name),
    Column(_("Program/Sub-kegiatan"), lambda line: line.programme),
    Column(_("Kode Rekening/DPA"), lambda line: line.budget_code),
    Column(_("Pagu (Rp)"), lambda line: line.amount),
    Column(_("Perlu Dilengkapi"), lambda line: _("Ya") if line.needs_review else ""),
    Column(_("Catatan"), lambda line: line.note),
]


def budget_lines_table(*, user: User, query: QueryDict) -> ExportTable:
    require(user, "funding.view_budgetline")
    lines = selectors.budget_line_list(filters=list_filters(YearFilterForm(query or None)))
    return ExportTable(
        columns=BUDGET_LINE_COLUMNS,
        rows=lines.iterator(chunk_size=BATCH_SIZE),
        filename="pagu-anggaran",
        title=_("Pagu anggaran"),
        count=lines.count,
        permissions=("funding.view_budgetline",),
    )
