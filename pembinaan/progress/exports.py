"""The budget overview as a spreadsheet: aggregates per fiscal year and funding source, money in
whole rupiah (docs/rules.md rule 9); the one money export council members may take too."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from pembinaan.accounts.access import require
from pembinaan.accounts.models import User
from pembinaan.funding.forms import YearFilterForm
from pembinaan.lib.exports import Column, ExportTable
from pembinaan.lib.forms import list_filters
from pembinaan.progress import money

BUDGET_OVERVIEW_COLUMNS = [
    Column(_("Tahun Anggaran"), lambda r: r.year),
    Column(_("Sumber Dana"), lambda r: r.source.name),
    Column(_("Pagu (Rp)"), lambda r: r.budget),
    Column(_("Biaya Kegiatan (Rp)"), lambda r: r.activity_cost),
    Column(_("Bantuan Disalurkan (Rp)"), lambda r: r.grants_disbursed),
    Column(_("Realisasi (Rp)"), lambda r: r.realized),
    Column(_("Serapan (%)"), lambda r: r.absorbed_percent),
    Column(_("Jumlah Kegiatan"), lambda r: r.activities),
    Column(_("UMKM Dijangkau"), lambda r: r.reached),
    Column(_("UMKM Terbina"), lambda r: r.coached),
    Column(_("Biaya per UMKM Terbina (Rp)"), lambda r: r.cost_per_coached),
]


def budget_overview_table(*, user: User, query: QueryDict) -> ExportTable:
    """The overview's rows: aggregates only, so council members may take it too."""
    require(user, "funding.view_budget_overview")
    rows = money.budget_overview(year=list_filters(YearFilterForm(query or None)).get("year"))
    return ExportTable(
        columns=BUDGET_OVERVIEW_COLUMNS,
        rows=rows,
        filename="anggaran-realisasi",
        title=_("Anggaran dan realisasi"),
        count=lambda: len(rows),
        permissions=("funding.view_budget_overview",),
    )
