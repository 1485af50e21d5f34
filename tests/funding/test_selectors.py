"""Budget reads: pagu, realisasi and reach per fiscal year and source (docs/rules.md rules 8 and 9).

The first half checks `budget_overview` on small hand-built data whose right answers are written
out. The second half is the reconciliation the issue demands: on a programme with every case in it
(tests/programme.py, built with the factories), every total the overview and the capital-assistance
list show is compared with a sum the test computes itself, in plain Python, over the Activity,
Participation, CapitalAssistance and BudgetLine rows.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest

from pembinaan.coaching import selectors
from pembinaan.coaching.models import Activity, Participation, ParticipationStatus
from pembinaan.funding.models import BudgetLine, CapitalAssistance, FundingSource
from pembinaan.progress import money
from pembinaan.progress import reach as kept_reach
from pembinaan.reference.models import Kecamatan
from pembinaan.registry.models import BusinessStatus
from tests.coaching.factories import (
    ActivityFactory,
    OutcomeFactory,
    ParticipationFactory,
    funding_source,
    outcome_type,
)
from tests.factories import BusinessFactory
from tests.funding.factories import BudgetLineFactory, CapitalAssistanceFactory, grant_round
from tests.funding.reconcile import expected_overview, filter_grants, reconciliation_data

pytestmark = pytest.mark.django_db

G = CapitalAssistance.Status
P = ParticipationStatus
SOURCE_CODES = ["apbd-kota", "apbd-provinsi", "apbn", "lainnya"]


def _row(rows, year: int, code: str):
    matches = [r for r in rows if r.year == year and r.source.code == code]
    assert len(matches) == 1, f"expected one row for {year} {code}, got {len(matches)}"
    return matches[0]


# --- Hand-built data --------------------------------------------------------------------------


class TestRealisasi:
    @pytest.fixture
    def kota_2024(self):
        """APBD Kota 2024: two workshops, one disbursement round with grants of every status, a KUR loan."""
        line = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024, amount=100_000_000)
        ActivityFactory(budget_line=line, actual_cost=30_000_000)
        ActivityFactory(budget_line=line, actual_cost=12_345_678)
        round_ = grant_round(budget_line=line, actual_cost=2_500_000)
        CapitalAssistanceFactory(activity=round_, status=G.DISBURSED, amount=5_000_000)
        CapitalAssistanceFactory(activity=round_, status=G.DISBURSED, amount=7_500_000)
        CapitalAssistanceFactory(activity=round_, status=G.PROPOSED, amount=10_000_000)
        CapitalAssistanceFactory(activity=round_, status=G.APPROVED, amount=10_000_000)
        CapitalAssistanceFactory(activity=round_, status=G.CANCELLED, amount=10_000_000)
        OutcomeFactory(outcome_type=outcome_type("kur"), amount=50_000_000, institution="Bank Kalsel")
        return line

    def test_realisasi_is_the_activity_costs_plus_the_disbursed_grants_of_the_source_and_year(
        self, kota_2024
    ):
        row = _row(money.budget_overview(), 2024, "apbd-kota")
        assert row.budget == 100_000_000
        assert row.activity_cost == 30_000_000 + 12_345_678 + 2_500_000
        assert row.grants_disbursed == 5_000_000 + 7_500_000
        assert row.realized == 57_345_678

    def test_proposed_approved_and_cancelled_grants_and_kur_loans_are_not_realisasi(self, kota_2024):
        before = _row(money.budget_overview(), 2024, "apbd-kota").realized
        OutcomeFactory(outcome_type=outcome_type("kur"), amount=100_000_000, institution="BRI")
        CapitalAssistanceFactory(
            activity=grant_round(budget_line=kota_2024, actual_cost=0), status=G.APPROVED, amount=25_000_000
        )
        assert _row(money.budget_overview(), 2024, "apbd-kota").realized == before

    def test_money_of_another_source_or_year_stays_in_its_own_row(self, kota_2024):
        apbn = BudgetLineFactory(source=funding_source("apbn"), fiscal_year=2024, amount=40_000_000)
        kota_2023 = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2023, amount=90_000_000)
        ActivityFactory(budget_line=apbn, actual_cost=1_000_000)
        ActivityFactory(budget_line=kota_2023, actual_cost=2_000_000, start_date=datetime.date(2023, 4, 4))
        CapitalAssistanceFactory(activity=grant_round(budget_line=apbn, actual_cost=0), status=G.DISBURSED)
        rows = money.budget_overview()
        assert _row(rows, 2024, "apbd-kota").realized == 57_345_678
        assert _row(rows, 2024, "apbn").realized == 1_000_000 + 5_000_000
        assert _row(rows, 2023, "apbd-kota").realized == 2_000_000
        assert _row(rows, 2023, "apbd-kota").budget == 90_000_000

    def test_a_grant_charged_to_another_line_than_its_round_counts_for_the_grants_line(self):
        kota = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024)
        lainnya = BudgetLineFactory(source=funding_source("lainnya"), fiscal_year=2024)
        round_ = grant_round(budget_line=kota, actual_cost=0)
        CapitalAssistanceFactory(activity=round_, budget_line=lainnya, status=G.DISBURSED, amount=8_000_000)
        rows = money.budget_overview()
        assert _row(rows, 2024, "lainnya").grants_disbursed == 8_000_000
        assert _row(rows, 2024, "apbd-kota").grants_disbursed == 0

    def test_the_budget_of_a_source_and_year_is_the_sum_of_its_lines(self):
        BudgetLineFactory(source=funding_source("apbn"), fiscal_year=2025, amount=200_000_000)
        BudgetLineFactory(source=funding_source("apbn"), fiscal_year=2025, amount=75_500_000)
        assert _row(money.budget_overview(), 2025, "apbn").budget == 275_500_000

    @pytest.mark.parametrize(
        ("budget", "realized", "percent"),
        [
            (300_000_000, 100_000_000, Decimal("33.3")),
            (400_000_000, 49_000_000, Decimal("12.3")),  # 12.25 rounds half up, not to even
            (300_000_000, 200_000_000, Decimal("66.7")),
            (100_000_000, 100_000_000, Decimal("100.0")),
            (80_000_000, 100_000_000, Decimal("125.0")),
        ],
    )
    def test_the_absorbed_percent_is_rounded_to_one_decimal(self, budget, realized, percent):
        line = BudgetLineFactory(amount=budget)
        ActivityFactory(budget_line=line, actual_cost=realized)
        row = _row(money.budget_overview(), 2024, "apbd-kota")
        assert row.absorbed_percent == percent
        assert row.absorbed_percent.as_tuple().exponent == -1

    def test_a_source_without_a_budget_has_no_absorbed_percent(self):
        ActivityFactory(funding_source=funding_source("lainnya"), actual_cost=5_000_000)
        row = _row(money.budget_overview(), 2024, "lainnya")
        assert row.budget == 0
        assert row.absorbed_percent is None

    def test_a_line_is_overspent_only_when_realisasi_exceeds_the_pagu(self):
        exact = BudgetLineFactory(source=funding_source("apbd-kota"), amount=50_000_000)
        over = BudgetLineFactory(source=funding_source("apbn"), amount=50_000_000)
        ActivityFactory(budget_line=exact, actual_cost=50_000_000)
        ActivityFactory(budget_line=over, actual_cost=50_000_001)
        rows = money.budget_overview()
        assert _row(rows, 2024, "apbd-kota").overspent is False
        assert _row(rows, 2024, "apbn").overspent is True

    def test_a_disbursed_grant_can_make_a_line_overspent(self):
        line = BudgetLineFactory(amount=10_000_000)
        round_ = grant_round(budget_line=line, actual_cost=6_000_000)
        CapitalAssistanceFactory(activity=round_, status=G.APPROVED, amount=5_000_000)
        assert _row(money.budget_overview(), 2024, "apbd-kota").overspent is False
        CapitalAssistanceFactory(activity=round_, status=G.DISBURSED, amount=5_000_000)
        assert _row(money.budget_overview(), 2024, "apbd-kota").overspent is True

    def test_cancelled_activities_are_not_counted_as_activities(self):
        line = BudgetLineFactory()
        ActivityFactory(budget_line=line)
        ActivityFactory(
            budget_line=line, status=Activity.Status.CANCELLED, cancel_reason="Banjir", actual_cost=0
        )
        assert _row(money.budget_overview(), 2024, "apbd-kota").activities == 1


class TestReach:
    @pytest.fixture
    def reach(self):
        kota = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024, amount=90_000_000)
        apbn = BudgetLineFactory(source=funding_source("apbn"), fiscal_year=2024, amount=90_000_000)
        kota_a = ActivityFactory(budget_line=kota, actual_cost=60_000_000)
        kota_b = ActivityFactory(budget_line=kota, actual_cost=40_000_001)
        apbn_a = ActivityFactory(budget_line=apbn, actual_cost=10_000_000)
        both = BusinessFactory(name="Kue Bingka Hj. Ramlah")
        kota_only = BusinessFactory(name="Amplang Haruan Pasar Lama")
        third = BusinessFactory(name="Sasirangan Kampung Melayu")
        unverified = BusinessFactory(status=BusinessStatus.SUBMITTED)
        absent = BusinessFactory()
        # `both` attends two activities of APBD Kota and one of APBN.
        ParticipationFactory(activity=kota_a, business=both, status=P.ATTENDED)
        ParticipationFactory(activity=kota_b, business=both, status=P.ATTENDED)
        ParticipationFactory(activity=apbn_a, business=both, status=P.ATTENDED)
        ParticipationFactory(activity=kota_a, business=kota_only, status=P.ATTENDED)
        ParticipationFactory(activity=kota_b, business=third, status=P.ATTENDED)
        ParticipationFactory(activity=kota_a, business=unverified, status=P.ATTENDED)
        ParticipationFactory(activity=kota_a, business=absent, status=P.ABSENT)
        ParticipationFactory(activity=kota_b, business=BusinessFactory(), status=P.REGISTERED)
        ParticipationFactory(activity=kota_b, business=BusinessFactory(), status=P.CANCELLED)
        kept_reach.rebuild()  # the factories write past the services that keep the reach
        return {"both": both, "unverified": unverified}

    def test_reached_and_coached_count_distinct_businesses_attending_that_source_and_year(self, reach):
        rows = money.budget_overview()
        kota = _row(rows, 2024, "apbd-kota")
        assert kota.reached == 4  # both, kota_only, third, unverified
        assert kota.coached == 3  # the unverified business is reached but not coached

    def test_a_business_attending_activities_of_two_sources_counts_in_both(self, reach):
        rows = money.budget_overview()
        assert _row(rows, 2024, "apbn").reached == 1
        assert _row(rows, 2024, "apbn").coached == 1
        # Not additive: the sources' counts add up to more businesses than there are.
        coached_anywhere = {
            p.business_id
            for p in Participation.objects.filter(status=P.ATTENDED)
            if p.business.status == BusinessStatus.VERIFIED
        }
        assert sum(r.coached for r in rows if r.year == 2024) == len(coached_anywhere) + 1

    def test_an_unverified_business_is_reached_but_not_coached(self, reach):
        ParticipationFactory(
            activity=Activity.objects.filter(funding_source__code="apbn").get(),
            business=reach["unverified"],
            status=P.ATTENDED,
        )
        kept_reach.rebuild()
        apbn = _row(money.budget_overview(), 2024, "apbn")
        assert (apbn.reached, apbn.coached) == (2, 1)

    def test_attendance_at_a_cancelled_activity_reaches_no_one(self):
        line = BudgetLineFactory(source=funding_source("lainnya"))
        activity = ActivityFactory(budget_line=line, status=Activity.Status.CANCELLED, cancel_reason="Banjir")
        ParticipationFactory(activity=activity, status=P.ATTENDED)
        kept_reach.rebuild()
        row = _row(money.budget_overview(), 2024, "lainnya")
        assert (row.reached, row.coached) == (0, 0)

    def test_the_cost_per_coached_business_is_realisasi_divided_by_coached_in_whole_rupiah(self, reach):
        rows = money.budget_overview()
        kota = _row(rows, 2024, "apbd-kota")
        assert kota.realized == 100_000_001
        # 100.000.001 ÷ 3 = 33.333.333,67 → Rp33.333.334 (whole rupiah, half up)
        assert kota.cost_per_coached == 33_333_334
        assert isinstance(kota.cost_per_coached, int)
        assert _row(rows, 2024, "apbn").cost_per_coached == 10_000_000

    def test_the_cost_per_coached_business_is_empty_when_no_business_was_coached(self):
        ActivityFactory(budget_line=BudgetLineFactory(), actual_cost=5_000_000)
        assert _row(money.budget_overview(), 2024, "apbd-kota").cost_per_coached is None


class TestCompleteness:
    def test_every_source_appears_in_each_year_shown_with_zero_rows(self):
        ActivityFactory(budget_line=BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024))
        BudgetLineFactory(source=funding_source("apbn"), fiscal_year=2022, amount=10_000_000)
        rows = money.budget_overview()
        all_codes = list(FundingSource.objects.values_list("code", flat=True))
        assert {(r.year, r.source.code) for r in rows} == {(y, c) for y in (2022, 2024) for c in all_codes}
        empty = _row(rows, 2024, "lainnya")
        assert (empty.budget, empty.realized, empty.activities, empty.reached, empty.coached) == (
            0,
            0,
            0,
            0,
            0,
        )
        assert [r.year for r in rows] == sorted((r.year for r in rows), reverse=True)

    def test_a_source_added_by_admin_dinas_appears_too(self):
        partner = FundingSource.objects.create(code="csr-bank-kalsel", name="CSR Bank Kalsel", order=50)
        BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024)
        rows = money.budget_overview(year=2024)
        assert _row(rows, 2024, partner.code).budget == 0

    def test_a_year_filter_shows_only_that_year(self):
        BudgetLineFactory(fiscal_year=2023)
        BudgetLineFactory(fiscal_year=2024)
        assert {r.year for r in money.budget_overview(year=2023)} == {2023}

    def test_no_budget_and_no_spending_shows_no_rows(self):
        assert money.budget_overview() == []

    def test_year_totals_add_money_and_activities_across_sources_but_not_businesses(self):
        kota = BudgetLineFactory(source=funding_source("apbd-kota"), amount=100_000_000)
        apbn = BudgetLineFactory(source=funding_source("apbn"), amount=40_000_000)
        a = ActivityFactory(budget_line=kota, actual_cost=30_000_000)
        b = ActivityFactory(budget_line=apbn, actual_cost=20_000_000)
        business = BusinessFactory()
        ParticipationFactory(activity=a, business=business, status=P.ATTENDED)
        ParticipationFactory(activity=b, business=business, status=P.ATTENDED)
        rows = money.budget_overview()
        (total,) = money.year_totals(rows)
        assert (total.year, total.budget, total.realized, total.activities) == (
            2024,
            140_000_000,
            50_000_000,
            2,
        )
        assert not hasattr(total, "coached")
        assert not hasattr(total, "reached")


# --- Reconciliation on a whole programme (tests/programme.py) ---------------------------------------


@pytest.fixture
def demo():
    reconciliation_data()


class TestReconciliationOnDemoData:
    def test_the_demo_data_charges_every_activity_to_a_line_of_its_own_source_and_year(self, demo):
        lines = {line.pk: line for line in BudgetLine.objects.all()}
        for a in Activity.objects.all():
            line = lines[a.budget_line_id]
            assert (a.funding_source_id, a.fiscal_year) == (line.source_id, line.fiscal_year), a.title

    def test_every_overview_figure_equals_an_independent_sum_over_the_rows(self, demo):
        expected = expected_overview()
        rows = money.budget_overview()
        assert {(r.year, r.source.code) for r in rows} == set(expected)
        years = sorted({y for y, _c in expected})
        assert years[0] == 2021
        for r in rows:
            e = expected[(r.year, r.source.code)]
            where = f"{r.year} {r.source.code}"
            assert r.budget == e["budget"], where
            assert r.activity_cost == e["activity_cost"], where
            assert r.grants_disbursed == e["grants"], where
            assert r.realized == e["realized"], where
            assert r.activities == e["activities"], where
            assert r.reached == e["reached"], where
            assert r.coached == e["coached"], where
            assert r.absorbed_percent == e["percent"], where
            assert r.overspent == (e["realized"] > e["budget"]), where
            assert r.cost_per_coached == e["cost_per_coached"], where

    def test_each_year_filter_shows_the_same_figures_as_the_full_overview(self, demo):
        expected = expected_overview()
        for year in sorted({y for y, _c in expected}):
            rows = money.budget_overview(year=year)
            assert {(r.year, r.source.code) for r in rows} == {k for k in expected if k[0] == year}
            for r in rows:
                e = expected[(r.year, r.source.code)]
                assert (r.budget, r.realized, r.activities, r.reached, r.coached) == (
                    e["budget"],
                    e["realized"],
                    e["activities"],
                    e["reached"],
                    e["coached"],
                ), f"{year} {r.source.code}"

    def test_year_totals_equal_the_independent_sums_over_all_sources(self, demo):
        expected = expected_overview()
        totals = {t.year: t for t in money.year_totals(money.budget_overview())}
        for year in {y for y, _c in expected}:
            mine = [e for (y, _c), e in expected.items() if y == year]
            assert totals[year].budget == sum(e["budget"] for e in mine), year
            assert totals[year].realized == sum(e["realized"] for e in mine), year
            assert totals[year].activities == sum(e["activities"] for e in mine), year

    def test_the_demo_has_overspent_lines_so_that_the_reconciliation_covers_them(self, demo):
        expected = expected_overview()
        assert any(e["realized"] > e["budget"] for e in expected.values())
        assert any(e["realized"] <= e["budget"] for e in expected.values())


def _filter_combinations() -> list[dict]:
    grants = list(CapitalAssistance.objects.select_related("budget_line", "business__kelurahan"))
    years = sorted({g.budget_line.fiscal_year for g in grants})
    sources = list(FundingSource.objects.all())
    kecamatan = list(Kecamatan.objects.all())
    single = (
        [{}]
        + [{"year": y} for y in years]
        + [{"source": s} for s in sources]
        + [{"status": s} for s in G.values]
        + [{"kecamatan": k} for k in kecamatan]
        + [{"form": f} for f in CapitalAssistance.Form.values]
    )
    combined = [{"year": y, "source": s} for y, s in itertools.product(years, sources)] + [
        {"year": years[-1], "status": G.DISBURSED, "form": CapitalAssistance.Form.CASH},
        {"source": sources[0], "kecamatan": kecamatan[0], "status": G.DISBURSED},
        {
            "year": years[0],
            "source": sources[0],
            "status": G.DISBURSED,
            "kecamatan": kecamatan[1],
            "form": CapitalAssistance.Form.EQUIPMENT,
        },
        {"status": G.APPROVED, "form": CapitalAssistance.Form.MATERIALS},
        {"year": 1999},
    ]
    return single + combined


def test_grant_totals_equal_the_python_sum_of_exactly_the_filtered_rows(demo):
    every = list(CapitalAssistance.objects.select_related("budget_line", "business__kelurahan"))
    assert every
    nonzero = 0
    for filters in _filter_combinations():
        rows = selectors.grant_list(filters=filters)
        expected = filter_grants(every, filters)
        assert sorted(g.pk for g in rows) == sorted(g.pk for g in expected), filters
        totals = selectors.grant_totals(rows)
        # The headline leaves cancelled grants out; every status has its own count and sum.
        counted = [g for g in expected if g.status != CapitalAssistance.Status.CANCELLED]
        assert (totals.n, totals.amount) == (len(counted), sum(g.amount for g in counted)), filters
        for t in totals.by_status:
            mine = [g for g in expected if g.status == t.status]
            assert (t.n, t.amount) == (len(mine), sum(g.amount for g in mine)), filters
        assert sum(t.n for t in totals.by_status) == len(expected), filters
        nonzero += bool(expected)
    assert nonzero > 10


def test_the_drilldown_activities_are_exactly_those_charged_to_the_source_and_year(demo):
    expected = expected_overview()
    for year, code in expected:
        source = FundingSource.objects.get(code=code)
        activities = list(money.drilldown_activities(year=year, source=source))
        mine = [
            a
            for a in Activity.objects.all()
            if a.budget_line.fiscal_year == year and a.budget_line.source_id == source.pk
        ]
        assert sorted(a.pk for a in activities) == sorted(a.pk for a in mine)
        assert sum(a.actual_cost for a in activities) == expected[(year, code)]["activity_cost"]
        for a in activities:
            attended = sum(1 for p in a.participations.all() if p.status == P.ATTENDED)
            assert a.attended == attended, a.title


def test_the_drilldown_businesses_are_the_reached_businesses(demo):
    expected = expected_overview()
    for year, code in expected:
        source = FundingSource.objects.get(code=code)
        businesses = money.drilldown_businesses(year=year, source=source)
        assert businesses.count() == expected[(year, code)]["reached"], (year, code)
