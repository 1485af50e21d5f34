"""Capital assistance, budget lines and the budget overview as spreadsheets.

Assistance names its recipients (staff only; NIK masked as in the registry's export). Budget lines
and the overview hold no personal data; the overview is the one export council members may take:
aggregates per fiscal year and funding source, money in whole rupiah (docs/rules.md rule 9).
"""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from pembinaan.accounts.access import may_see_full_nik, require
from pembinaan.accounts.models import User
from pembinaan.funding import selectors
from pembinaan.funding.forms import GrantFilterForm, YearFilterForm
from pembinaan.funding.models import CapitalAssistance
from pembinaan.lib.exports import BATCH_SIZE, Column, ExportTable, choice_labels
from pembinaan.registry.exports import (
    UNUSED_BUSINESS_FIELDS,
    identity_columns,
    logged_rows,
    nik_permissions,
)
from pembinaan.registry.forms import list_filters


def grant_columns(*, full_nik: bool) -> list[Column]:
    forms, statuses = (
        choice_labels(CapitalAssistance.Form.choices),
        choice_labels(CapitalAssistance.Status.choices),
    )
    return [
        Column(_("Tanggal"), lambda g: g.date),
        *identity_columns(lambda g: g.business, full_nik=full_nik),
        Column(_("Putaran Penyaluran"), lambda g: g.activity.title),
        Column(_("Sumber Dana"), lambda g: g.budget_line.source.name),
        Column(_("Tahun Anggaran"), lambda g: g.budget_line.fiscal_year),
        # The line's code, so that a re-imported file puts each grant on the same pagu.
        Column(_("Kode Rekening/DPA"), lambda g: g.budget_line.budget_code),
        Column(_("Bentuk"), lambda g: forms.get(g.form, g.form)),
        Column(_("Nilai (Rp)"), lambda g: g.amount),
        Column(_("Status"), lambda g: statuses.get(g.status, g.status)),
        Column(_("Tanggal Disalurkan"), lambda g: g.disbursed_on),
        Column(_("Uraian"), lambda g: g.description),
    ]


def grants_table(*, user: User, query: QueryDict) -> ExportTable:
    """The filtered assistance list, every page of it (NIK masked unless permitted)."""
    require(user, "funding.view_capitalassistance")
    require(user, "registry.view_business")
    grants = selectors.grant_list(filters=list_filters(GrantFilterForm(query or None)))
    full_nik = may_see_full_nik(user)
    rows = logged_rows(
        grants.select_related("business__owner")
        .defer(*(f"business__{f}" for f in UNUSED_BUSINESS_FIELDS))
        .iterator(chunk_size=BATCH_SIZE),
        user=user,
        full_nik=full_nik,
        owner_of=lambda g: g.business.owner,
    )
    return ExportTable(
        columns=grant_columns(full_nik=full_nik),
        rows=rows,
        filename="bantuan-permodalan",
        title=_("Bantuan permodalan"),
        count=grants.count,
        permissions=nik_permissions(
            ("funding.view_capitalassistance", "registry.view_business"), full_nik=full_nik
        ),
    )


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
    rows = selectors.budget_overview(year=list_filters(YearFilterForm(query or None)).get("year"))
    return ExportTable(
        columns=BUDGET_OVERVIEW_COLUMNS,
        rows=rows,
        filename="anggaran-realisasi",
        title=_("Anggaran dan realisasi"),
        count=lambda: len(rows),
        permissions=("funding.view_budget_overview",),
    )
