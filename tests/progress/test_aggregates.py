"""The maintained aggregates equal a fresh computation after every kind of change (issue: dashboard)."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from pembinaan.coaching import grants
from pembinaan.coaching import services as coaching
from pembinaan.coaching.models import Activity, OutcomeType, Participation, ParticipationStatus
from pembinaan.funding.models import CapitalAssistance
from pembinaan.progress.models import TallyState, Target
from pembinaan.progress.selectors import check_aggregates, coached_businesses, dashboard, dashboard_fresh
from pembinaan.reference.models import Kelurahan
from pembinaan.registry import services as registry
from pembinaan.registry.models import Business, BusinessStatus
from tests.factories import make_nik
from tests.programme import build_programme
from tests.progress.every_view import differences

pytestmark = pytest.mark.django_db


@pytest.fixture
def target():
    """A programme with every case in it, its aggregates built as after a bulk load."""
    build_programme()
    target = Target.primary()
    assert TallyState.objects.filter(target=target).exists()
    assert check_aggregates(target) == []
    return target


def _agree(target):
    assert check_aggregates(target) == []
    assert differences(target) == []  # every filtered view too (issue 18)


def _attended():
    return Participation.objects.filter(
        status=ParticipationStatus.ATTENDED, activity__status="selesai"
    ).select_related("activity", "business")


def test_marking_and_unmarking_attendance_keeps_the_figures_true(target, staff_user):
    registered = (
        Participation.objects.filter(activity__start_date__lte=timezone.localdate())
        .exclude(status=ParticipationStatus.ATTENDED)
        .exclude(activity__status="batal")
        .first()
    )
    coaching.attendance_record(activity=registered.activity, statuses={registered.pk: "hadir"}, by=staff_user)
    _agree(target)
    present = _attended().first()
    coaching.attendance_record(activity=present.activity, statuses={present.pk: "tidak-hadir"}, by=staff_user)
    _agree(target)


def test_verifying_rejecting_and_closing_keep_the_figures_true(target, staff_user):
    pending = Business.objects.filter(status=BusinessStatus.SUBMITTED, participations__status="hadir").first()
    if pending is not None:
        registry.business_verify(business=pending, by=staff_user)
        _agree(target)
    pending = Business.objects.filter(status=BusinessStatus.SUBMITTED).first()
    registry.business_reject(business=pending, by=staff_user, reason="Data belum lengkap")
    _agree(target)
    coached = coached_businesses(period_start=target.period_start, period_end=target.period_end).first()
    registry.business_deactivate(business=coached, by=staff_user, reason="Tutup")
    _agree(target)


def test_merging_two_coached_businesses_counts_them_once(target, staff_user):
    first, second = list(
        coached_businesses(period_start=target.period_start, period_end=target.period_end).exclude(
            capital_assistance__isnull=False
        )[:2]
    )
    before = dashboard(target)["coached_total"]
    registry.business_merge(keep=first, remove=second, by=staff_user)
    _agree(target)
    assert dashboard(target)["coached_total"] == before - 1


def test_cancelling_an_activity_or_moving_it_out_of_the_period_keeps_the_figures_true(target, staff_user):
    activity = _attended().exclude(activity__coaching_type__code="bantuan-modal").first().activity
    coaching.activity_cancel(activity=activity, by=staff_user, reason="Banjir")
    _agree(target)
    other = (
        _attended()
        .exclude(activity=activity)
        .exclude(activity__coaching_type__code="bantuan-modal")
        .first()
        .activity
    )
    coaching.activity_update(
        activity=other,
        by=staff_user,
        start_date=datetime.date(2020, 6, 1),
        end_date=datetime.date(2020, 6, 1),
        fiscal_year=2020,
    )
    _agree(target)


def test_moving_a_business_and_changing_its_owner_keep_the_breakdowns_true(target, staff_user):
    business = coached_businesses(period_start=target.period_start, period_end=target.period_end).first()
    elsewhere = (
        Kelurahan.objects.exclude(pk=business.kelurahan_id)
        .exclude(kecamatan=business.kelurahan.kecamatan)
        .first()
    )
    registry.business_update(
        business=business, by=staff_user, kelurahan=elsewhere, annual_sales=9_000_000_000
    )
    _agree(target)
    owner = business.owner
    registry.owner_update(owner=owner, by=staff_user, nik=make_nik(female=owner.gender != "P"))
    _agree(target)


def test_outcomes_and_capital_assistance_keep_the_figures_true(target, staff_user):
    business = coached_businesses(period_start=target.period_start, period_end=target.period_end).first()
    coaching.outcome_record(
        business=business,
        by=staff_user,
        outcome_type=OutcomeType.objects.get(code="halal"),
        achieved_on=timezone.localdate(),
    )
    _agree(target)
    approved = (
        CapitalAssistance.objects.filter(status=CapitalAssistance.Status.APPROVED)
        .select_related("activity")
        .first()
    )
    if approved is not None:
        grants.grant_disburse(grant=approved, by=staff_user, disbursed_on=approved.activity.start_date)
        _agree(target)
    proposed = CapitalAssistance.objects.filter(status__in=["diusulkan", "disetujui"]).first()
    if proposed is not None:
        grants.grant_cancel(grant=proposed, by=staff_user, reason="Tidak memenuhi syarat")
        _agree(target)


def test_a_new_target_has_its_aggregates_at_once_and_one_without_is_computed_fresh(target):
    other = Target.objects.create(
        name="2024", period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31), value=400
    )
    # Issue 17: built when created, whatever the path (here: the ORM, as a shell would).
    assert TallyState.objects.filter(target=other).exists()
    assert check_aggregates(other) == []
    TallyState.objects.filter(target=other).delete()  # aggregates lost
    assert dashboard(other)["coached_total"] == dashboard_fresh(other)["coached_total"]
    assert check_aggregates(other)  # not built: said, not hidden
    call_command("rebuild_progress", "--target", str(other.pk))
    assert check_aggregates(other) == []


def test_the_check_command_fails_loudly_when_the_figures_drifted(target):
    from pembinaan.progress.models import Tally

    Tally.objects.filter(target=target, dimension="total").update(count=0)
    with pytest.raises(Exception, match="differ"):
        call_command("check_progress")
    call_command("rebuild_progress")
    call_command("check_progress")


def test_the_dashboard_reads_the_aggregates_and_shows_the_same_numbers_as_a_fresh_count(
    target, viewer_client
):
    from django.urls import reverse

    shown = viewer_client.get(reverse("progress:dashboard")).context["d"]
    fresh = dashboard_fresh(target)
    for key in ("coached_total", "by_year", "by_kecamatan", "by_type", "by_funding_source", "by_outcome"):
        assert shown[key] == fresh[key]
    assert Activity.objects.exists()
