"""A small coaching programme built with the factories, for the tests that compare two ways of
computing the same figures: the dashboard and the open data, the maintained tallies and a fresh
count, the budget pages and a sum over the rows.

Such a comparison proves something only on data with every case in it, so the programme has each
of them, in every kecamatan: verified, submitted and closed businesses, owners of both genders
and new entrepreneurs; activities of every coaching type and funding source in each year of the
primary target's period, one cancelled and one still planned; attended, absent and cancelled
attendance; outcomes; budget lines (pagu) of every source and year; grant rounds with grants of
every status. Everything is deterministic (no random draws), so a figure a test reads is the
same on every run; a test that asserts a number computes it from the rows it reads, never from
here. `size` is the number of businesses (at least 10).

Tests that assert about one case build just that case with the factories instead.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from pembinaan.accounts import roles
from pembinaan.coaching.models import Activity, CoachingType, Participation, ParticipationStatus
from pembinaan.funding.models import BudgetLine, CapitalAssistance, FundingSource
from pembinaan.progress.models import Target
from pembinaan.progress.services import rebuild_all
from pembinaan.reference.models import Kecamatan, Kelurahan
from pembinaan.registry.models import Business, BusinessStatus
from tests.coaching.factories import ActivityFactory, OutcomeFactory, outcome_type
from tests.factories import BusinessFactory, OwnerFactory, UserFactory, make_nik
from tests.funding.factories import GRANT_ROUND_TYPE, BudgetLineFactory, CapitalAssistanceFactory, grant_round

G = CapitalAssistance.Status
P = ParticipationStatus
OUTCOMES = ("nib", "halal", "toko-online", "kur")


@dataclass
class Programme:
    businesses: list[Business] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    budget_lines: list[BudgetLine] = field(default_factory=list)
    grants: list[CapitalAssistance] = field(default_factory=list)


def _status(i: int) -> str:
    if i % 9 == 4:
        return BusinessStatus.SUBMITTED
    if i % 13 == 6:
        return BusinessStatus.INACTIVE
    return BusinessStatus.VERIFIED


def build_programme(size: int = 40) -> Programme:
    assert size >= 10
    target = Target.primary()
    today = timezone.localdate()
    years = list(range(target.period_start.year, min(target.period_end.year, today.year) + 1))
    kecamatan = list(Kecamatan.objects.order_by("code"))
    # Two kelurahan of each kecamatan, so that a kecamatan's kelurahan add up to it.
    kelurahan = [k for kec in kecamatan for k in Kelurahan.objects.filter(kecamatan=kec).order_by("code")[:2]]
    types = [t for t in CoachingType.objects.order_by("code") if t.code != GRANT_ROUND_TYPE]
    sources = list(FundingSource.objects.order_by("code"))
    programme = Programme()

    for i in range(size):
        female = i % 2 == 1
        owner = OwnerFactory(
            nik=make_nik(female=female, yy=70 + i % 30),
            gender="P" if female else "L",
            name=f"Pemilik Uji {i:04d}",
        )
        programme.businesses.append(
            BusinessFactory(
                name=f"Usaha Uji {i:04d}",
                owner=owner,
                kelurahan=kelurahan[i % len(kelurahan)],
                status=_status(i),
                start_year=None if i % 4 == 0 else 2010 + i % 15,
                annual_sales=(i % 20 + 1) * 30_000_000,
            )
        )

    lines = {}
    for y, year in enumerate(years):
        for s, source in enumerate(sources):
            # One line in eight is spent beyond its pagu, as in a real year.
            amount = 5_000_000 if (y * len(sources) + s) % 7 == 0 else 400_000_000 + 50_000_000 * s
            lines[(source.pk, year)] = BudgetLineFactory(source=source, fiscal_year=year, amount=amount)
    programme.budget_lines = list(lines.values())

    # Activities: every type and every source, spread over the years and the kecamatan.
    count = max(len(types), len(sources) * len(years), size // 5)
    for i in range(count):
        year = years[i % len(years)]
        source = sources[i % len(sources)]
        start = datetime.date(year, 1 + i % 12, 1 + i % 27)
        status = Activity.Status.DONE
        if start > today:
            start = today - datetime.timedelta(days=1 + i % 20)
        if i == 3:
            status = Activity.Status.CANCELLED
        programme.activities.append(
            ActivityFactory(
                title=f"Kegiatan Uji {i:03d}",
                coaching_type=types[i % len(types)],
                budget_line=lines[(source.pk, start.year if (source.pk, start.year) in lines else year)],
                kecamatan=kecamatan[i % len(kecamatan)],
                start_date=start,
                status=status,
                planned_cost=10_000_000 + 1_000_000 * (i % 7),
                actual_cost=0 if status == Activity.Status.CANCELLED else 9_000_000 + 750_000 * (i % 9),
                capacity=500,
            )
        )
    planned = ActivityFactory(
        title="Kegiatan Uji Mendatang",
        coaching_type=types[0],
        budget_line=lines[(sources[0].pk, years[-1])],
        kecamatan=kecamatan[0],
        start_date=today + datetime.timedelta(days=14),
        status=Activity.Status.PLANNED,
        actual_cost=0,
        open_for_signup=True,
    )

    # Attendance: each business in two or three activities, mostly present; every fifth business
    # only ever absent (registered and verified, but not coached); the last ones never came at all.
    rows = []
    for i, business in enumerate(programme.businesses[: size - 3]):
        picks = {(i * 7 + k * 5) % count for k in range(2 + i % 2)}
        for k, a in enumerate(sorted(picks)):
            activity = programme.activities[a]
            if i % 5 == 2:
                status = P.ABSENT
            elif (i + k) % 11 == 10:
                status = P.CANCELLED
            elif (i + k) % 6 == 5:
                status = P.ABSENT
            else:
                status = P.ATTENDED
            rows.append(Participation(activity=activity, business=business, status=status))
        if i % 4 == 1:
            rows.append(Participation(activity=planned, business=business, status=P.REGISTERED))
    Participation.objects.bulk_create(rows)

    # Outcomes of some of those who attended.
    attended = [r for r in rows if r.status == P.ATTENDED]
    for n, row in enumerate(attended[::4]):
        OutcomeFactory(
            business=row.business,
            outcome_type=outcome_type(OUTCOMES[n % len(OUTCOMES)]),
            activity=row.activity,
            achieved_on=min(today, row.activity.start_date + datetime.timedelta(days=30)),
            amount=25_000_000 if OUTCOMES[n % len(OUTCOMES)] == "kur" else None,
            institution="Bank Kalsel" if OUTCOMES[n % len(OUTCOMES)] == "kur" else "",
        )

    # Grant rounds: one per source in two years, with grants of every status.
    statuses = (G.DISBURSED, G.DISBURSED, G.APPROVED, G.PROPOSED, G.CANCELLED)
    # Three people handle a grant (rule 14): staff proposes, the approver approves, the treasurer pays.
    forms = list(CapitalAssistance.Form.values)
    approver, treasurer = UserFactory(role=roles.APPROVER), UserFactory(role=roles.TREASURER)
    n = 0
    for year in years[-2:]:
        for source in sources:
            round_ = grant_round(budget_line=lines[(source.pk, year)], start_date=datetime.date(year, 3, 10))
            programme.activities.append(round_)
            for k in range(3):
                business = programme.businesses[(n * 3 + k) % (size - 3)]
                status = statuses[(n + k) % len(statuses)]
                decided = status in (G.APPROVED, G.DISBURSED)
                programme.grants.append(
                    CapitalAssistanceFactory(
                        business=business,
                        activity=round_,
                        status=status,
                        form=forms[(n + 2 * k) % len(forms)],
                        amount=(2 + (n + k) % 4) * 2_500_000,
                        approved_on=round_.start_date if decided else None,
                        approved_by=approver if decided else None,
                        disbursed_by=treasurer if status == G.DISBURSED else None,
                    )
                )
            n += 1
    programme.activities.append(planned)
    rebuild_all()
    return programme


def first_attendance_in_the_period() -> Participation:
    """An absence in a programme that, marked attended, becomes its business's first attendance
    inside the primary target's period: recording it moves the dashboard's figures."""
    target = Target.primary()
    return (
        Participation.objects.filter(
            status="tidak-hadir",
            activity__status="selesai",
            business__status="terverifikasi",
            activity__start_date__range=(target.period_start, target.period_end),
        )
        .exclude(business__participations__status="hadir")
        .select_related("activity")
        .first()
    )
