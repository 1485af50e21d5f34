"""Every filtered dashboard view is read from maintained cells that equal a fresh count (issue 18)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from pembinaan.coaching import services as coaching
from pembinaan.coaching.models import CoachingType, Participation, ParticipationStatus
from pembinaan.progress import filtered
from pembinaan.progress.models import (
    CoachedActivity,
    CoachedAttribution,
    CoachedBusiness,
    FilteredTally,
    Target,
)
from pembinaan.progress.services import rebuild
from pembinaan.reference.models import Kecamatan
from pembinaan.registry import services as registry
from pembinaan.registry.models import Business, BusinessStatus
from tests.programme import build_programme
from tests.progress.every_view import differences

pytestmark = pytest.mark.django_db


@pytest.fixture
def target():
    build_programme()
    return Target.primary()


def _stored(target):
    return {
        (c.fiscal_year, c.coaching_type, c.funding_source, c.kecamatan, c.dimension, c.key): c.count
        for c in FilteredTally.objects.filter(target=target).exclude(count=0)
    }


def test_every_filter_and_combination_shows_the_same_figures_as_a_fresh_count(target):
    assert FilteredTally.objects.filter(target=target).exists()
    assert differences(target) == []


def test_the_database_grouping_and_the_rule_per_business_give_the_same_cells(target):
    facts = list(CoachedBusiness.objects.filter(target=target))
    activities = CoachedActivity.objects.filter(target=target).values_list(
        "business_id", "fiscal_year", "coaching_type", "funding_source", "first_on"
    )
    outcomes = CoachedAttribution.objects.filter(target=target, dimension="outcome").values_list(
        "business_id", "key"
    )
    by_rule = {
        k: n for k, n in filtered.cells_of(facts, activities=activities, outcomes=outcomes).items() if n
    }
    assert by_rule == _stored(target)


def test_attendance_and_verification_keep_every_filtered_view_true(target, staff_user):
    registered = (
        Participation.objects.exclude(status=ParticipationStatus.ATTENDED)
        .exclude(activity__status="batal")
        .filter(business__status=BusinessStatus.VERIFIED, activity__start_date__lte=timezone.localdate())
        .select_related("activity")
        .first()
    )
    coaching.attendance_record(activity=registered.activity, statuses={registered.pk: "hadir"}, by=staff_user)
    present = (
        Participation.objects.filter(status=ParticipationStatus.ATTENDED).select_related("activity").last()
    )
    coaching.attendance_record(activity=present.activity, statuses={present.pk: "tidak-hadir"}, by=staff_user)
    pending = Business.objects.filter(status=BusinessStatus.SUBMITTED).first()
    if pending is not None:
        registry.business_verify(business=pending, by=staff_user)
    assert differences(target) == []
    # Kept change by change, the cells are those a rebuild groups from scratch.
    kept = _stored(target)
    rebuild(target)
    assert _stored(target) == kept


def test_a_filtered_view_is_one_query_for_its_figures_whatever_the_data(
    target, viewer_client, django_assert_max_num_queries
):
    url = reverse("progress:dashboard")
    code = CoachingType.objects.values_list("code", flat=True).first()
    kecamatan = Kecamatan.objects.values_list("code", flat=True).first()
    with django_assert_max_num_queries(30):
        response = viewer_client.get(url, {"jenis": code, "kecamatan": kecamatan, "tahun": 2024})
    assert response.status_code == 200


def test_the_check_command_names_a_filtered_view_that_drifted_and_a_rebuild_mends_it(target):
    from django.core.management import call_command

    call_command("check_progress")
    cell = FilteredTally.objects.filter(target=target, dimension="total").exclude(kecamatan="").first()
    FilteredTally.objects.filter(pk=cell.pk).update(count=cell.count + 1)
    with pytest.raises(Exception, match="differ"):
        call_command("check_progress")
    from pembinaan.progress.models import ProgressCheck

    assert any("filtered view" in p and "total" in p for p in ProgressCheck.objects.latest("pk").problems)
    call_command("rebuild_progress")
    call_command("check_progress")


def test_the_check_command_names_activity_facts_that_no_longer_match_the_data(target):
    from django.core.management import call_command

    CoachedActivity.objects.filter(target=target).order_by("pk").first().delete()
    with pytest.raises(Exception, match="differ"):
        call_command("check_progress")
    from pembinaan.progress.models import ProgressCheck

    assert any("activity fact(s) missing" in p for p in ProgressCheck.objects.latest("pk").problems)
