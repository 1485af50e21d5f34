"""The counting rule behind the council's number: who is coached (terbina), and since when (docs/rules.md rule 6).

Where only the counting is under test, participations with status hadir are made directly with the
factory; the attendance service (which refuses marks before an activity starts) is used where the
path through it matters.
"""

from __future__ import annotations

import datetime

import pytest

from pembinaan.coaching import services as coaching
from pembinaan.coaching.counting import (
    business_coaching_status,
    coached_businesses,
    qualifying_participations,
)
from pembinaan.coaching.models import Activity, ParticipationStatus
from pembinaan.progress.models import Target
from pembinaan.registry import services as registry
from pembinaan.registry.models import BusinessStatus
from tests.coaching.factories import ActivityFactory, ParticipationFactory, coaching_type
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db

P = ParticipationStatus
D = datetime.date

START, END = D(2021, 1, 1), D(2026, 12, 31)
# A closed period entirely in the past, to test its edges without touching the calendar today.
P_START, P_END = D(2022, 3, 1), D(2023, 2, 28)


def _period(target: Target | None = None) -> dict:
    if target is None:
        return {"period_start": P_START, "period_end": P_END}
    return {"period_start": target.period_start, "period_end": target.period_end}


def _coached(period: dict) -> list[int]:
    return sorted(coached_businesses(**period).values_list("pk", flat=True))


def _attended(business, start: datetime.date, **activity_fields):
    activity = ActivityFactory(start_date=start, **activity_fields)
    return ParticipationFactory(activity=activity, business=business, status=P.ATTENDED)


@pytest.fixture
def primary():
    target = Target.primary()
    assert (target.period_start, target.period_end, target.value) == (START, END, 3100)
    return target


class TestPeriodEdges:
    @pytest.mark.parametrize("start", [P_START, P_END], ids=["first-day", "last-day"])
    def test_an_attended_activity_starting_on_the_first_or_last_day_of_the_period_counts(self, start):
        business = BusinessFactory()
        _attended(business, start)
        assert _coached(_period()) == [business.pk]
        status = business_coaching_status(business, **_period())
        assert (status.counts, status.first_coached_on, status.reason) == (True, start, "coached")

    @pytest.mark.parametrize(
        "start",
        [P_START - datetime.timedelta(days=1), P_END + datetime.timedelta(days=1)],
        ids=["day-before-start", "day-after-end"],
    )
    def test_an_attended_activity_starting_just_outside_the_period_does_not_count(self, start):
        business = BusinessFactory()
        _attended(business, start)
        assert _coached(_period()) == []
        assert not qualifying_participations(**_period()).exists()
        status = business_coaching_status(business, **_period())
        assert (status.counts, status.first_coached_on, status.reason) == (False, None, "no-attendance")

    def test_an_activity_that_starts_before_the_period_and_ends_inside_it_does_not_count(self):
        business = BusinessFactory()
        _attended(
            business, P_START - datetime.timedelta(days=2), end_date=P_START + datetime.timedelta(days=2)
        )
        assert _coached(_period()) == []

    def test_the_primary_target_period_edges(self, primary):
        inside_first, inside_last = BusinessFactory(), BusinessFactory()
        before, after = BusinessFactory(), BusinessFactory()
        _attended(inside_first, D(2021, 1, 1))
        _attended(inside_last, D(2026, 12, 31))
        _attended(before, D(2020, 12, 31))
        _attended(after, D(2027, 1, 1))
        assert _coached(_period(primary)) == sorted([inside_first.pk, inside_last.pk])


class TestAttendanceStatus:
    @pytest.mark.parametrize("status", [P.ABSENT, P.REGISTERED, P.CANCELLED])
    def test_a_participation_that_is_not_hadir_does_not_count(self, primary, status):
        business = BusinessFactory()
        ParticipationFactory(
            business=business, activity=ActivityFactory(start_date=D(2024, 5, 14)), status=status
        )
        assert _coached(_period(primary)) == []
        assert business_coaching_status(business, **_period(primary)).counts is False

    def test_a_cancelled_activity_does_not_count_even_with_hadir(self, primary, staff_user):
        business = BusinessFactory()
        participation = _attended(business, D(2024, 5, 14))
        assert _coached(_period(primary)) == [business.pk]
        coaching.activity_cancel(activity=participation.activity, by=staff_user, reason="Dibatalkan")
        assert _coached(_period(primary)) == []
        assert business_coaching_status(business, **_period(primary)).counts is False
        participation.refresh_from_db()
        assert participation.status == P.ATTENDED  # the record is kept, it just does not count

    def test_attendance_recorded_through_the_service_counts(self, primary, staff_user):
        business = BusinessFactory()
        activity = ActivityFactory(start_date=D(2025, 8, 5), coaching_type=coaching_type("pelatihan"))
        participation = coaching.participation_add(activity=activity, business=business, by=staff_user)
        assert _coached(_period(primary)) == []
        coaching.attendance_record(activity=activity, statuses={participation.pk: P.ATTENDED}, by=staff_user)
        assert _coached(_period(primary)) == [business.pk]


class TestBusinessStatus:
    def test_an_unverified_business_that_attended_counts_only_once_verified(self, primary, staff_user):
        business = BusinessFactory(status=BusinessStatus.SUBMITTED)
        _attended(business, D(2023, 4, 10))
        assert _coached(_period(primary)) == []
        status = business_coaching_status(business, **_period(primary))
        assert (status.counts, status.reason) == (False, "not-verified")
        registry.business_verify(business=business, by=staff_user)
        business.refresh_from_db()
        assert _coached(_period(primary)) == [business.pk]
        status = business_coaching_status(business, **_period(primary))
        assert (status.counts, status.first_coached_on) == (True, D(2023, 4, 10))

    @pytest.mark.parametrize("status", [BusinessStatus.DRAFT, BusinessStatus.SUBMITTED])
    def test_a_business_not_yet_verified_never_counts(self, primary, status):
        business = BusinessFactory(status=status)
        _attended(business, D(2023, 4, 10))
        assert _coached(_period(primary)) == []

    def test_a_rejected_business_never_counts(self, primary, staff_user):
        business = BusinessFactory(status=BusinessStatus.SUBMITTED)
        _attended(business, D(2023, 4, 10))
        _attended(business, D(2024, 4, 10))
        registry.business_reject(business=business, by=staff_user, reason="Data usaha tidak dapat dihubungi")
        business.refresh_from_db()
        assert business.status == BusinessStatus.REJECTED
        assert _coached(_period(primary)) == []
        assert business_coaching_status(business, **_period(primary)).counts is False

    def test_a_closed_business_that_was_coached_still_counts(self, primary, staff_user):
        business = BusinessFactory()
        _attended(business, D(2022, 9, 1))
        registry.business_deactivate(business=business, by=staff_user, reason="Usaha tutup")
        business.refresh_from_db()
        assert business.status == BusinessStatus.INACTIVE
        assert _coached(_period(primary)) == [business.pk]
        status = business_coaching_status(business, **_period(primary))
        assert (status.counts, status.first_coached_on) == (True, D(2022, 9, 1))


class TestMergedRecords:
    def test_a_merged_away_business_does_not_count_but_its_attendance_counts_once_for_the_kept_one(
        self, primary, staff_user
    ):
        keep, remove = BusinessFactory(), BusinessFactory()
        shared = ActivityFactory(start_date=D(2022, 6, 1))
        ParticipationFactory(activity=shared, business=keep, status=P.ATTENDED)
        ParticipationFactory(activity=shared, business=remove, status=P.ATTENDED)
        _attended(remove, D(2021, 11, 2))
        assert _coached(_period(primary)) == sorted([keep.pk, remove.pk])

        registry.business_merge(keep=keep, remove=remove, by=staff_user)
        remove.refresh_from_db()
        keep.refresh_from_db()
        assert _coached(_period(primary)) == [keep.pk]
        assert coached_businesses(**_period(primary)).count() == 1
        gone = business_coaching_status(remove, **_period(primary))
        assert (gone.counts, gone.reason) == (False, "merged")
        kept = business_coaching_status(keep, **_period(primary))
        # The earlier activity came from the merged record: the kept business is coached since then.
        assert (kept.counts, kept.first_coached_on) == (True, D(2021, 11, 2))

    def test_an_uncoached_business_becomes_coached_by_merging_in_a_coached_one(self, primary, staff_user):
        keep, remove = BusinessFactory(), BusinessFactory()
        _attended(remove, D(2025, 2, 20))
        assert _coached(_period(primary)) == [remove.pk]
        registry.business_merge(keep=keep, remove=remove, by=staff_user)
        assert _coached(_period(primary)) == [keep.pk]

    def test_a_merged_record_that_still_has_a_participation_does_not_count(self, primary, staff_user):
        keep, remove = BusinessFactory(), BusinessFactory()
        registry.business_merge(keep=keep, remove=remove, by=staff_user)
        remove.refresh_from_db()
        # A stray row pointing at the merged-away record (e.g. written by an old import).
        _attended(remove, D(2025, 2, 20))
        assert _coached(_period(primary)) == []
        assert business_coaching_status(remove, **_period(primary)).counts is False


class TestOncePerBusiness:
    def test_a_business_coached_in_two_years_counts_once_since_the_earlier_activity(self, primary):
        business = BusinessFactory()
        _attended(business, D(2024, 7, 8), coaching_type=coaching_type("kemasan"))
        _attended(business, D(2022, 2, 14), coaching_type=coaching_type("pemasaran-digital"))
        _attended(business, D(2022, 10, 3))
        assert _coached(_period(primary)) == [business.pk]
        assert qualifying_participations(**_period(primary)).filter(business=business).count() == 3
        status = business_coaching_status(business, **_period(primary))
        assert (status.counts, status.first_coached_on) == (True, D(2022, 2, 14))

    def test_the_first_coached_date_ignores_activities_outside_the_period_and_no_shows(self, primary):
        business = BusinessFactory()
        _attended(business, D(2020, 6, 1))
        ParticipationFactory(
            business=business, activity=ActivityFactory(start_date=D(2021, 3, 1)), status=P.ABSENT
        )
        _attended(business, D(2021, 5, 5))
        assert business_coaching_status(business, **_period(primary)).first_coached_on == D(2021, 5, 5)

    def test_the_first_coached_date_ignores_cancelled_activities(self, primary, staff_user):
        business = BusinessFactory()
        early = _attended(business, D(2021, 2, 2))
        _attended(business, D(2023, 3, 3))
        coaching.activity_cancel(activity=early.activity, by=staff_user, reason="Tidak jadi")
        assert business_coaching_status(business, **_period(primary)).first_coached_on == D(2023, 3, 3)

    def test_each_business_counts_once_among_many(self, primary):
        coached = BusinessFactory.create_batch(3)
        for business in coached:
            _attended(business, D(2023, 1, 10))
            _attended(business, D(2024, 1, 10))
        BusinessFactory()  # never took part
        assert coached_businesses(**_period(primary)).count() == 3


class TestDataChanges:
    def test_an_activity_moved_out_of_the_period_stops_counting(self, staff_user):
        business = BusinessFactory()
        participation = _attended(business, D(2022, 6, 15))
        period = _period()
        assert _coached(period) == [business.pk]
        new_start = P_START - datetime.timedelta(days=10)
        coaching.activity_update(
            activity=participation.activity,
            by=staff_user,
            start_date=new_start,
            end_date=new_start,
            fiscal_year=new_start.year,
        )
        assert _coached(period) == []
        status = business_coaching_status(business, **period)
        assert (status.counts, status.first_coached_on) == (False, None)

    def test_an_activity_moved_into_the_period_starts_counting(self, staff_user):
        business = BusinessFactory()
        participation = _attended(business, P_END + datetime.timedelta(days=1))
        assert _coached(_period()) == []
        coaching.activity_update(
            activity=participation.activity, by=staff_user, start_date=P_END, end_date=P_END
        )
        assert _coached(_period()) == [business.pk]

    def test_a_no_show_corrected_to_hadir_counts(self, staff_user):
        business = BusinessFactory()
        activity = ActivityFactory(start_date=D(2022, 8, 8), status=Activity.Status.DONE)
        participation = ParticipationFactory(activity=activity, business=business, status=P.ABSENT)
        assert _coached(_period()) == []
        coaching.attendance_record(activity=activity, statuses={participation.pk: P.ATTENDED}, by=staff_user)
        assert _coached(_period()) == [business.pk]
