"""Independent sums over the rows, for comparing with what the budget pages show (issue 4).

Everything here iterates model rows in plain Python: no Sum, no Count, no annotate. It restates
docs/rules.md rules 8 and 9 in the simplest way, so that a mistake in the selectors' SQL cannot hide
behind the same mistake in the check.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from pembinaan.coaching.models import Activity, Participation, ParticipationStatus
from pembinaan.funding.models import BudgetLine, CapitalAssistance, FundingSource
from pembinaan.registry.models import Business, BusinessStatus
from tests.programme import build_programme

G = CapitalAssistance.Status
P = ParticipationStatus


def reconciliation_data() -> None:
    """The data the reconciliation runs on (issue 4: compare with an independent sum): a programme
    with every case in it, built with the factories (tests/programme.py)."""
    build_programme(60)
    assert CapitalAssistance.objects.filter(status=G.DISBURSED).exists()
    assert CapitalAssistance.objects.exclude(status=G.DISBURSED).exists()


def half_up(value: Fraction, places: str) -> Decimal:
    """Round an exact fraction half up (the test's own rounding, not the selector's)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(places), ROUND_HALF_UP)


def expected_overview() -> dict[tuple[int, str], dict]:
    """Pagu, realisasi, activities, reach per (year, source code), summed row by row in Python."""
    sources = {s.pk: s.code for s in FundingSource.objects.all()}
    lines = {line.pk: line for line in BudgetLine.objects.all()}
    key_of_line = {pk: (line.fiscal_year, sources[line.source_id]) for pk, line in lines.items()}
    out: dict[tuple[int, str], dict] = defaultdict(
        lambda: {
            "budget": 0,
            "activity_cost": 0,
            "grants": 0,
            "activities": 0,
            "reached": set(),
            "coached": set(),
        }
    )
    for line in lines.values():
        out[key_of_line[line.pk]]["budget"] += line.amount
    activities = {a.pk: a for a in Activity.objects.all()}
    for a in activities.values():
        key = key_of_line[a.budget_line_id]
        out[key]["activity_cost"] += a.actual_cost
        if a.status != Activity.Status.CANCELLED:
            out[key]["activities"] += 1
    for g in CapitalAssistance.objects.all():
        if g.status == G.DISBURSED:
            out[key_of_line[g.budget_line_id]]["grants"] += g.amount
    businesses = {b.pk: b for b in Business.objects.all()}
    for p in Participation.objects.all():
        activity = activities[p.activity_id]
        if p.status != P.ATTENDED or activity.status == Activity.Status.CANCELLED:
            continue
        entry = out[key_of_line[activity.budget_line_id]]
        entry["reached"].add(p.business_id)
        business = businesses[p.business_id]
        if (
            business.status in (BusinessStatus.VERIFIED, BusinessStatus.INACTIVE)
            and not business.merged_into_id
        ):
            entry["coached"].add(p.business_id)
    years = {y for y, _c in out}
    for y in years:
        for code in sources.values():
            out[(y, code)]  # noqa: B018 - every source in every year shown
    for entry in out.values():
        entry["realized"] = entry["activity_cost"] + entry["grants"]
        entry["reached"], entry["coached"] = len(entry["reached"]), len(entry["coached"])
        entry["percent"] = (
            half_up(Fraction(entry["realized"] * 100, entry["budget"]), "0.1") if entry["budget"] else None
        )
        entry["cost_per_coached"] = (
            int(half_up(Fraction(entry["realized"], entry["coached"]), "1")) if entry["coached"] else None
        )
    return dict(out)


def filter_grants(grants: list[CapitalAssistance], filters: dict) -> list[CapitalAssistance]:
    """The grants a capital-assistance list filter keeps, decided row by row in Python."""

    def keep(g: CapitalAssistance) -> bool:
        if filters.get("year") and g.budget_line.fiscal_year != filters["year"]:
            return False
        if filters.get("source") and g.budget_line.source_id != filters["source"].pk:
            return False
        if filters.get("status") and g.status != filters["status"]:
            return False
        if filters.get("kecamatan") and g.business.kelurahan.kecamatan_id != filters["kecamatan"].pk:
            return False
        return not (filters.get("form") and g.form != filters["form"])

    return [g for g in grants if keep(g)]
