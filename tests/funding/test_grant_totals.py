"""Money listed by status (issue 17): wherever grants are summed — the grant list, the budget
drill-down — the totals are split by status, and cancelled grants are never inside a headline."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from pembinaan.coaching import selectors
from pembinaan.funding.models import CapitalAssistance
from tests.coaching.factories import funding_source
from tests.funding.factories import BudgetLineFactory, CapitalAssistanceFactory, grant_round

pytestmark = pytest.mark.django_db

G = CapitalAssistance.Status


@pytest.fixture
def mixed_grants():
    """APBD Kota 2024: two disbursed, one approved, one proposed and two cancelled grants."""
    line = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024)
    activity = grant_round(budget_line=line, start_date=datetime.date(2024, 5, 14))
    for status, amount in [
        (G.DISBURSED, 5_000_000),
        (G.DISBURSED, 7_500_000),
        (G.APPROVED, 3_000_000),
        (G.PROPOSED, 2_000_000),
        (G.CANCELLED, 100_000_000),
        (G.CANCELLED, 142_500_000),
    ]:
        CapitalAssistanceFactory(activity=activity, status=status, amount=amount)
    return activity


def _rupiah(text: str) -> int:
    assert re.fullmatch(r"Rp\d{1,3}(\.\d{3})*", text), text
    return int(text[2:].replace(".", ""))


def _shown(html: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S).group(1).strip()


def _status_line(html: str, status: str) -> tuple[int, int, str]:
    line = re.search(rf'<li id="total-{status}"[^>]*>(.*?)</li>', html, re.S).group(1)
    n = re.search(r'class="total-n">([^<]*)<', line).group(1)
    amount = re.search(r'class="total-amount">([^<]*)<', line).group(1)
    return int(n.replace(".", "")), _rupiah(amount), line


class TestSelector:
    def test_every_status_is_summed_apart_and_the_headline_leaves_cancelled_out(self, mixed_grants):
        totals = selectors.grant_totals(CapitalAssistance.objects.all())
        assert [(t.status, t.n, t.amount) for t in totals.by_status] == [
            (G.DISBURSED, 2, 12_500_000),
            (G.APPROVED, 1, 3_000_000),
            (G.PROPOSED, 1, 2_000_000),
            (G.CANCELLED, 2, 242_500_000),
        ]
        assert (totals.n, totals.amount) == (4, 17_500_000)

    def test_a_status_without_grants_is_listed_with_zeros(self):
        totals = selectors.grant_totals(CapitalAssistance.objects.none())
        assert [(t.n, t.amount) for t in totals.by_status] == [(0, 0)] * 4
        assert (totals.n, totals.amount) == (0, 0)


class TestGrantList:
    def test_the_headline_leaves_cancelled_grants_out_and_each_status_has_its_own_total(
        self, staff_client, mixed_grants
    ):
        html = staff_client.get(reverse("coaching:grant-list")).content.decode()
        assert _shown(html, "total-penerima") == "4"
        assert _rupiah(_shown(html, "total-nilai")) == 17_500_000
        assert "tanpa bantuan yang dibatalkan" in html
        assert _status_line(html, G.DISBURSED)[:2] == (2, 12_500_000)
        assert _status_line(html, G.APPROVED)[:2] == (1, 3_000_000)
        assert _status_line(html, G.PROPOSED)[:2] == (1, 2_000_000)
        n, amount, line = _status_line(html, G.CANCELLED)
        assert (n, amount) == (2, 242_500_000)
        assert "tidak dijumlahkan" in line

    def test_listing_only_cancelled_grants_still_puts_none_of_their_money_in_the_headline(
        self, staff_client, mixed_grants
    ):
        html = staff_client.get(reverse("coaching:grant-list"), {"status": G.CANCELLED}).content.decode()
        assert (_shown(html, "total-penerima"), _rupiah(_shown(html, "total-nilai"))) == ("0", 0)
        assert _status_line(html, G.CANCELLED)[:2] == (2, 242_500_000)

    def test_the_totals_follow_the_filters(self, staff_client, mixed_grants):
        other_year = grant_round(budget_line=BudgetLineFactory(fiscal_year=2025))
        CapitalAssistanceFactory(activity=other_year, status=G.DISBURSED, amount=9_000_000)
        html = staff_client.get(reverse("coaching:grant-list"), {"year": 2024}).content.decode()
        assert _rupiah(_shown(html, "total-nilai")) == 17_500_000
        assert _status_line(html, G.DISBURSED)[:2] == (2, 12_500_000)


class TestDrilldown:
    def test_the_grants_of_a_source_and_year_are_split_by_status_and_only_disbursed_ones_are_realisasi(
        self, viewer_client, mixed_grants
    ):
        response = viewer_client.get(
            reverse("progress:budget-drilldown", kwargs={"year": 2024, "source_code": "apbd-kota"})
        )
        html = response.content.decode()
        assert _status_line(html, G.DISBURSED)[:2] == (2, 12_500_000)
        assert _status_line(html, G.APPROVED)[:2] == (1, 3_000_000)
        assert _status_line(html, G.PROPOSED)[:2] == (1, 2_000_000)
        n, amount, line = _status_line(html, G.CANCELLED)
        assert (n, amount) == (2, 242_500_000) and "tidak dijumlahkan" in line
        assert response.context["row"].grants_disbursed == 12_500_000
        realised = re.search(r"bantuan disalurkan (Rp[\d.]+)", html).group(1)
        assert _rupiah(realised) == 12_500_000
