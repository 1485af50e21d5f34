"""The coaching pages issue a fixed number of queries, however many activities and participants there are.

Measured with CaptureQueriesContext on SQLite; the numbers were the same for 10 and for 200 rows.
Every page starts with 5: session, user, two permission look-ups, the role groups for the menu.
- activity list: 10 (the filter form's types, kecamatan and funding sources, the count, the page);
  11 when filtered by funding source (the chosen source is looked up to validate it);
- activity detail: 10 (activity, status counts, history, attachments, participants);
- attendance screen: 7 (activity, participants with business, owner and kelurahan);
- calendar: 6 (the activities);
- business detail: 15 (the registry page's 10, plus target, coached status, history, outcomes, figures).
Each bound below is the measured number and must hold equally for a small and a large programme.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pembinaan.coaching import services
from pembinaan.coaching.models import (
    Activity,
    ActivityAttachment,
    CoachingType,
    FiguresSnapshot,
    Outcome,
    OutcomeType,
    Participation,
    ParticipationStatus,
)
from pembinaan.funding.models import BudgetLine, FundingSource
from pembinaan.reference.models import Kecamatan
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db

# +1 on every staff page since issue 14: the menu's worklist badges, read in one query
# (pembinaan/front/selectors.py).
STAFF_MENU_QUERIES = 1
LIST_QUERIES = 10 + STAFF_MENU_QUERIES
FILTERED_LIST_QUERIES = 11 + STAFF_MENU_QUERIES
DETAIL_QUERIES = 10 + STAFF_MENU_QUERIES
ATTENDANCE_QUERIES = 7 + STAFF_MENU_QUERIES
CALENDAR_QUERIES = 6 + STAFF_MENU_QUERIES
# +1 since the page lists the capital assistance the business received.
BUSINESS_DETAIL_QUERIES = 16 + STAFF_MENU_QUERIES
SIZES = [10, 200]
STATUSES = ParticipationStatus.values


def _activities(count: int, *, start: datetime.date = datetime.date(2024, 5, 14)) -> list[Activity]:
    """`count` activities spread over types, funding sources and kecamatan, as the list shows them."""
    types = list(CoachingType.objects.all())
    sources = list(FundingSource.objects.all())
    kecamatan = list(Kecamatan.objects.all())
    return Activity.objects.bulk_create(
        [
            Activity(
                title=f"Kegiatan Pembinaan {i:03d}",
                coaching_type=types[i % len(types)],
                funding_source=sources[i % len(sources)],
                # bulk_create skips save() and the services: each row is given its budget line.
                budget_line=BudgetLine.objects.placeholder_for(
                    source_id=sources[i % len(sources)].pk, fiscal_year=start.year
                ),
                kecamatan=kecamatan[i % len(kecamatan)],
                start_date=start + datetime.timedelta(days=i % 60),
                end_date=start + datetime.timedelta(days=i % 60),
                fiscal_year=start.year,
                capacity=500,
                venue="Aula Dinas Koperasi",
            )
            for i in range(count)
        ]
    )


def _participants(activity: Activity, count: int) -> list[Participation]:
    return Participation.objects.bulk_create(
        [
            Participation(activity=activity, business=business, status=STATUSES[i % len(STATUSES)])
            for i, business in enumerate(BusinessFactory.create_batch(count))
        ]
    )


@pytest.mark.parametrize("size", SIZES)
def test_the_activity_list_issues_a_bounded_number_of_queries(
    staff_client, django_assert_max_num_queries, size
):
    activities = _activities(size)
    businesses = BusinessFactory.create_batch(5)
    Participation.objects.bulk_create(
        [Participation(activity=a, business=b) for a in activities[:25] for b in businesses]
    )

    with django_assert_max_num_queries(LIST_QUERIES):
        response = staff_client.get(reverse("coaching:activity-list"))

    assert response.status_code == 200
    assert len(response.context["page"]) == min(size, 25)
    assert response.context["page"].paginator.count == size


@pytest.mark.parametrize("size", SIZES)
def test_the_filtered_activity_list_issues_a_bounded_number_of_queries(
    staff_client, django_assert_max_num_queries, size
):
    _activities(size)
    source = FundingSource.objects.get(code="apbd-kota")

    with django_assert_max_num_queries(FILTERED_LIST_QUERIES):
        response = staff_client.get(
            reverse("coaching:activity-list"),
            {"q": "pembinaan", "funding_source": source.pk, "year": 2024, "status": "rencana", "page": 2},
        )

    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_the_calendar_issues_a_bounded_number_of_queries(staff_client, django_assert_max_num_queries, size):
    _activities(size, start=timezone.localdate() + datetime.timedelta(days=1))

    with django_assert_max_num_queries(CALENDAR_QUERIES):
        response = staff_client.get(reverse("coaching:activity-calendar"))

    assert response.status_code == 200
    assert sum(len(activities) for _monday, activities in response.context["weeks"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_the_activity_detail_issues_a_bounded_number_of_queries(
    staff_client, staff_user, django_assert_max_num_queries, size
):
    (activity,) = _activities(1)
    _participants(activity, size)
    ActivityAttachment.objects.bulk_create(
        [
            ActivityAttachment(
                activity=activity,
                file=f"kegiatan/{activity.pk}/foto{i}.png",
                original_name=f"foto-{i}.png",
                content_type="image/png",
                size=2048,
                token=f"{i:032d}",
                extension=".png",
            )
            for i in range(size // 10)
        ]
    )
    for step in range(size // 20):
        services.activity_update(activity=activity, by=staff_user, venue=f"Aula {step}")

    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = staff_client.get(reverse("coaching:activity-detail", kwargs={"pk": activity.pk}))

    assert response.status_code == 200
    assert len(response.context["participations"]) == size
    assert response.context["counts"][ParticipationStatus.ATTENDED] == size // 4 + (size % 4 > 1)


@pytest.mark.parametrize("size", SIZES)
def test_the_attendance_screen_issues_a_bounded_number_of_queries(
    staff_client, django_assert_max_num_queries, size
):
    (activity,) = _activities(1)
    _participants(activity, size)

    with django_assert_max_num_queries(ATTENDANCE_QUERIES):
        response = staff_client.get(reverse("coaching:attendance", kwargs={"pk": activity.pk}))

    assert response.status_code == 200
    assert len(response.context["form"].participations) == size
    assert response.content.decode().count('type="radio"') == size * len(STATUSES)


@pytest.mark.parametrize("size", SIZES)
def test_the_business_detail_with_its_coaching_issues_a_bounded_number_of_queries(
    staff_client, django_assert_max_num_queries, size
):
    business = BusinessFactory(name="Amplang Ikan Pipih Hj. Aminah")
    activities = _activities(size)
    Participation.objects.bulk_create(
        [
            Participation(activity=a, business=business, status=ParticipationStatus.ATTENDED)
            for a in activities
        ]
    )
    types = list(OutcomeType.objects.all())
    Outcome.objects.bulk_create(
        [
            Outcome(
                business=business,
                outcome_type=types[i % len(types)],
                achieved_on=datetime.date(2024, 6, 1) + datetime.timedelta(days=i),
                activity=activity,
                evidence=f"capaian/{business.pk}/bukti{i}.png" if i % 3 == 0 else "",
            )
            for i, activity in enumerate(activities)
        ]
    )
    FiguresSnapshot.objects.bulk_create(
        [
            FiguresSnapshot(business=business, year=2000 + i, annual_sales=100_000_000 + i, scale="mikro")
            for i in range(min(size, 26))
        ]
    )

    with django_assert_max_num_queries(BUSINESS_DETAIL_QUERIES):
        response = staff_client.get(reverse("registry:business-detail", kwargs={"pk": business.pk}))

    assert response.status_code == 200
    assert len(response.context["coaching_history"]) == size
    assert len(response.context["outcomes"]) == size
    assert response.context["coaching_status"].counts
