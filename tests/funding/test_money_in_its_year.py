"""Money in its year (docs/rules.md 13b–13c, issue 17): a grant is charged to a budget line of its
round's funding source and fiscal year; money paid after that year needs a new round; and the
`hadir` a disbursement records — dated by the round's start — is never before the business was
registered nor before the grant was approved. Through the services, the staff pages and the import.

Today is frozen at 3 December 2026, 10.00 WITA, the day of the case the issue reports.
"""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from pembinaan.coaching import grants
from pembinaan.coaching.models import Participation, ParticipationStatus
from pembinaan.funding.models import CapitalAssistance
from pembinaan.imports import services as imports
from pembinaan.imports.models import ImportRun
from pembinaan.progress import money
from pembinaan.progress.models import Target
from pembinaan.progress.selectors import progress
from pembinaan.registry.models import BusinessSource
from tests.coaching.factories import funding_source
from tests.factories import BusinessFactory
from tests.funding.factories import BudgetLineFactory, CapitalAssistanceFactory, grant_round
from tests.imports.files import csv_bytes

pytestmark = pytest.mark.django_db

G = CapitalAssistance.Status
P = ParticipationStatus
TODAY = datetime.date(2026, 12, 3)


@pytest.fixture(autouse=True)
def _today():
    with freeze_time("2026-12-03 02:00:00"):  # 10.00 WITA
        yield


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _round(year: int, start: str, source: str = "apbd-kota", **fields):
    line = BudgetLineFactory(source=funding_source(source), fiscal_year=year)
    return grant_round(budget_line=line, start_date=_day(start), end_date=_day(start), **fields)


def _proposed(by, business, activity, **fields) -> CapitalAssistance:
    fields.setdefault("date", min(activity.start_date, timezone.localdate()))
    return grants.grant_propose(by=by, business=business, activity=activity, amount=5_000_000, **fields)


def _approved(by, approver, business, activity, approved_on=None) -> CapitalAssistance:
    """Proposed by `by` on the approval's day (or the round's, or today), then approved by another
    person, `approver` (rule 14)."""
    grant = _proposed(
        by, business, activity, date=approved_on or min(activity.start_date, timezone.localdate())
    )
    return grants.grant_approve(grant=grant, by=approver, approved_on=approved_on)


def _attendance(grant) -> str:
    return Participation.objects.get(activity=grant.activity, business=grant.business).status


def _coached_in(year: int) -> int:
    return next(r["coached_new"] for r in progress(Target.primary())["by_year"] if r["year"] == year)


def _realized(year: int, source: str = "apbd-kota") -> int:
    return next(r.realized for r in money.budget_overview(year=year) if r.source.code == source)


def _message(exc: pytest.ExceptionInfo, field: str) -> str:
    return " ".join(exc.value.message_dict[field])


# --- 13b: the line of the round's source and year ---------------------------------------------


class TestChargedToTheRoundsSourceAndYear:
    def test_without_a_chosen_line_the_grant_is_charged_to_the_rounds_line(self, staff_user):
        activity = _round(2026, "2026-12-03")
        grant = _proposed(staff_user, BusinessFactory(), activity)
        assert grant.budget_line_id == activity.budget_line_id

    def test_another_line_of_the_rounds_source_and_year_may_be_chosen(self, staff_user):
        activity = _round(2026, "2026-12-03")
        other = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2026)
        grant = _proposed(staff_user, BusinessFactory(), activity, budget_line=other)
        assert grant.budget_line_id == other.pk

    @pytest.mark.parametrize(
        ("source", "year"), [("apbn", 2026), ("apbd-kota", 2025)], ids=["another-source", "another-year"]
    )
    def test_a_line_of_another_source_or_year_is_refused_on_the_line_and_nothing_is_saved(
        self, staff_user, source, year
    ):
        activity = _round(2026, "2026-12-03")
        business = BusinessFactory()
        wrong = BudgetLineFactory(source=funding_source(source), fiscal_year=year)
        with pytest.raises(ValidationError) as exc:
            _proposed(staff_user, business, activity, budget_line=wrong)
        message = _message(exc, "budget_line")
        assert "APBD Kota tahun anggaran 2026" in message
        assert not CapitalAssistance.objects.exists()
        assert not Participation.objects.filter(business=business).exists()

    def test_moving_a_grant_to_a_line_of_another_year_is_refused_and_the_line_stays(self, staff_user):
        activity = _round(2026, "2026-12-03")
        grant = _proposed(staff_user, BusinessFactory(), activity)
        last_year = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2025)
        with pytest.raises(ValidationError) as exc:
            grants.grant_update(grant=grant, by=staff_user, budget_line=last_year)
        assert "budget_line" in exc.value.message_dict
        grant.refresh_from_db()
        assert grant.budget_line_id == activity.budget_line_id


# --- 13b: money paid after the round's year needs a new round --------------------------------


class TestDisbursedInTheRoundsYear:
    def test_the_reported_case_is_refused_and_no_figure_of_2025_moves(
        self, staff_user, approver_user, treasurer_user
    ):
        """A grant paid on 3 Dec 2026 through a round of 15 April 2025, charged to APBD Kota 2025."""
        activity = _round(2025, "2025-04-15", title="Penyaluran Bantuan Modal Tahap I 2025")
        business = BusinessFactory(registered_on=_day("2025-01-10"))
        grant = _approved(staff_user, approver_user, business, activity)
        coached_2025, realized_2025 = _coached_in(2025), _realized(2025)

        with pytest.raises(ValidationError) as exc:
            grants.grant_disburse(grant=grant, by=treasurer_user, disbursed_on=TODAY)

        message = _message(exc, "disbursed_on")
        assert "Penyaluran Bantuan Modal Tahap I 2025" in message
        assert "tahun anggaran 2025" in message
        assert "Buka putaran penyaluran" in message and "tahun anggaran 2026" in message
        grant.refresh_from_db()
        assert (grant.status, grant.disbursed_on) == (G.APPROVED, None)
        assert _attendance(grant) == P.REGISTERED
        assert (_coached_in(2025), _realized(2025)) == (coached_2025, realized_2025)

    def test_a_disbursement_dated_before_the_rounds_year_is_refused_too(
        self, staff_user, approver_user, treasurer_user
    ):
        # A round of fiscal year 2026 that started in December 2025 (rule 13a allows one year apart).
        activity = _round(2026, "2025-12-15")
        grant = _approved(
            staff_user,
            approver_user,
            BusinessFactory(registered_on=_day("2025-11-01")),
            activity,
            _day("2025-12-01"),
        )
        with pytest.raises(ValidationError) as exc:
            grants.grant_disburse(grant=grant, by=treasurer_user, disbursed_on=_day("2025-12-20"))
        assert "tahun anggaran 2025" in _message(exc, "disbursed_on")
        grant.refresh_from_db()
        assert grant.status == G.APPROVED

    def test_a_grant_approved_before_its_round_is_paid_in_the_rounds_year_and_counts_there(
        self, staff_user, approver_user, treasurer_user
    ):
        activity = _round(2026, "2026-12-03")
        business = BusinessFactory(registered_on=_day("2026-02-01"))
        grant = _approved(staff_user, approver_user, business, activity)
        coached_2026, realized_2026 = _coached_in(2026), _realized(2026)

        grants.grant_disburse(grant=grant, by=treasurer_user, disbursed_on=TODAY)

        grant.refresh_from_db()
        assert (grant.status, grant.disbursed_on) == (G.DISBURSED, TODAY)
        assert (grant.budget_line.source.code, grant.budget_line.fiscal_year) == ("apbd-kota", 2026)
        assert _attendance(grant) == P.ATTENDED
        assert _coached_in(2026) == coached_2026 + 1
        assert _realized(2026) == realized_2026 + 5_000_000


# --- 13c: the attendance is never dated before registration or approval ----------------------


class TestAttendanceDate:
    def test_a_round_that_started_before_the_business_was_registered_cannot_mark_it_present(
        self, staff_user, approver_user, treasurer_user
    ):
        activity = _round(2026, "2026-11-20")
        business = BusinessFactory(registered_on=_day("2026-11-25"), source=BusinessSource.SELF)
        grant = _approved(staff_user, approver_user, business, activity, approved_on=_day("2026-11-20"))
        with pytest.raises(ValidationError) as exc:
            grants.grant_disburse(grant=grant, by=treasurer_user, disbursed_on=TODAY)
        message = _message(exc, "activity")
        assert "20 November 2026" in message and "25 November 2026" in message
        assert "sebelum usahanya terdaftar" in message
        assert "Buka putaran penyaluran baru" in message
        grant.refresh_from_db()
        assert grant.status == G.APPROVED
        assert _attendance(grant) == P.REGISTERED

    def test_the_registration_day_is_read_in_wita(self, staff_user, approver_user, treasurer_user):
        # 30 November 2026, 23.30 UTC is already 1 December in Banjarmasin.
        activity = _round(2026, "2026-11-30")
        business = BusinessFactory(source=BusinessSource.SELF)
        business.created_at = datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC)
        type(business).objects.filter(pk=business.pk).update(created_at=business.created_at)
        assert grants.registered_on(business) == _day("2026-12-01")
        grant = _approved(staff_user, approver_user, business, activity, approved_on=_day("2026-11-30"))
        with pytest.raises(ValidationError) as exc:
            grants.grant_disburse(grant=grant, by=treasurer_user, disbursed_on=TODAY)
        assert "1 Desember 2026" in _message(exc, "activity")

    def test_a_record_the_dinas_entered_may_carry_a_grant_from_before_its_entry(
        self, staff_user, approver_user, treasurer_user
    ):
        # Imported history: a business entered in 2026 was coached and funded in 2026's spring;
        # its entry day is not its registration (only a self-registration dates that).
        activity = _round(2026, "2026-03-10")
        business = BusinessFactory(registered_on=_day("2026-11-25"), source=BusinessSource.IMPORT)
        grant = _approved(staff_user, approver_user, business, activity, approved_on=_day("2026-03-01"))
        assert grants.registered_on(business) is None
        grants.grant_disburse(grant=grant, by=treasurer_user, disbursed_on=_day("2026-03-10"))
        grant.refresh_from_db()
        assert grant.status == G.DISBURSED and _attendance(grant) == P.ATTENDED

    def test_a_round_that_started_before_the_approval_cannot_mark_the_recipient_present(
        self, staff_user, approver_user, treasurer_user
    ):
        activity = _round(2026, "2026-11-20")
        business = BusinessFactory(registered_on=_day("2026-03-01"))
        grant = _approved(staff_user, approver_user, business, activity)  # approved today, 3 December
        with pytest.raises(ValidationError) as exc:
            grants.grant_disburse(grant=grant, by=treasurer_user, disbursed_on=TODAY)
        message = _message(exc, "activity")
        assert "20 November 2026" in message and "3 Desember 2026" in message
        assert "sebelum persetujuan" in message
        grant.refresh_from_db()
        assert (grant.status, grant.disbursed_on) == (G.APPROVED, None)
        assert _attendance(grant) == P.REGISTERED

    def test_a_round_starting_on_the_day_of_registration_and_approval_is_allowed(
        self, staff_user, approver_user, treasurer_user
    ):
        activity = _round(2026, "2026-12-03")
        grant = _approved(
            staff_user, approver_user, BusinessFactory(), activity
        )  # registered and approved today
        grants.grant_disburse(grant=grant, by=treasurer_user, disbursed_on=TODAY)
        assert _attendance(grant) == P.ATTENDED

    def test_an_approval_the_portal_never_dated_counts_as_made_today(self, staff_user, treasurer_user):
        activity = _round(2026, "2026-11-20")
        business = BusinessFactory(registered_on=_day("2026-01-05"))
        grant = CapitalAssistanceFactory(business=business, activity=activity, status=G.APPROVED)
        assert grant.approved_on is None
        with pytest.raises(ValidationError) as exc:
            grants.grant_disburse(grant=grant, by=treasurer_user, disbursed_on=TODAY)
        assert "3 Desember 2026" in _message(exc, "activity")


class TestApproval:
    def test_the_approval_keeps_its_day_and_its_approver(self, staff_user, approver_user):
        grant = _approved(staff_user, approver_user, BusinessFactory(), _round(2026, "2026-12-03"))
        grant.refresh_from_db()
        assert (grant.approved_on, grant.approved_by) == (TODAY, approver_user)
        latest = grant.history.order_by("-history_date", "-history_id")[0]
        assert (latest.approved_on, latest.history_user) == (TODAY, approver_user)

    def test_an_approval_dated_in_the_future_is_refused(self, staff_user, approver_user):
        grant = _proposed(staff_user, BusinessFactory(), _round(2026, "2026-12-03"))
        with pytest.raises(ValidationError) as exc:
            grants.grant_approve(grant=grant, by=approver_user, approved_on=_day("2026-12-04"))
        assert "approved_on" in exc.value.message_dict
        grant.refresh_from_db()
        assert (grant.status, grant.approved_on) == (G.PROPOSED, None)

    def test_an_approval_dated_before_the_proposal_is_refused(self, staff_user, approver_user):
        grant = _proposed(staff_user, BusinessFactory(), _round(2026, "2026-12-03"), date=_day("2026-11-10"))
        with pytest.raises(ValidationError) as exc:
            grants.grant_approve(grant=grant, by=approver_user, approved_on=_day("2026-11-09"))
        assert "10 November 2026" in _message(exc, "approved_on")
        grant.refresh_from_db()
        assert grant.status == G.PROPOSED

    def test_an_approved_grants_proposal_date_cannot_move_after_its_approval(self, staff_user, approver_user):
        grant = _approved(
            staff_user, approver_user, BusinessFactory(), _round(2026, "2026-12-03"), _day("2026-11-10")
        )
        with pytest.raises(ValidationError) as exc:
            grants.grant_update(grant=grant, by=staff_user, date=_day("2026-11-11"))
        assert "10 November 2026" in _message(exc, "date")

    def test_approvals_from_before_the_new_columns_get_their_day_and_approver_from_the_history(
        self, staff_user, approver_user
    ):
        migration = importlib.import_module("pembinaan.funding.migrations.0006_grant_approval")
        activity = _round(2026, "2026-12-03")
        with freeze_time("2026-11-30 17:00:00"):  # 1 December 2026, 01.00 WITA
            grant = _approved(staff_user, approver_user, BusinessFactory(), activity)
        CapitalAssistance.objects.filter(pk=grant.pk).update(approved_on=None, approved_by=None)
        never_approved = _proposed(staff_user, BusinessFactory(), activity)

        migration.approvals_from_history(apps, None)

        grant.refresh_from_db()
        never_approved.refresh_from_db()
        assert (grant.approved_on, grant.approved_by) == (_day("2026-12-01"), approver_user)
        assert never_approved.approved_on is None


# --- The staff pages --------------------------------------------------------------------------


class TestOnThePages:
    def test_a_refused_disbursement_comes_back_with_the_date_marked_and_nothing_changes(
        self, staff_client, staff_user, approver_user, treasurer_client
    ):
        activity = _round(2025, "2025-04-15", title="Penyaluran Bantuan Modal Tahap I 2025")
        grant = _approved(
            staff_user, approver_user, BusinessFactory(registered_on=_day("2025-01-10")), activity
        )

        response = treasurer_client.post(
            reverse("coaching:grant-disburse", kwargs={"pk": grant.pk}), {"disbursed_on": "2026-12-03"}
        )

        assert response.status_code == 200
        form = response.context["disburse_form"]
        assert "Buka putaran penyaluran" in " ".join(form.errors["disbursed_on"])
        html = response.content.decode()
        assert 'value="2026-12-03"' in html
        assert "is-invalid" in html
        assert "tahun anggaran 2026" in html
        grant.refresh_from_db()
        assert (grant.status, grant.disbursed_on) == (G.APPROVED, None)
        assert _attendance(grant) == P.REGISTERED

    def test_a_round_started_before_the_approval_is_named_above_the_form_and_nothing_changes(
        self, staff_client, staff_user, approver_user, treasurer_client
    ):
        activity = _round(2026, "2026-11-20")
        grant = _approved(
            staff_user, approver_user, BusinessFactory(registered_on=_day("2026-03-01")), activity
        )

        response = treasurer_client.post(
            reverse("coaching:grant-disburse", kwargs={"pk": grant.pk}), {"disbursed_on": "2026-12-03"}
        )

        assert response.status_code == 200
        errors = " ".join(response.context["disburse_form"].non_field_errors())
        assert "sebelum persetujuan" in errors
        assert "sebelum persetujuan" in response.content.decode()
        grant.refresh_from_db()
        assert grant.status == G.APPROVED
        assert _attendance(grant) == P.REGISTERED

    def test_a_disbursement_in_the_rounds_year_still_goes_through_and_returns_to_the_grant(
        self, staff_client, staff_user, approver_user, treasurer_client
    ):
        grant = _approved(staff_user, approver_user, BusinessFactory(), _round(2026, "2026-12-03"))
        response = treasurer_client.post(
            reverse("coaching:grant-disburse", kwargs={"pk": grant.pk}), {"disbursed_on": "2026-12-03"}
        )
        assert response.status_code == 302
        assert response.url == reverse("coaching:grant-detail", kwargs={"pk": grant.pk})
        grant.refresh_from_db()
        assert grant.status == G.DISBURSED
        assert _attendance(grant) == P.ATTENDED

    def test_the_grant_page_shows_who_approved_it_and_when(self, staff_client, staff_user, approver_user):
        grant = _approved(staff_user, approver_user, BusinessFactory(), _round(2026, "2026-12-03"))
        html = staff_client.get(reverse("coaching:grant-detail", kwargs={"pk": grant.pk})).content.decode()
        assert "3 Desember 2026 · " + str(approver_user) in html

    def test_proposing_on_a_line_of_another_year_marks_the_line_field_and_saves_nothing(self, staff_client):
        activity = _round(2026, "2026-12-03")
        business = BusinessFactory()
        wrong = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2025)

        response = staff_client.post(
            f"{reverse('coaching:grant-create')}?usaha={business.pk}",
            {
                "activity": activity.pk,
                "budget_line": wrong.pk,
                "date": "2026-12-03",
                "form": "tunai",
                "amount": "5.000.000",
            },
        )

        assert response.status_code == 200
        assert "APBD Kota tahun anggaran 2026" in " ".join(response.context["form"].errors["budget_line"])
        assert not CapitalAssistance.objects.exists()
        assert not Participation.objects.filter(business=business).exists()


# --- The import -------------------------------------------------------------------------------


class TestImport:
    HEADER = ["NIB", "Putaran Penyaluran", "Tanggal", "Nilai (Rp)", "Tanggal Disetujui", "Tanggal Disalurkan"]

    def _run(self, rows, by):
        return imports.run_file(
            kind="bantuan", file_name="bantuan.csv", data=csv_bytes([self.HEADER, *rows]), by=by
        )

    def test_a_past_disbursement_imports_with_the_approval_day_written_in_the_file(self, admin_user):
        activity = _round(2026, "2026-03-02", title="Penyaluran Modal Maret 2026")
        business = BusinessFactory(nib="9123456789012", registered_on=_day("2026-01-05"))
        result = self._run(
            [[business.nib, activity.title, "2026-02-16", "5000000", "2026-02-20", "2026-03-02"]], admin_user
        )
        assert result.status == ImportRun.Status.DONE, result.errors
        grant = CapitalAssistance.objects.get()
        assert (grant.status, grant.approved_on, grant.disbursed_on) == (
            G.DISBURSED,
            _day("2026-02-20"),
            _day("2026-03-02"),
        )
        assert _attendance(grant) == P.ATTENDED

    def test_without_the_approval_day_the_row_is_refused_naming_the_round_and_nothing_is_kept(
        self, admin_user
    ):
        activity = _round(2026, "2026-03-02", title="Penyaluran Modal Maret 2026")
        business = BusinessFactory(nib="9123456789012", registered_on=_day("2026-01-05"))
        result = self._run(
            [[business.nib, activity.title, "2026-02-16", "5000000", "", "2026-03-02"]], admin_user
        )
        assert result.status == ImportRun.Status.REFUSED
        [(row, column, message)] = result.errors
        assert (row, column) == (2, "Putaran Penyaluran")
        assert "sebelum persetujuan" in message
        assert not CapitalAssistance.objects.exists()

    def test_a_row_paid_after_the_rounds_year_is_refused_on_the_disbursement_date(self, admin_user):
        activity = _round(2025, "2025-04-15", title="Penyaluran Modal April 2025")
        business = BusinessFactory(nib="9123456789012", registered_on=_day("2025-01-05"))
        result = self._run(
            [[business.nib, activity.title, "2025-04-01", "5000000", "2025-04-10", "2026-12-03"]], admin_user
        )
        assert result.status == ImportRun.Status.REFUSED
        [(_row, column, message)] = result.errors
        assert column == "Tanggal Disalurkan"
        assert "Buka putaran penyaluran" in message
        assert not CapitalAssistance.objects.exists()


def test_todays_date_is_the_frozen_one():
    assert timezone.localdate() == TODAY
