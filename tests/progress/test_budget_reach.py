"""The budget overview's reached and coached businesses come from counts kept with every change
(progress/reach.py, issue 18), and always equal a recount of the raw rows (docs/rules.md#figures:
every attendance of that source and year, rules 8a and 8c, not limited to a target period).

The recount here is the test's own, in plain Python over the Participation rows; each change goes
through the services a screen uses.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from pembinaan.coaching import services as coaching
from pembinaan.coaching.models import Activity, Participation, ParticipationStatus
from pembinaan.progress import money, reach
from pembinaan.progress.models import ProgressCheck, ReachCount, ReachedBusiness, Target
from pembinaan.progress.selectors import dashboard, report_figures
from pembinaan.progress.services import rebuild_all
from pembinaan.registry import services as registry
from pembinaan.registry.models import BusinessStatus
from tests.coaching.factories import ActivityFactory, ParticipationFactory, funding_source
from tests.factories import BusinessFactory
from tests.funding.factories import BudgetLineFactory
from tests.programme import build_programme

pytestmark = pytest.mark.django_db

P = ParticipationStatus
COUNTED = (BusinessStatus.VERIFIED, BusinessStatus.INACTIVE)


def recount() -> dict[tuple[int, str], tuple[int, int]]:
    """(reached, coached) per (fiscal year, source) from the raw rows, by the rule's words."""
    reached: dict[tuple[int, str], set] = {}
    coached: dict[tuple[int, str], set] = {}
    for p in Participation.objects.select_related("activity__budget_line__source", "business"):
        if p.status != P.ATTENDED or p.activity.status == Activity.Status.CANCELLED:
            continue
        key = (p.activity.budget_line.fiscal_year, p.activity.budget_line.source.code)
        reached.setdefault(key, set()).add(p.business_id)
        if p.business.status in COUNTED and p.business.merged_into_id is None:
            coached.setdefault(key, set()).add(p.business_id)
    return {key: (len(ids), len(coached.get(key, ()))) for key, ids in reached.items()}


def served(year: int | None = None) -> dict[tuple[int, str], tuple[int, int]]:
    return {
        (r.year, r.source.code): (r.reached, r.coached)
        for r in money.budget_overview(year=year)
        if r.reached or r.coached
    }


def stored() -> tuple[set, set]:
    rows = set(
        ReachedBusiness.objects.values_list("business_id", "fiscal_year", "funding_source_id", "counted")
    )
    counts = set(
        ReachCount.objects.exclude(reached=0, coached=0).values_list(
            "fiscal_year", "funding_source_id", "reached", "coached"
        )
    )
    return rows, counts


def assert_true_to_the_rows() -> None:
    assert served() == recount()
    assert reach.drift() == []


@pytest.fixture
def city(staff_user):
    """Two budget lines of 2024 (APBD Kota, APBN), one of 2025 and one of 2019, before the primary
    target's period; verified and submitted businesses registered for activities, nobody attended yet."""
    kota = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024)
    apbn = BudgetLineFactory(source=funding_source("apbn"), fiscal_year=2024)
    lines = {
        "kota": kota,
        "apbn": apbn,
        "apbn-2025": BudgetLineFactory(source=funding_source("apbn"), fiscal_year=2025),
        "lainnya-2019": BudgetLineFactory(source=funding_source("lainnya"), fiscal_year=2019),
    }
    activities = {
        "workshop": ActivityFactory(budget_line=kota),
        "training": ActivityFactory(budget_line=kota, start_date=datetime.date(2024, 8, 1)),
        "clinic": ActivityFactory(budget_line=apbn),
        "old": ActivityFactory(budget_line=lines["lainnya-2019"], start_date=datetime.date(2019, 3, 4)),
    }
    businesses = {
        "ramlah": BusinessFactory(name="Kue Bingka Hj. Ramlah"),
        "amplang": BusinessFactory(name="Amplang Haruan Pasar Lama"),
        "sasirangan": BusinessFactory(name="Sasirangan Kampung Melayu", status=BusinessStatus.SUBMITTED),
        "soto": BusinessFactory(name="Soto Banjar Bang Amat", status=BusinessStatus.SUBMITTED),
    }
    seats = {}
    for activity in activities:
        for business in businesses:
            seats[(activity, business)] = ParticipationFactory(
                activity=activities[activity], business=businesses[business], status=P.REGISTERED
            )
    rebuild_all()  # the factories write past the services that keep the figures
    return {"lines": lines, "activities": activities, "businesses": businesses, "seats": seats}


def attend(city, staff_user, *seats: tuple[str, str], status: str = P.ATTENDED) -> None:
    for activity, business in seats:
        participation = city["seats"][(activity, business)]
        coaching.attendance_record(
            activity=participation.activity, statuses={participation.pk: status}, by=staff_user
        )


def test_attendance_marked_and_unmarked_moves_reached_and_coached(city, staff_user):
    attend(city, staff_user, ("workshop", "ramlah"), ("workshop", "sasirangan"), ("clinic", "ramlah"))
    assert served() == {(2024, "apbd-kota"): (2, 1), (2024, "apbn"): (1, 1)}
    assert_true_to_the_rows()

    attend(city, staff_user, ("training", "ramlah"))  # a second attendance in the same year and source
    assert served()[(2024, "apbd-kota")] == (2, 1)

    attend(city, staff_user, ("workshop", "ramlah"), ("training", "ramlah"), status=P.ABSENT)
    assert served() == {(2024, "apbd-kota"): (1, 0), (2024, "apbn"): (1, 1)}
    assert_true_to_the_rows()


def test_a_cancelled_activity_reaches_no_one_any_more(city, staff_user):
    attend(city, staff_user, ("workshop", "ramlah"), ("workshop", "amplang"), ("training", "amplang"))
    assert served() == {(2024, "apbd-kota"): (2, 2)}

    coaching.activity_cancel(activity=city["activities"]["workshop"], by=staff_user, reason="Banjir")

    assert served() == {(2024, "apbd-kota"): (1, 1)}
    assert_true_to_the_rows()


def test_an_activity_moved_to_another_budget_line_takes_its_participants_along(city, staff_user):
    attend(city, staff_user, ("workshop", "ramlah"), ("workshop", "sasirangan"), ("training", "amplang"))

    coaching.activity_update(
        activity=city["activities"]["workshop"], by=staff_user, budget_line=city["lines"]["apbn-2025"]
    )

    assert served() == {(2024, "apbd-kota"): (1, 1), (2025, "apbn"): (2, 1)}
    assert served(year=2025) == {(2025, "apbn"): (2, 1)}
    assert_true_to_the_rows()


def test_verifying_a_business_makes_it_coached_and_rejecting_leaves_it_only_reached(city, staff_user):
    attend(city, staff_user, ("clinic", "sasirangan"), ("clinic", "soto"), ("workshop", "soto"))
    assert served() == {(2024, "apbn"): (2, 0), (2024, "apbd-kota"): (1, 0)}

    registry.business_verify(business=city["businesses"]["sasirangan"], by=staff_user)
    registry.business_reject(business=city["businesses"]["soto"], by=staff_user, reason="NIB tidak cocok")

    assert served() == {(2024, "apbn"): (2, 1), (2024, "apbd-kota"): (1, 0)}
    assert_true_to_the_rows()


def test_a_merged_away_business_counts_no_more_and_its_attendance_moves_to_the_kept_one(city, staff_user):
    attend(city, staff_user, ("workshop", "ramlah"), ("training", "amplang"), ("clinic", "amplang"))
    assert served() == {(2024, "apbd-kota"): (2, 2), (2024, "apbn"): (1, 1)}

    keep, remove = city["businesses"]["ramlah"], city["businesses"]["amplang"]
    # Both records sat in the same activities: the kept one takes the stronger status of each seat.
    registry.business_merge(keep=keep, remove=remove, by=staff_user)

    assert served() == {(2024, "apbd-kota"): (1, 1), (2024, "apbn"): (1, 1)}
    assert set(ReachedBusiness.objects.values_list("business_id", flat=True)) == {keep.pk}
    assert_true_to_the_rows()


def test_an_attendance_outside_every_target_period_is_still_reached_and_coached(city, staff_user):
    attend(city, staff_user, ("old", "ramlah"), ("old", "soto"))

    assert served() == {(2019, "lainnya"): (2, 1)}
    assert dashboard(Target.primary())["coached_total"] == 0  # the target counts from 2021 on
    assert_true_to_the_rows()


def test_a_rebuild_gives_what_the_changes_kept(staff_user):
    build_programme()
    pending = Participation.objects.filter(
        status=P.REGISTERED, activity__status=Activity.Status.DONE
    ).select_related("activity")[:3]
    for participation in pending:
        coaching.attendance_record(
            activity=participation.activity, statuses={participation.pk: "hadir"}, by=staff_user
        )
    present = Participation.objects.filter(status=P.ATTENDED).select_related("activity").last()
    coaching.attendance_record(activity=present.activity, statuses={present.pk: "tidak-hadir"}, by=staff_user)
    submitted = Participation.objects.filter(
        status=P.ATTENDED, business__status=BusinessStatus.SUBMITTED
    ).first()
    registry.business_verify(business=submitted.business, by=staff_user)
    cancelled = Activity.objects.filter(
        status=Activity.Status.DONE, participations__status=P.ATTENDED
    ).first()
    coaching.activity_cancel(activity=cancelled, by=staff_user, reason="Dana ditarik")
    assert_true_to_the_rows()
    kept = stored()
    assert kept[1]

    reach.rebuild()

    assert stored() == kept


def test_the_check_names_a_row_and_a_count_that_drifted(city, staff_user):
    attend(city, staff_user, ("workshop", "ramlah"), ("clinic", "ramlah"), ("workshop", "amplang"))
    call_command("check_progress")

    ramlah = city["businesses"]["ramlah"]
    ReachedBusiness.objects.filter(business=ramlah, fiscal_year=2024, funding_source__code="apbn").delete()
    ReachCount.objects.filter(fiscal_year=2024, funding_source__code="apbd-kota").update(
        coached=F("coached") + 1
    )
    problems = reach.drift()

    assert f"budget reach: 1 business row(s) missing: business {ramlah.pk} in 2024/apbn" in problems
    assert any(p.startswith("budget reach 2024/apbd-kota: kept reached 2, coached 3") for p in problems)
    with pytest.raises(CommandError, match="differ"):
        call_command("check_progress")
    assert set(problems) <= set(ProgressCheck.objects.first().problems)

    call_command("rebuild_progress", verbosity=0)
    assert_true_to_the_rows()


def test_migrate_builds_the_reach_of_existing_data(city, staff_user):
    attend(city, staff_user, ("workshop", "ramlah"))
    ReachCount.objects.all().delete()
    ReachedBusiness.objects.all().delete()

    call_command("migrate", verbosity=0)

    assert_true_to_the_rows()


@pytest.mark.parametrize("size", [3, 60])
def test_the_budget_overview_page_reads_no_participation_whatever_the_data(size, viewer_client):
    line = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024)
    activity = ActivityFactory(budget_line=line)
    for _ in range(size):
        ParticipationFactory(activity=activity, status=P.ATTENDED)
    reach.rebuild()  # the factories write past the services

    with CaptureQueriesContext(connection) as page:
        response = viewer_client.get(reverse("progress:budget-overview"))

    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r.source.code == "apbd-kota")
    assert (row.reached, row.coached) == (size, size)
    participations = Participation._meta.db_table
    assert not [q["sql"] for q in page.captured_queries if participations in q["sql"]]
    assert len(page.captured_queries) <= 10  # as tests/funding/test_views.py's bound for the page


def test_the_reports_budget_table_follows_an_attendance(city, staff_user):
    target = Target.primary()
    before = {(r["year"], r["source"]): r["coached"] for r in report_figures(target)["budget"]}
    assert before[(2024, "APBD Kota")] == 0

    attend(city, staff_user, ("workshop", "ramlah"), ("workshop", "amplang"))

    after = {(r["year"], r["source"]): r["coached"] for r in report_figures(target)["budget"]}
    assert after[(2024, "APBD Kota")] == 2


MONEY_TABLES = ("coaching_activity", "funding_capitalassistance", "funding_budgetline")


def _money_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if any(f'"{table}"' in q["sql"] for table in MONEY_TABLES)]


def test_after_an_attendance_the_budget_overview_shows_the_new_reach_without_summing_the_money_again(
    city, staff_user, viewer_client
):
    url = reverse("progress:budget-overview")
    viewer_client.get(url)  # the sums are kept from here on

    attend(city, staff_user, ("workshop", "ramlah"))
    with CaptureQueriesContext(connection) as page:
        response = viewer_client.get(url)

    row = next(r for r in response.context["rows"] if (r.year, r.source.code) == (2024, "apbd-kota"))
    assert (row.reached, row.coached) == (1, 1)
    assert row.budget == city["lines"]["kota"].amount
    assert _money_reads(page.captured_queries) == []


def test_a_change_to_the_money_shows_on_the_budget_overview_at_once(city, staff_user, viewer_client):
    url = reverse("progress:budget-overview")
    before = {(r.year, r.source.code): r for r in viewer_client.get(url).context["rows"]}
    workshop = city["activities"]["workshop"]
    coaching.activity_update(
        activity=workshop, by=staff_user, actual_cost=(workshop.actual_cost or 0) + 750_000
    )
    line = city["lines"]["apbn"]
    line.amount += 1_000_000
    line.save()

    with CaptureQueriesContext(connection) as page:
        after = {(r.year, r.source.code): r for r in viewer_client.get(url).context["rows"]}

    assert after[(2024, "apbd-kota")].activity_cost == before[(2024, "apbd-kota")].activity_cost + 750_000
    assert after[(2024, "apbn")].budget == before[(2024, "apbn")].budget + 1_000_000
    assert _money_reads(page.captured_queries)  # summed again: the money moved


def test_two_money_changes_in_one_clock_tick_each_move_the_sums(city, staff_user):
    line = city["lines"]["apbn"]
    with freeze_time("2026-12-03 10:00:00"):
        budget = next(r.budget for r in money.budget_overview(year=2024) if r.source.code == "apbn")
        line.amount += 1_000_000
        line.save()
        assert next(r.budget for r in money.budget_overview(year=2024) if r.source.code == "apbn") == (
            budget + 1_000_000
        )
        line.amount += 2_000_000
        line.save()
        assert next(r.budget for r in money.budget_overview(year=2024) if r.source.code == "apbn") == (
            budget + 3_000_000
        )
