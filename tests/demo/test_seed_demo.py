"""`manage.py seed_demo`: demo logins and a realistic, deterministic demo registry."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.test import Client

from pembinaan.accounts import roles
from pembinaan.accounts.models import User
from pembinaan.lib.identifiers import parse_nik, parse_phone
from pembinaan.reference.models import Kelurahan
from pembinaan.registry.kbli import category_of
from pembinaan.registry.models import (
    Business,
    BusinessSource,
    BusinessStatus,
    Certification,
    DuplicatePair,
    Owner,
    StatusChange,
    normalise_name,
)
from pembinaan.registry.scale import Scale, classify
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo12345"
E164_MOBILE = re.compile(r"^\+628\d{8,11}$")


def seed(businesses: int = 300, seed: int = 2021) -> str:
    out = StringIO()
    call_command("seed_demo", businesses=businesses, seed=seed, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    """What a seed produced, independent of ids and timestamps."""
    return list(
        Business.objects.order_by("pk").values_list(
            "name",
            "kelurahan_id",
            "status",
            "annual_sales",
            "nib",
            "owner__name",
            "owner__nik",
            "owner__phone",
        )
    )


def wipe_seeded_data() -> None:
    from pembinaan.coaching.models import Activity, FiguresSnapshot, Outcome, Participation
    from pembinaan.funding.models import BudgetLine, CapitalAssistance

    for model in (CapitalAssistance, Outcome, FiguresSnapshot, Participation, Activity, BudgetLine):
        model.history.all().delete()
        model.objects.all().delete()
    DuplicatePair.objects.all().delete()
    StatusChange.objects.all().delete()
    Business.history.all().delete()
    Business.objects.all().delete()
    Owner.history.all().delete()
    Owner.objects.all().delete()
    User.objects.filter(email__endswith="@demo.umkm.test").delete()


def login(username: str, password: str = DEMO_PASSWORD) -> bool:
    # django-axes wants the request that carries the login attempt.
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    return Client().login(request=request, username=username, password=password)


def test_seeding_300_businesses_creates_that_many_active_businesses_across_the_city():
    seed(300)

    assert Business.objects.active().count() == 300
    assert Business.objects.values("kelurahan").distinct().count() == Kelurahan.objects.count() == 52
    statuses = set(Business.objects.values_list("status", flat=True))
    assert {BusinessStatus.VERIFIED, BusinessStatus.SUBMITTED} <= statuses
    assert Business.objects.filter(status=BusinessStatus.VERIFIED).count() > 200
    assert Business.objects.filter(scale=Scale.BESAR).exists()
    # Most owners have one business, some have several.
    assert 230 < Owner.objects.count() < 300


def test_seeded_owners_have_valid_niks_and_e164_phones():
    seed(300)

    owners = list(Owner.objects.all())
    with_nik = [o for o in owners if o.nik]
    assert len(with_nik) > 0.8 * len(owners)
    for owner in with_nik:
        info = parse_nik(owner.nik)  # raises on an invalid NIK
        assert info.gender == owner.gender
        assert info.birth_date == owner.birth_date
    assert sum(o.nik.startswith("6371") for o in with_nik) > 0.7 * len(with_nik)

    phones = [o.phone for o in owners if o.phone]
    assert len(phones) > 0.9 * len(owners)
    for phone in phones:
        assert E164_MOBILE.match(phone), phone
        assert parse_phone(phone) == phone


def test_seeded_businesses_have_consistent_derived_fields_kbli_and_identifiers():
    seed(300)

    for business in Business.objects.all():
        assert business.name_normalized == normalise_name(business.name)
        assert (business.scale, business.scale_basis) == classify(
            annual_sales=business.annual_sales, capital=business.capital
        )
        if business.kbli_code:
            assert category_of(business.kbli_code) == business.kbli_category_id
        if business.nib:
            assert re.fullmatch(r"\d{13}", business.nib)
        if business.npwp:
            assert len(business.npwp) in (15, 16) and business.npwp.isdigit()
        assert set(business.certifications) <= set(Certification.values)
        assert business.start_year is None or 1995 <= business.start_year
        assert business.employees is None or 1 <= business.employees <= 30
        business.full_clean()


def test_every_seeded_business_has_a_status_timeline_ending_in_its_status_and_a_history_row():
    out = seed(300)

    staff = User.objects.get(email="staf@demo.umkm.test")
    for business in Business.objects.prefetch_related("status_changes"):
        changes = list(business.status_changes.all())
        assert changes, business
        assert changes[-1].to_status == business.status
        assert changes[0].from_status == ""
        if business.source == BusinessSource.STAFF:
            assert changes[0].changed_by == staff
        if business.status == BusinessStatus.REJECTED:
            assert business.status_reason
            assert changes[-1].reason == business.status_reason
    assert (
        not Business.objects.filter(status=BusinessStatus.SUBMITTED)
        .exclude(source=BusinessSource.SELF)
        .exists()
    )
    assert Business.history.filter(history_type="+").count() == 300
    assert Owner.history.count() == Owner.objects.count()
    assert Business.history.filter(history_user=staff).exists()
    assert "Demo logins" in out


def test_the_same_seed_gives_the_same_data():
    seed(200, seed=7)
    first = snapshot()
    wipe_seeded_data()

    seed(200, seed=7)
    assert snapshot() == first

    wipe_seeded_data()
    seed(200, seed=8)
    assert snapshot() != first


def test_demo_accounts_exist_in_the_right_groups_and_can_log_in():
    seed(50)

    expected = {
        "admin@demo.umkm.test": roles.ADMIN,
        "staf@demo.umkm.test": roles.STAFF,
        "kabid@demo.umkm.test": roles.APPROVER,
        "bendahara@demo.umkm.test": roles.TREASURER,
        "pemantau@demo.umkm.test": roles.VIEWER,
        "pemilik@demo.umkm.test": roles.OWNER,
    }
    for email, role in expected.items():
        user = User.objects.get(email=email)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.is_staff == (role == roles.ADMIN)
        assert login(email), email
    assert login("0812-0000-0001")
    assert not login("pemilik@demo.umkm.test", "salah-sandi")


def test_the_demo_owner_has_one_verified_and_one_submitted_business():
    seed(50)

    user = User.objects.get(email="pemilik@demo.umkm.test")
    assert user.phone == "+6281200000001"
    owner = Owner.objects.get(user=user)
    assert owner.phone == user.phone
    assert sorted(owner.businesses.values_list("status", flat=True)) == sorted(
        [BusinessStatus.VERIFIED, BusinessStatus.SUBMITTED]
    )


def test_some_possible_duplicates_are_flagged():
    seed(300)

    pairs = DuplicatePair.objects.select_related("business_a__owner", "business_b__owner")
    assert pairs.filter(same_phone=True, same_name=True).exists()
    for pair in pairs:
        a, b = pair.business_a, pair.business_b
        if pair.same_phone:
            assert a.owner.phone == b.owner.phone and a.owner_id != b.owner_id
        if pair.same_name:
            assert (a.kelurahan_id, a.name_normalized) == (b.kelurahan_id, b.name_normalized)
    assert pairs.count() < 15  # deliberate ones, not accidental name clashes


def test_records_created_after_seeding_get_fresh_ids():
    seed(50)

    highest = Business.objects.order_by("-pk").values_list("pk", flat=True).first()
    business = BusinessFactory()
    assert business.pk > highest
    StatusChange.objects.create(business=business, to_status=BusinessStatus.VERIFIED)


def test_the_command_refuses_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        seed(50)
    assert not Business.objects.exists()
    assert not User.objects.filter(email__endswith="@demo.umkm.test").exists()


def test_the_command_refuses_when_businesses_exist():
    BusinessFactory()

    with pytest.raises(CommandError, match="already holds businesses"):
        seed(50)
    assert Business.objects.count() == 1
    assert not User.objects.filter(email__endswith="@demo.umkm.test").exists()


def test_if_empty_seeds_an_empty_database_and_leaves_a_filled_one_alone():
    from io import StringIO

    from django.core.management import call_command

    from pembinaan.registry.models import Business

    out = StringIO()
    call_command("seed_demo", "--businesses", "20", "--if-empty", stdout=out)
    assert Business.objects.count() == 20
    out = StringIO()
    call_command("seed_demo", "--businesses", "20", "--if-empty", stdout=out)
    assert Business.objects.count() == 20
    assert "nothing seeded" in out.getvalue()
    assert "staf@demo.umkm.test" in out.getvalue()


def test_the_demo_coaching_shows_every_type_from_2021_and_a_third_to_a_half_of_the_target():
    import datetime

    from django.core.management import call_command
    from django.db.models import Count
    from django.utils import timezone

    from pembinaan.coaching.models import Activity, CoachingType, Outcome, Participation, ParticipationStatus
    from pembinaan.progress.models import Target
    from pembinaan.progress.selectors import coached_businesses

    call_command("seed_demo", "--businesses", "2000", "--seed", "2021", verbosity=0)
    today = timezone.localdate()
    assert set(Activity.objects.values_list("coaching_type__code", flat=True)) == set(
        CoachingType.objects.values_list("code", flat=True)
    )
    years = set(Activity.objects.values_list("start_date__year", flat=True))
    assert set(range(2021, today.year + 1)) <= years
    statuses = dict(Participation.objects.values_list("status").annotate(n=Count("pk")))
    assert statuses["hadir"] > 0.7 * sum(statuses.values())
    assert statuses["tidak-hadir"] > 0
    # Attendance only once an activity has started (rule 6 needs no clock).
    assert not Participation.objects.filter(
        activity__start_date__gt=today, status__in=[ParticipationStatus.ATTENDED, ParticipationStatus.ABSENT]
    ).exists()
    assert not Participation.objects.filter(
        activity__status=Activity.Status.CANCELLED,
        status__in=[ParticipationStatus.ATTENDED, ParticipationStatus.ABSENT],
    ).exists()
    assert Outcome.objects.exists()
    target = Target.primary()
    coached = coached_businesses(period_start=target.period_start, period_end=target.period_end)
    assert target.value / 3 <= coached.count() <= target.value / 2
    per_kecamatan = sorted(
        coached.values("kelurahan__kecamatan").annotate(n=Count("pk")).values_list("n", flat=True)
    )
    assert per_kecamatan[-1] > 1.3 * per_kecamatan[0]  # uneven, as in the real city
    assert Activity.objects.filter(start_date__gt=today, open_for_signup=True).exists()
    assert isinstance(Activity.objects.first().start_date, datetime.date)


def test_the_same_seed_gives_the_same_activities_and_attendance():
    from django.core.management import call_command

    from pembinaan.coaching.models import Participation

    def coaching_snapshot():
        return list(
            Participation.objects.order_by("pk").values_list(
                "activity__title",
                "activity__start_date",
                "activity__coaching_type__code",
                "business__name",
                "status",
            )
        )

    call_command("seed_demo", "--businesses", "150", "--seed", "5", verbosity=0)
    first = coaching_snapshot()
    wipe_seeded_data()
    call_command("seed_demo", "--businesses", "150", "--seed", "5", verbosity=0)
    assert coaching_snapshot() == first
    assert first


def test_the_demo_funding_has_budgets_of_every_source_since_2021_and_grant_rounds():
    from django.core.management import call_command
    from django.utils import timezone

    from pembinaan.coaching.models import Participation, ParticipationStatus
    from pembinaan.funding.models import BudgetLine, CapitalAssistance, FundingSource

    call_command("seed_demo", "--businesses", "2000", "--seed", "2021", verbosity=0)
    pairs = set(BudgetLine.objects.values_list("source__code", "fiscal_year"))
    for year in range(2021, timezone.localdate().year + 1):
        for code in FundingSource.objects.values_list("code", flat=True):
            assert (code, year) in pairs
    assert CapitalAssistance.objects.filter(status=CapitalAssistance.Status.DISBURSED).exists()
    assert CapitalAssistance.objects.exclude(double_funding_reason="").exists()
    # A grant is disbursed exactly when its recipient attended the round (counts as coached).
    for grant in CapitalAssistance.objects.all():
        participation = Participation.objects.get(activity=grant.activity, business=grant.business)
        disbursed = grant.status == CapitalAssistance.Status.DISBURSED
        assert disbursed == (participation.status == ParticipationStatus.ATTENDED)
    # Rule 14: staff proposed, the Kepala Bidang approved and the Bendahara paid, three people.
    people = {
        (grant.status, grant.created_by.email, grant.approved_by and grant.approved_by.email,
         grant.disbursed_by and grant.disbursed_by.email)
        for grant in CapitalAssistance.objects.select_related("created_by", "approved_by", "disbursed_by")
    }  # fmt: skip
    staff, kabid, bendahara = "staf@demo.umkm.test", "kabid@demo.umkm.test", "bendahara@demo.umkm.test"
    assert (CapitalAssistance.Status.DISBURSED, staff, kabid, bendahara) in people
    assert (CapitalAssistance.Status.APPROVED, staff, kabid, None) in people
    for _status, _proposer, approver, payer in people:
        assert approver != staff
        assert payer is None or payer not in (staff, approver)
