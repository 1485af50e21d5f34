"""Funding workflows through the service layer: budget lines, charging activities, capital assistance.

docs/rules.md rules 6, 8 and 9 and issue 4 ("Rules to hold"): amounts are positive whole rupiah, a used
budget line keeps its source and year and cannot be deleted, every activity is charged to one line,
a grant goes proposed → approved → disbursed (or cancelled before that), a second grant from another
source in one fiscal year needs a kept reason, and a disbursed grant is edited only with a reason.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pembinaan.accounts import roles
from pembinaan.accounts.models import User
from pembinaan.coaching import grants
from pembinaan.coaching import services as coaching_services
from pembinaan.coaching.counting import coached_businesses
from pembinaan.coaching.models import Activity, Participation, ParticipationStatus
from pembinaan.funding import services
from pembinaan.funding.models import PLACEHOLDER_PROGRAMME, BudgetLine, CapitalAssistance
from pembinaan.lib.money import format_rupiah
from pembinaan.progress import money
from tests.coaching.factories import (
    ActivityFactory,
    ParticipationFactory,
    coaching_type,
    funding_source,
    outcome_type,
)
from tests.factories import BusinessFactory, UserFactory
from tests.funding.factories import BudgetLineFactory, grant_round

pytestmark = pytest.mark.django_db

G = CapitalAssistance.Status
P = ParticipationStatus
ROUND_START = datetime.date(2024, 5, 14)
# Recipients of a disbursement were registered before the round started (rule 13c).
REGISTERED = datetime.date(2024, 1, 2)
PERIOD = {"period_start": datetime.date(2021, 1, 1), "period_end": datetime.date(2026, 12, 31)}


def _messages(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


def _fields(exc: pytest.ExceptionInfo) -> set[str]:
    return set(getattr(exc.value, "error_dict", {}))


def _activity_fields(**overrides):
    start = overrides.pop("start_date", datetime.date(2025, 3, 10))
    fields = {
        "title": "Pelatihan Pembukuan Sederhana",
        "coaching_type": coaching_type("pelatihan"),
        "format": Activity.Format.GROUP,
        "start_date": start,
        "end_date": start,
        "venue": "Aula Dinas Koperasi, UM dan Tenaga Kerja",
        "fiscal_year": start.year,
        "funding_source": funding_source("apbd-kota"),
        "planned_cost": 25_000_000,
    }
    fields.update(overrides)
    return fields


def _propose(by, business, activity, amount=5_000_000, **kwargs) -> CapitalAssistance:
    return grants.grant_propose(
        by=by, business=business, activity=activity, amount=amount, date=activity.start_date, **kwargs
    )


def _approver() -> User:
    """The Kepala Bidang who approves what staff proposed: never the proposer (rule 14)."""
    return User.objects.filter(email="kabid@dinas.test").first() or UserFactory(
        role=roles.APPROVER, email="kabid@dinas.test"
    )


def _treasurer() -> User:
    """The Bendahara who records the payment: neither the approver nor the proposer (rule 14)."""
    return User.objects.filter(email="bendahara@dinas.test").first() or UserFactory(
        role=roles.TREASURER, email="bendahara@dinas.test"
    )


def _approved(by, business, activity, amount=5_000_000, reason="") -> CapitalAssistance:
    """Proposed by `by`, approved by the Kepala Bidang on the round's first day, so that its
    attendance may be recorded (rule 13c)."""
    grant = _propose(by, business, activity, amount)
    return grants.grant_approve(grant=grant, by=_approver(), reason=reason, approved_on=activity.start_date)


def _disbursed(by, business, activity, amount=5_000_000) -> CapitalAssistance:
    grant = _approved(by, business, activity, amount)
    return grants.grant_disburse(grant=grant, by=_treasurer(), disbursed_on=activity.start_date)


def _participation(activity, business) -> Participation:
    return Participation.objects.get(activity=activity, business=business)


def _overview_row(year: int, source_code: str):
    return next(
        r for r in money.budget_overview(year=year) if r.year == year and r.source.code == source_code
    )


# --- Budget lines -----------------------------------------------------------------------------


class TestBudgetLines:
    def test_a_budget_line_is_created_with_a_positive_amount_and_its_creator_is_in_the_history(
        self, admin_user
    ):
        line = services.budget_line_create(
            by=admin_user,
            source=funding_source("apbd-kota"),
            fiscal_year=2025,
            amount=1_250_000_000,
            programme="Program Pemberdayaan UMKM",
            budget_code="2.17.07.2.01",
        )
        assert line.amount == 1_250_000_000
        assert line.needs_review is False
        assert line.history.get().history_user == admin_user

    @pytest.mark.parametrize("amount", [0, -1, -5_000_000])
    def test_a_budget_line_amount_of_zero_or_less_is_refused_and_nothing_is_saved(self, admin_user, amount):
        with pytest.raises(ValidationError) as exc:
            services.budget_line_create(
                by=admin_user, source=funding_source("apbd-kota"), fiscal_year=2025, amount=amount
            )
        assert "amount" in _fields(exc)
        assert "nol rupiah" in _messages(exc)
        assert not BudgetLine.objects.exists()

    @pytest.mark.parametrize("amount", [0, -1])
    def test_updating_a_budget_line_to_zero_or_less_is_refused_and_the_amount_stays(self, admin_user, amount):
        line = BudgetLineFactory(amount=300_000_000)
        with pytest.raises(ValidationError) as exc:
            services.budget_line_update(line=line, by=admin_user, amount=amount)
        assert "amount" in _fields(exc)
        line.refresh_from_db()
        assert line.amount == 300_000_000

    def test_the_amount_of_a_line_with_spending_may_still_be_corrected(self, admin_user):
        line = BudgetLineFactory(amount=300_000_000)
        ActivityFactory(budget_line=line)
        services.budget_line_update(line=line, by=admin_user, amount=350_000_000)
        line.refresh_from_db()
        assert line.amount == 350_000_000

    def test_moving_a_line_with_an_activity_to_another_source_is_refused(self, admin_user):
        line = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024)
        ActivityFactory(budget_line=line)
        with pytest.raises(ValidationError) as exc:
            services.budget_line_update(line=line, by=admin_user, source=funding_source("apbn"))
        assert "tidak dapat diubah" in _messages(exc)
        line.refresh_from_db()
        assert line.source.code == "apbd-kota"

    def test_moving_a_line_with_an_activity_to_another_fiscal_year_is_refused(self, admin_user):
        line = BudgetLineFactory(fiscal_year=2024)
        ActivityFactory(budget_line=line)
        with pytest.raises(ValidationError):
            services.budget_line_update(line=line, by=admin_user, fiscal_year=2025)
        line.refresh_from_db()
        assert line.fiscal_year == 2024

    def test_moving_a_line_that_only_a_grant_is_charged_to_is_refused(self, admin_user, staff_user):
        round_line = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024)
        grant_line = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024)
        activity = grant_round(budget_line=round_line)
        _propose(staff_user, BusinessFactory(), activity, budget_line=grant_line)
        assert not grant_line.activities.exists()
        with pytest.raises(ValidationError):
            services.budget_line_update(line=grant_line, by=admin_user, fiscal_year=2025)
        grant_line.refresh_from_db()
        assert grant_line.fiscal_year == 2024

    def test_an_unused_line_may_move_to_another_source_and_year(self, admin_user):
        line = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024)
        services.budget_line_update(line=line, by=admin_user, source=funding_source("apbn"), fiscal_year=2025)
        line.refresh_from_db()
        assert (line.source.code, line.fiscal_year) == ("apbn", 2025)

    def test_deleting_a_line_with_activities_is_refused_naming_their_number_and_titles(self, admin_user):
        line = BudgetLineFactory()
        ActivityFactory(budget_line=line, title="Klinik Desain Kemasan Banjarmasin")
        ActivityFactory(budget_line=line, title="Kelas Jualan di Marketplace Sasirangan")
        with pytest.raises(ValidationError) as exc:
            services.budget_line_delete(line=line, by=admin_user)
        message = _messages(exc)
        assert "2 kegiatan" in message
        assert "Klinik Desain Kemasan Banjarmasin" in message
        assert "Kelas Jualan di Marketplace Sasirangan" in message
        assert BudgetLine.objects.filter(pk=line.pk).exists()
        assert Activity.objects.filter(budget_line=line).count() == 2

    def test_deleting_a_line_with_grants_is_refused_naming_the_grants_and_deletes_nothing(
        self, admin_user, staff_user
    ):
        round_line = BudgetLineFactory()
        grant_line = BudgetLineFactory()
        activity = grant_round(budget_line=round_line)
        _propose(staff_user, BusinessFactory(), activity, budget_line=grant_line)
        _propose(staff_user, BusinessFactory(), activity, budget_line=grant_line)
        with pytest.raises(ValidationError) as exc:
            services.budget_line_delete(line=grant_line, by=admin_user)
        assert "2 bantuan permodalan" in _messages(exc)
        assert BudgetLine.objects.filter(pk=grant_line.pk).exists()
        assert CapitalAssistance.objects.filter(budget_line=grant_line).count() == 2

    def test_deleting_a_line_with_both_activities_and_grants_names_both(self, admin_user, staff_user):
        line = BudgetLineFactory()
        activity = grant_round(budget_line=line, title="Penyaluran Bantuan Peralatan Usaha Mikro 2024")
        _propose(staff_user, BusinessFactory(), activity)
        with pytest.raises(ValidationError) as exc:
            services.budget_line_delete(line=line, by=admin_user)
        message = _messages(exc)
        assert "1 kegiatan" in message
        assert "Penyaluran Bantuan Peralatan Usaha Mikro 2024" in message
        assert "1 bantuan permodalan" in message
        assert BudgetLine.objects.filter(pk=line.pk).exists()

    def test_deleting_an_unused_line_works_and_the_history_keeps_who_deleted_it(self, admin_user):
        line = BudgetLineFactory()
        pk = line.pk
        services.budget_line_delete(line=line, by=admin_user)
        assert not BudgetLine.objects.filter(pk=pk).exists()
        deleted = BudgetLine.history.filter(id=pk, history_type="-").get()
        assert deleted.history_user == admin_user

    def test_an_activity_for_a_source_and_year_without_a_pagu_creates_one_placeholder_line(self, staff_user):
        first = coaching_services.activity_create(
            by=staff_user,
            **_activity_fields(funding_source=funding_source("apbn"), start_date=datetime.date(2023, 8, 1)),
        )
        second = coaching_services.activity_create(
            by=staff_user,
            **_activity_fields(funding_source=funding_source("apbn"), start_date=datetime.date(2023, 9, 1)),
        )
        line = first.budget_line
        assert line.needs_review is True
        assert line.amount == 0
        assert line.programme == PLACEHOLDER_PROGRAMME
        assert (line.source.code, line.fiscal_year) == ("apbn", 2023)
        assert second.budget_line_id == line.pk
        assert BudgetLine.objects.count() == 1

    def test_entering_the_amount_of_a_placeholder_line_clears_needs_review(self, admin_user, staff_user):
        activity = coaching_services.activity_create(by=staff_user, **_activity_fields())
        line = activity.budget_line
        assert line.needs_review is True
        services.budget_line_update(line=line, by=admin_user, amount=800_000_000)
        line.refresh_from_db()
        assert line.needs_review is False
        assert line.amount == 800_000_000
        activity.refresh_from_db()
        assert activity.budget_line_id == line.pk


# --- Charging activities ----------------------------------------------------------------------


class TestChargingActivities:
    def test_with_one_real_line_for_the_source_and_year_the_activity_is_charged_to_it(self, staff_user):
        line = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2025)
        activity = coaching_services.activity_create(by=staff_user, **_activity_fields())
        assert activity.budget_line_id == line.pk
        assert not BudgetLine.objects.filter(needs_review=True).exists()

    def test_a_line_of_another_source_or_year_is_not_used(self, staff_user):
        other_source = BudgetLineFactory(source=funding_source("apbn"), fiscal_year=2025)
        other_year = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024)
        activity = coaching_services.activity_create(by=staff_user, **_activity_fields())
        assert activity.budget_line_id not in (other_source.pk, other_year.pk)
        assert activity.budget_line.needs_review is True

    def test_with_two_real_lines_and_none_chosen_the_activity_is_refused_on_the_budget_line_field(
        self, staff_user
    ):
        BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2025)
        BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2025)
        with pytest.raises(ValidationError) as exc:
            coaching_services.activity_create(by=staff_user, **_activity_fields())
        assert "budget_line" in _fields(exc)
        assert "pilih salah satu" in " ".join(exc.value.error_dict["budget_line"][0].messages)
        assert not Activity.objects.exists()

    def test_with_two_real_lines_a_chosen_line_is_used(self, staff_user):
        BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2025)
        chosen = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2025)
        activity = coaching_services.activity_create(by=staff_user, **_activity_fields(budget_line=chosen))
        assert activity.budget_line_id == chosen.pk

    def test_a_chosen_line_decides_the_funding_source_and_fiscal_year(self, staff_user):
        chosen = BudgetLineFactory(source=funding_source("apbn"), fiscal_year=2024)
        activity = coaching_services.activity_create(
            by=staff_user,
            **_activity_fields(
                budget_line=chosen, funding_source=funding_source("apbd-kota"), fiscal_year=2025
            ),
        )
        activity.refresh_from_db()
        assert activity.budget_line_id == chosen.pk
        assert activity.funding_source.code == "apbn"
        assert activity.fiscal_year == 2024

    def test_choosing_another_line_when_editing_moves_the_activity_to_its_source_and_year(self, staff_user):
        first = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2025)
        second = BudgetLineFactory(source=funding_source("apbd-provinsi"), fiscal_year=2025)
        activity = coaching_services.activity_create(by=staff_user, **_activity_fields())
        assert activity.budget_line_id == first.pk
        coaching_services.activity_update(activity=activity, by=staff_user, budget_line=second)
        activity.refresh_from_db()
        assert activity.budget_line_id == second.pk
        assert activity.funding_source.code == "apbd-provinsi"

    def test_an_activity_saved_without_a_line_is_charged_to_the_placeholder_of_its_source_and_year(self):
        activity = ActivityFactory(
            funding_source=funding_source("lainnya"), start_date=datetime.date(2022, 3, 1)
        )
        assert activity.budget_line.needs_review is True
        assert (activity.budget_line.source.code, activity.budget_line.fiscal_year) == ("lainnya", 2022)


# --- Capital assistance: proposing ------------------------------------------------------------


class TestProposing:
    def test_a_grant_is_proposed_in_a_disbursement_round_and_charged_to_the_rounds_line(self, staff_user):
        line = BudgetLineFactory()
        activity = grant_round(budget_line=line)
        grant = _propose(staff_user, BusinessFactory(), activity, amount=7_500_000)
        assert grant.status == G.PROPOSED
        assert grant.budget_line_id == line.pk
        assert grant.amount == 7_500_000
        assert grant.history.get().history_user == staff_user

    def test_a_grant_cannot_be_proposed_in_an_activity_that_is_not_a_disbursement_round(self, staff_user):
        workshop = ActivityFactory(coaching_type=coaching_type("workshop"))
        business = BusinessFactory()
        with pytest.raises(ValidationError) as exc:
            _propose(staff_user, business, workshop)
        assert "activity" in _fields(exc)
        assert not CapitalAssistance.objects.exists()
        assert not Participation.objects.filter(business=business).exists()

    def test_a_grant_cannot_be_proposed_in_a_cancelled_round(self, staff_user):
        activity = grant_round(budget_line=BudgetLineFactory())
        coaching_services.activity_cancel(activity=activity, by=staff_user, reason="Banjir")
        activity.refresh_from_db()
        with pytest.raises(ValidationError) as exc:
            _propose(staff_user, BusinessFactory(), activity)
        assert "activity" in _fields(exc)
        assert not CapitalAssistance.objects.exists()

    @pytest.mark.parametrize("amount", [0, -1, -2_500_000])
    def test_a_grant_of_zero_or_less_is_refused_and_nothing_is_saved(self, staff_user, amount):
        activity = grant_round(budget_line=BudgetLineFactory())
        business = BusinessFactory()
        with pytest.raises(ValidationError) as exc:
            _propose(staff_user, business, activity, amount=amount)
        assert "amount" in _fields(exc)
        assert not CapitalAssistance.objects.exists()
        assert not Participation.objects.filter(business=business).exists()

    def test_the_recipient_becomes_a_registered_participant_of_the_round(self, staff_user):
        activity = grant_round(budget_line=BudgetLineFactory())
        business = BusinessFactory()
        _propose(staff_user, business, activity)
        assert _participation(activity, business).status == P.REGISTERED

    def test_an_existing_participant_is_not_added_twice(self, staff_user):
        activity = grant_round(budget_line=BudgetLineFactory())
        business = BusinessFactory()
        ParticipationFactory(activity=activity, business=business)
        _propose(staff_user, business, activity)
        assert Participation.objects.filter(activity=activity, business=business).count() == 1

    def test_proposing_the_same_business_twice_in_one_round_is_refused(self, staff_user):
        activity = grant_round(budget_line=BudgetLineFactory())
        business = BusinessFactory()
        _propose(staff_user, business, activity)
        with pytest.raises(ValidationError) as exc:
            _propose(staff_user, business, activity, amount=2_500_000)
        assert "sudah diusulkan" in _messages(exc)
        assert CapitalAssistance.objects.filter(business=business).count() == 1


# --- Capital assistance: double dipping -------------------------------------------------------


class TestDoubleDipping:
    @pytest.fixture
    def two_sources(self):
        kota = grant_round(
            budget_line=BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024),
            title="Penyaluran Bantuan Modal Usaha Kota 2024",
        )
        provinsi = grant_round(
            budget_line=BudgetLineFactory(source=funding_source("apbd-provinsi"), fiscal_year=2024),
            title="Bantuan Peralatan Usaha Mikro Provinsi 2024",
            start_date=datetime.date(2024, 8, 1),
        )
        return kota, provinsi

    def test_a_second_grant_from_another_source_in_the_same_year_warns_naming_the_earlier_grant(
        self, staff_user, two_sources
    ):
        kota, provinsi = two_sources
        business = BusinessFactory()
        _propose(staff_user, business, kota, amount=7_500_000)
        second = _propose(staff_user, business, provinsi, amount=5_000_000)
        warnings = grants.double_funding_warnings(second)
        assert len(warnings) == 1
        assert "Penyaluran Bantuan Modal Usaha Kota 2024" in warnings[0]
        assert "APBD Kota" in warnings[0]
        assert "2024" in warnings[0]
        assert format_rupiah(7_500_000) in warnings[0]

    def test_approving_the_second_grant_without_a_reason_is_refused(self, staff_user, two_sources):
        kota, provinsi = two_sources
        business = BusinessFactory()
        _approved(staff_user, business, kota)
        second = _propose(staff_user, business, provinsi)
        for reason in ("", "   "):
            with pytest.raises(ValidationError) as exc:
                grants.grant_approve(grant=second, by=_approver(), reason=reason)
            assert "reason" in _fields(exc)
            assert "Penyaluran Bantuan Modal Usaha Kota 2024" in _messages(exc)
        second.refresh_from_db()
        assert second.status == G.PROPOSED
        assert second.double_funding_reason == ""

    def test_approving_the_second_grant_with_a_reason_succeeds_and_keeps_the_reason(
        self, staff_user, two_sources
    ):
        kota, provinsi = two_sources
        business = BusinessFactory()
        _approved(staff_user, business, kota)
        second = _propose(staff_user, business, provinsi)
        reason = "Usaha terdampak banjir; bantuan kedua untuk peralatan yang rusak."
        grants.grant_approve(grant=second, by=_approver(), reason=reason)
        second.refresh_from_db()
        assert second.status == G.APPROVED
        assert second.double_funding_reason == reason
        assert second.history.order_by("-history_date", "-history_id")[0].double_funding_reason == reason

    def test_two_grants_from_the_same_source_in_one_year_give_no_warning(self, staff_user):
        kota_lines = [
            BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024) for _ in range(2)
        ]
        first_round = grant_round(budget_line=kota_lines[0])
        second_round = grant_round(budget_line=kota_lines[1], start_date=datetime.date(2024, 9, 2))
        business = BusinessFactory()
        _approved(staff_user, business, first_round)
        second = _propose(staff_user, business, second_round)
        assert grants.double_funding_warnings(second) == []
        grants.grant_approve(grant=second, by=_approver())
        second.refresh_from_db()
        assert second.status == G.APPROVED
        assert second.double_funding_reason == ""

    def test_a_grant_from_another_source_in_another_year_gives_no_warning(self, staff_user):
        kota = grant_round(
            budget_line=BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2023)
        )
        apbn = grant_round(budget_line=BudgetLineFactory(source=funding_source("apbn"), fiscal_year=2024))
        business = BusinessFactory()
        _approved(staff_user, business, kota)
        second = _propose(staff_user, business, apbn)
        assert grants.double_funding_warnings(second) == []

    def test_a_cancelled_earlier_grant_gives_no_warning(self, staff_user, two_sources):
        kota, provinsi = two_sources
        business = BusinessFactory()
        first = _propose(staff_user, business, kota)
        grants.grant_cancel(grant=first, by=staff_user, reason="Usaha sudah tutup")
        second = _propose(staff_user, business, provinsi)
        assert grants.double_funding_warnings(second) == []

    def test_another_business_in_the_same_rounds_gives_no_warning(self, staff_user, two_sources):
        kota, provinsi = two_sources
        _approved(staff_user, BusinessFactory(), kota)
        other = _propose(staff_user, BusinessFactory(), provinsi)
        assert grants.double_funding_warnings(other) == []


# --- Capital assistance: disbursing, cancelling, editing --------------------------------------


class TestDisbursing:
    def test_a_proposed_grant_cannot_be_disbursed_before_approval(self, staff_user):
        activity = grant_round(budget_line=BudgetLineFactory())
        grant = _propose(staff_user, BusinessFactory(), activity)
        with pytest.raises(ValidationError) as exc:
            grants.grant_disburse(grant=grant, by=_treasurer(), disbursed_on=ROUND_START)
        assert "disetujui" in _messages(exc)
        grant.refresh_from_db()
        assert grant.status == G.PROPOSED
        assert grant.disbursed_on is None

    def test_a_grant_cannot_be_disbursed_on_a_future_date(self, staff_user):
        activity = grant_round(budget_line=BudgetLineFactory())
        grant = _approved(staff_user, BusinessFactory(), activity)
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        with pytest.raises(ValidationError) as exc:
            grants.grant_disburse(grant=grant, by=_treasurer(), disbursed_on=tomorrow)
        assert "disbursed_on" in _fields(exc)
        grant.refresh_from_db()
        assert grant.status == G.APPROVED

    def test_a_grant_cannot_be_disbursed_before_the_round_started(self, staff_user):
        activity = grant_round(budget_line=BudgetLineFactory())
        grant = _approved(staff_user, BusinessFactory(), activity)
        with pytest.raises(ValidationError) as exc:
            grants.grant_disburse(
                grant=grant, by=_treasurer(), disbursed_on=activity.start_date - datetime.timedelta(days=1)
            )
        assert "disbursed_on" in _fields(exc)
        grant.refresh_from_db()
        assert grant.status == G.APPROVED

    def test_disbursing_records_the_date_and_marks_the_recipient_present(self, staff_user):
        activity = grant_round(budget_line=BudgetLineFactory())
        business = BusinessFactory(registered_on=REGISTERED)
        grant = _approved(staff_user, business, activity)
        grants.grant_disburse(grant=grant, by=_treasurer(), disbursed_on=activity.start_date)
        grant.refresh_from_db()
        assert grant.status == G.DISBURSED
        assert grant.disbursed_on == activity.start_date
        assert _participation(activity, business).status == P.ATTENDED

    def test_the_recipient_counts_as_coached_only_once_the_grant_is_disbursed(self, staff_user):
        activity = grant_round(budget_line=BudgetLineFactory())
        business = BusinessFactory(registered_on=REGISTERED)
        grant = _propose(staff_user, business, activity)
        assert business not in coached_businesses(**PERIOD)
        grant = grants.grant_approve(grant=grant, by=_approver(), approved_on=activity.start_date)
        assert business not in coached_businesses(**PERIOD)
        grants.grant_disburse(grant=grant, by=_treasurer(), disbursed_on=activity.start_date)
        assert list(coached_businesses(**PERIOD)) == [business]

    def test_disbursed_money_counts_as_realisasi_of_the_grants_line_only_once_disbursed(self, staff_user):
        line = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024)
        activity = grant_round(budget_line=line, actual_cost=2_500_000)
        grant = _approved(staff_user, BusinessFactory(registered_on=REGISTERED), activity, amount=10_000_000)
        assert _overview_row(2024, "apbd-kota").realized == 2_500_000
        grants.grant_disburse(grant=grant, by=_treasurer(), disbursed_on=activity.start_date)
        assert _overview_row(2024, "apbd-kota").realized == 12_500_000


class TestCancellingAndEditing:
    @pytest.mark.parametrize("approve", [False, True], ids=["proposed", "approved"])
    def test_cancelling_before_disbursement_sets_the_participation_to_batal(self, staff_user, approve):
        activity = grant_round(budget_line=BudgetLineFactory())
        business = BusinessFactory()
        grant = (
            _approved(staff_user, business, activity) if approve else _propose(staff_user, business, activity)
        )
        grants.grant_cancel(grant=grant, by=staff_user, reason="Penerima pindah ke luar kota")
        grant.refresh_from_db()
        assert grant.status == G.CANCELLED
        assert grant.change_reason == "Penerima pindah ke luar kota"
        assert _participation(activity, business).status == P.CANCELLED

    def test_cancelling_needs_a_reason(self, staff_user):
        activity = grant_round(budget_line=BudgetLineFactory())
        grant = _propose(staff_user, BusinessFactory(), activity)
        with pytest.raises(ValidationError) as exc:
            grants.grant_cancel(grant=grant, by=staff_user, reason="  ")
        assert "reason" in _fields(exc)
        grant.refresh_from_db()
        assert grant.status == G.PROPOSED

    def test_a_disbursed_grant_cannot_be_cancelled(self, staff_user):
        activity = grant_round(budget_line=BudgetLineFactory())
        business = BusinessFactory(registered_on=REGISTERED)
        grant = _disbursed(staff_user, business, activity)
        with pytest.raises(ValidationError) as exc:
            grants.grant_cancel(grant=grant, by=staff_user, reason="Salah input")
        assert "tidak dapat dibatalkan" in _messages(exc)
        grant.refresh_from_db()
        assert grant.status == G.DISBURSED
        assert _participation(activity, business).status == P.ATTENDED

    def test_editing_a_disbursed_grant_without_a_reason_is_refused(self, staff_user):
        activity = grant_round(budget_line=BudgetLineFactory())
        grant = _disbursed(staff_user, BusinessFactory(registered_on=REGISTERED), activity, amount=5_000_000)
        for reason in ("", "  "):
            with pytest.raises(ValidationError) as exc:
                grants.grant_update(grant=grant, by=staff_user, reason=reason, amount=4_750_000)
            assert "reason" in _fields(exc)
        grant.refresh_from_db()
        assert grant.amount == 5_000_000

    def test_editing_a_disbursed_grant_with_a_reason_succeeds_and_the_reason_is_in_the_history(
        self, staff_user
    ):
        activity = grant_round(budget_line=BudgetLineFactory())
        grant = _disbursed(staff_user, BusinessFactory(registered_on=REGISTERED), activity, amount=5_000_000)
        reason = "Nilai sesuai berita acara serah terima: Rp4.750.000"
        grants.grant_update(grant=grant, by=staff_user, reason=reason, amount=4_750_000)
        grant.refresh_from_db()
        assert grant.amount == 4_750_000
        assert grant.status == G.DISBURSED
        latest = grant.history.order_by("-history_date", "-history_id")[0]
        assert latest.change_reason == reason
        assert latest.amount == 4_750_000
        assert latest.history_user == staff_user
        assert any(h.amount == 5_000_000 for h in grant.history.all())

    def test_a_proposed_grant_may_be_edited_without_a_reason(self, staff_user):
        activity = grant_round(budget_line=BudgetLineFactory())
        grant = _propose(staff_user, BusinessFactory(), activity, amount=5_000_000)
        grants.grant_update(grant=grant, by=staff_user, amount=6_000_000)
        grant.refresh_from_db()
        assert grant.amount == 6_000_000

    @pytest.mark.parametrize("amount", [0, -1])
    def test_editing_a_grant_to_zero_or_less_is_refused(self, staff_user, amount):
        activity = grant_round(budget_line=BudgetLineFactory())
        grant = _propose(staff_user, BusinessFactory(), activity, amount=5_000_000)
        with pytest.raises(ValidationError) as exc:
            grants.grant_update(grant=grant, by=staff_user, amount=amount)
        assert "amount" in _fields(exc)
        grant.refresh_from_db()
        assert grant.amount == 5_000_000


# --- Loan facilitation ------------------------------------------------------------------------


def test_a_kur_loan_outcome_with_an_amount_never_counts_as_realisasi(staff_user):
    line = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024, amount=100_000_000)
    workshop = ActivityFactory(budget_line=line, actual_cost=9_500_000)
    business = BusinessFactory()
    ParticipationFactory(activity=workshop, business=business, status=P.ATTENDED)
    before = _overview_row(2024, "apbd-kota")
    assert before.realized == 9_500_000
    outcome = coaching_services.outcome_record(
        business=business,
        by=staff_user,
        outcome_type=outcome_type("kur"),
        achieved_on=datetime.date(2024, 7, 1),
        activity=workshop,
        institution="Bank Kalsel",
        amount=50_000_000,
    )
    assert outcome.amount == 50_000_000
    after = _overview_row(2024, "apbd-kota")
    assert after.realized == 9_500_000
    assert after.grants_disbursed == 0
    assert after.budget == before.budget


# --- Merging duplicates that received assistance (docs/rules.md rule 2) --------------------------


class TestMergingRecipients:
    def test_after_merging_duplicates_a_grant_from_another_source_is_flagged(self, staff_user):
        from pembinaan.registry.services import business_merge

        keep, remove = BusinessFactory(name="Amplang Haruan"), BusinessFactory(name="Amplang Haruan (dobel)")
        kota = grant_round(
            budget_line=BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024)
        )
        apbn = grant_round(budget_line=BudgetLineFactory(source=funding_source("apbn"), fiscal_year=2024))
        first = _approved(staff_user, keep, kota)
        second = _propose(staff_user, remove, apbn)
        assert grants.double_funding_warnings(second) == []
        business_merge(keep=keep, remove=remove, by=staff_user)
        second.refresh_from_db()
        assert second.business_id == keep.pk
        warnings = grants.double_funding_warnings(second)
        assert len(warnings) == 1 and kota.title in warnings[0]
        with pytest.raises(ValidationError):
            grants.grant_approve(grant=second, by=_approver())
        assert first.pk != second.pk

    def test_merging_duplicates_that_both_received_a_grant_in_one_round_is_refused_or_keeps_both(
        self, staff_user
    ):
        """Rule 2 keeps every record when merging; it must never end in a database error (a 500)."""
        from pembinaan.registry.services import business_merge

        keep = BusinessFactory(name="Sasirangan Ibu Ani", registered_on=REGISTERED)
        remove = BusinessFactory(name="Sasirangan Bu Ani", registered_on=REGISTERED)
        activity = grant_round(budget_line=BudgetLineFactory())
        _disbursed(staff_user, keep, activity, amount=5_000_000)
        _disbursed(staff_user, remove, activity, amount=7_500_000)
        try:
            business_merge(keep=keep, remove=remove, by=staff_user)
        except ValidationError:
            remove.refresh_from_db()
            assert remove.merged_into_id is None
            assert CapitalAssistance.objects.filter(business=remove).count() == 1
        else:
            kept = CapitalAssistance.objects.filter(business=keep, status=G.DISBURSED)
            assert sum(g.amount for g in kept) == 12_500_000
