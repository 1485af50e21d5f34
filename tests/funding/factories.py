"""factory_boy factories for funding: budget lines (pagu), disbursement rounds and grants.

Funding sources and coaching types are the rows of the data migrations, looked up by their stable
codes, never created here.
"""

from __future__ import annotations

import datetime
import itertools

import factory

from pembinaan.coaching.models import Activity, Participation, ParticipationStatus
from pembinaan.funding.models import BudgetLine, CapitalAssistance
from tests.coaching.factories import ActivityFactory, coaching_type, funding_source
from tests.factories import BusinessFactory

GRANT_ROUND_TYPE = "bantuan-modal"
_round_serial = itertools.count(1)


class BudgetLineFactory(factory.django.DjangoModelFactory):
    """A real pagu (needs_review False) of APBD Kota 2024 unless told otherwise."""

    class Meta:
        model = BudgetLine

    source = factory.LazyFunction(funding_source)
    fiscal_year = 2024
    programme = factory.Sequence(lambda n: f"Program Pemberdayaan UMKM {n}")
    budget_code = factory.Sequence(lambda n: f"2.17.07.2.{n:02d}")
    amount = 500_000_000
    needs_review = False


def grant_round(*, budget_line: BudgetLine | None = None, **fields) -> Activity:
    """A disbursement round: an activity of type `bantuan-modal`, charged to `budget_line` if given.

    Without a line the activity is charged as ActivityFactory charges it (the placeholder line of
    its source and year). The round's own actual cost is its running cost only.
    """
    values = {
        "title": f"Penyaluran Bantuan Modal Usaha {next(_round_serial)}",
        "coaching_type": coaching_type(GRANT_ROUND_TYPE),
        "planned_cost": 3_000_000,
        "actual_cost": 2_500_000,
        "capacity": 50,
    }
    if budget_line is not None:
        values.update(
            budget_line=budget_line,
            funding_source=budget_line.source,
            fiscal_year=budget_line.fiscal_year,
        )
        values.setdefault("start_date", datetime.date(budget_line.fiscal_year, 5, 14))
    values.update(fields)
    return ActivityFactory(**values)


class CapitalAssistanceFactory(factory.django.DjangoModelFactory):
    """A grant row written directly (no service): for building selector and page data by hand.

    The recipient's participation in the round is created alongside, with the status the grant's
    status implies (disbursed → hadir, cancelled → batal, otherwise terdaftar).
    """

    class Meta:
        model = CapitalAssistance
        skip_postgeneration_save = True

    business = factory.SubFactory(BusinessFactory)
    activity = factory.LazyFunction(grant_round)
    budget_line = factory.LazyAttribute(lambda o: o.activity.budget_line)
    date = factory.LazyAttribute(lambda o: o.activity.start_date)
    form = CapitalAssistance.Form.CASH
    amount = 5_000_000
    description = "Modal kerja"
    status = CapitalAssistance.Status.PROPOSED
    disbursed_on = factory.LazyAttribute(
        lambda o: o.activity.start_date if o.status == CapitalAssistance.Status.DISBURSED else None
    )

    @factory.post_generation
    def participation(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        status = {
            CapitalAssistance.Status.DISBURSED: ParticipationStatus.ATTENDED,
            CapitalAssistance.Status.CANCELLED: ParticipationStatus.CANCELLED,
        }.get(obj.status, ParticipationStatus.REGISTERED)
        Participation.objects.update_or_create(
            activity=obj.activity, business=obj.business, defaults={"status": status}
        )


__all__ = ["GRANT_ROUND_TYPE", "BudgetLineFactory", "CapitalAssistanceFactory", "grant_round"]
