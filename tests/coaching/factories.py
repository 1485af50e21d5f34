"""factory_boy factories for coaching: activities, participations and outcomes.

Coaching types, funding sources and outcome types are the rows of the data migrations, looked up
by their stable codes, never created here.
"""

from __future__ import annotations

import datetime

import factory

from pembinaan.coaching.models import (
    Activity,
    CoachingType,
    Outcome,
    OutcomeType,
    Participation,
    ParticipationStatus,
)
from pembinaan.funding.models import BudgetLine, FundingSource
from tests.factories import BusinessFactory


def coaching_type(code: str = "workshop") -> CoachingType:
    return CoachingType.objects.get(code=code)


def funding_source(code: str = "apbd-kota") -> FundingSource:
    return FundingSource.objects.get(code=code)


def outcome_type(code: str = "nib") -> OutcomeType:
    return OutcomeType.objects.get(code=code)


def placeholder_line(source: FundingSource, fiscal_year: int) -> BudgetLine:
    """The line an activity written straight to the table is charged to: the placeholder of its
    source and year, as the services charge one while Admin Dinas has entered no pagu (rule 13a)."""
    return BudgetLine.objects.placeholder_for(source_id=source.pk, fiscal_year=fiscal_year)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"Workshop Pemasaran Digital {n}")
    coaching_type = factory.LazyFunction(coaching_type)
    funding_source = factory.LazyFunction(funding_source)
    start_date = datetime.date(2024, 5, 14)
    end_date = factory.LazyAttribute(lambda o: o.start_date)
    fiscal_year = factory.LazyAttribute(lambda o: o.start_date.year)
    budget_line = factory.LazyAttribute(lambda o: placeholder_line(o.funding_source, o.fiscal_year))
    status = Activity.Status.DONE
    venue = "Aula Dinas Koperasi"
    planned_cost = 10_000_000
    actual_cost = 9_500_000


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    activity = factory.SubFactory(ActivityFactory)
    business = factory.SubFactory(BusinessFactory)
    status = ParticipationStatus.REGISTERED


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    business = factory.SubFactory(BusinessFactory)
    outcome_type = factory.LazyFunction(outcome_type)
    achieved_on = datetime.date(2024, 6, 1)
    reference_number = factory.Sequence(lambda n: f"REF-{n:05d}")


__all__ = [
    "ActivityFactory",
    "OutcomeFactory",
    "ParticipationFactory",
    "coaching_type",
    "funding_source",
    "outcome_type",
    "placeholder_line",
]
