"""check_progress recounts the served figures in plain SQL and keeps its result (issue 17).

Also: a fresh deployment has maintained figures after `migrate` alone, and bulk writes move the
version the money sums are cached on.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from pembinaan.accounts import roles
from pembinaan.funding.models import BudgetLine
from pembinaan.lib.bulk_insert import insert_rows
from pembinaan.progress import independent_check, reach
from pembinaan.progress.models import ProgressCheck, Tally, TallyState, Target
from pembinaan.progress.selectors import check_aggregates, dashboard
from pembinaan.progress.services import money_touched, rebuild
from tests.coaching.factories import ActivityFactory, ParticipationFactory, funding_source
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def target():
    return Target.primary()


@pytest.fixture
def coached(target):
    participation = ParticipationFactory(activity=ActivityFactory(), status="hadir")
    rebuild(target)
    reach.rebuild()  # the budget overview's reach, kept for no target
    return participation.business


def test_a_freshly_migrated_database_has_the_primary_targets_figures(target):
    # The test database was made by `migrate` alone: the data migration's target has its aggregates.
    state = TallyState.objects.get(target=target)
    assert dashboard(target)["figures_as_of"] == state.changed_at  # the maintained path
    call_command("check_progress")


def test_migrate_builds_the_figures_of_a_target_that_has_none(target, coached):
    TallyState.objects.filter(target=target).delete()
    with pytest.raises(CommandError):
        call_command("check_progress")

    call_command("migrate", verbosity=0)

    assert TallyState.objects.filter(target=target).exists()
    assert dashboard(target)["coached_total"] == 1
    call_command("check_progress")


def test_a_new_target_has_its_tallies_at_once(coached):
    other = Target.objects.create(
        name="2024", period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31), value=10
    )
    assert Tally.objects.get(target=other, dimension="total").count == 1
    assert independent_check.check(other) == []


def test_the_sql_recount_agrees_with_the_served_figures_of_a_believable_city(target):
    call_command("seed_demo", "--businesses", "160", "--seed", "31", verbosity=0)
    assert dashboard(target)["coached_total"] > 0
    assert check_aggregates(target) == []
    assert independent_check.check(target) == []


def test_check_progress_catches_a_corrupted_tally_and_keeps_the_result(target, coached):
    call_command("check_progress")
    assert ProgressCheck.objects.first().ok

    Tally.objects.filter(target=target, dimension="total").update(count=F("count") + 1)
    with pytest.raises(CommandError, match="differ"):
        call_command("check_progress")

    last = ProgressCheck.objects.first()
    assert not last.ok and last.via == "command"
    assert any("coached_total" in p and "SQL" in p for p in last.problems)  # the recount saw it too


def test_check_progress_catches_a_stale_money_cache(target, coached):
    dashboard(target)  # the money sums are now cached
    line = BudgetLine.objects.get(activities__participations__business=coached)
    # A write that sends no model signal (a script, a bulk UPDATE): the cache does not know.
    BudgetLine.objects.filter(pk=line.pk).update(amount=F("amount") + 1_000_000, needs_review=False)

    problems = independent_check.check(target)
    assert any(p.startswith(f"{target}: money") for p in problems)
    with pytest.raises(CommandError):
        call_command("check_progress")

    money_touched()
    assert independent_check.check(target) == []


def test_a_bulk_insert_of_budget_lines_moves_the_money_figures(target, coached):
    before = dashboard(target)
    source = funding_source("apbn")
    insert_rows(
        BudgetLine,
        [{"source_id": source.pk, "fiscal_year": 2024, "amount": 40_000_000, "needs_review": False}],
        now=timezone.now(),
    )

    after = {r["code"]: r["budget"] for r in dashboard(target)["by_funding_source"]}
    assert after["apbn"] == {r["code"]: r["budget"] for r in before["by_funding_source"]}["apbn"] + 40_000_000
    assert independent_check.check(target) == []


def test_the_last_checks_are_shown_read_only_in_the_admin(client, target, coached):
    call_command("check_progress")
    admin = UserFactory(role=roles.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)

    page = client.get(reverse("admin:progress_progresscheck_changelist"))

    assert page.status_code == 200
    assert "perintah check_progress" in page.content.decode()
    check = ProgressCheck.objects.first()
    assert client.get(reverse("admin:progress_progresscheck_add")).status_code == 403
    assert client.get(reverse("admin:progress_progresscheck_delete", args=[check.pk])).status_code == 403
