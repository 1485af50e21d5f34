"""Journey 2: dinas staff work through a self-registration, a workshop and a grant, in the browser.

The steps are split into functions so the parts still to come slot in where they belong:
  - import a small spreadsheet (issue 7): after `_grant_proposed_approved_and_disbursed`,
  - export the filtered list (issue 7): last, from the business list.
"""

import datetime

import pytest

from pembinaan.accounts import roles
from pembinaan.coaching.models import Outcome, Participation, ParticipationStatus
from pembinaan.funding.models import CapitalAssistance
from pembinaan.registry.models import BusinessStatus
from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.e2e.browser import check
from tests.factories import BusinessFactory, OwnerFactory, UserFactory
from tests.funding.factories import BudgetLineFactory, grant_round

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROUND_DAY = datetime.date(2024, 5, 14)


@pytest.fixture
def desk():
    """A submitted self-registration, already signed up for a workshop that has started."""
    owner = OwnerFactory(name="Hj. Masitah Uji")
    business = BusinessFactory(owner=owner, name="Amplang Khas Masitah", status=BusinessStatus.SUBMITTED)
    workshop = ActivityFactory(title="Workshop Kemasan Produk Uji")
    registration = ParticipationFactory(activity=workshop, business=business)
    funding_round = grant_round(
        budget_line=BudgetLineFactory(fiscal_year=ROUND_DAY.year), start_date=ROUND_DAY
    )
    return {"business": business, "workshop": workshop, "registration": registration, "round": funding_round}


def _submission_verified(browsing, page, business):
    page.get_by_role("link", name="Verifikasi", exact=True).click()
    page.wait_for_load_state()
    assert "status=diajukan" in page.url
    check(page, "journey2-01-submissions")
    page.get_by_role("link", name=business.name).click()
    page.wait_for_load_state()
    check(page, "journey2-02-submission")
    page.locator("main form[action$='/verifikasi/'] button").click()
    page.wait_for_load_state()
    business.refresh_from_db()
    assert business.status == BusinessStatus.VERIFIED
    assert page.get_by_text("Terverifikasi").first.is_visible()
    check(page, "journey2-03-verified")


def _attendance_recorded(browsing, page, workshop, registration):
    page.get_by_role("link", name="Kegiatan", exact=True).click()
    page.wait_for_load_state()
    check(page, "journey2-04-activities")
    page.get_by_role("link", name=workshop.title).click()
    page.wait_for_load_state()
    check(page, "journey2-05-activity")
    page.get_by_role("link", name="Catat kehadiran").click()
    page.wait_for_load_state()
    check(page, "journey2-06-attendance")
    page.get_by_role("group", name=registration.business.name).get_by_label("Hadir", exact=True).check()
    page.get_by_role("button", name="Simpan kehadiran").click()
    page.wait_for_load_state()
    registration.refresh_from_db()
    assert registration.status == ParticipationStatus.ATTENDED
    check(page, "journey2-07-attendance-saved")


def _outcome_added(browsing, page, business, workshop):
    page.goto(f"/registri/usaha/{business.pk}/")
    page.get_by_role("link", name="Catat capaian").click()
    page.wait_for_load_state()
    # First a mistake: no type. The form says so, and is still accessible with its errors showing.
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").first.is_visible()
    check(page, "journey2-08-outcome-errors")
    assert not Outcome.objects.filter(business=business).exists()
    page.get_by_label("Jenis capaian").select_option(label="NIB terbit")
    page.get_by_label("Kegiatan terkait").select_option(value=str(workshop.pk))
    page.get_by_label("Nomor dokumen").fill("1234567890123")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_load_state()
    outcome = Outcome.objects.get(business=business)
    assert (outcome.outcome_type.code, outcome.activity_id) == ("nib", workshop.pk)
    check(page, "journey2-09-outcome-saved")


def _grant_proposed_approved_and_disbursed(browsing, page, business, funding_round):
    page.goto(f"/registri/usaha/{business.pk}/")
    page.get_by_role("link", name="Usulkan bantuan").click()
    page.wait_for_load_state()
    check(page, "journey2-10-grant-form")
    page.get_by_label("Putaran penyaluran (kegiatan)").select_option(value=str(funding_round.pk))
    page.locator("#id_date").fill(ROUND_DAY.isoformat())
    page.get_by_label("Bentuk").select_option(label="Peralatan")
    page.locator("#id_amount").fill("7.500.000")
    page.get_by_label("Uraian yang diberikan").fill("Mesin press plastik")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_load_state()
    grant = CapitalAssistance.objects.get(business=business)
    assert (grant.amount, grant.status) == (7_500_000, CapitalAssistance.Status.PROPOSED)
    check(page, "journey2-11-grant-proposed")
    page.get_by_role("button", name="Setujui").click()
    page.wait_for_load_state()
    check(page, "journey2-12-grant-approved")
    page.locator("#id_disbursed_on").fill((ROUND_DAY + datetime.timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Catat penyaluran").click()
    page.wait_for_load_state()
    grant.refresh_from_db()
    assert grant.status == CapitalAssistance.Status.DISBURSED
    # Rule 6: a disbursed grant is attendance of the round.
    assert Participation.objects.get(activity=grant.activity, business=business).status == "hadir"
    check(page, "journey2-13-grant-disbursed")


def test_staff_verify_a_submission_record_attendance_an_outcome_and_a_grant(browsing, desk):
    staff = UserFactory(role=roles.STAFF, email="pendamping@dinas.test")
    page = browsing.page()
    browsing.login(page, staff.email)
    _submission_verified(browsing, page, desk["business"])
    _attendance_recorded(browsing, page, desk["workshop"], desk["registration"])
    _outcome_added(browsing, page, desk["business"], desk["workshop"])
    _grant_proposed_approved_and_disbursed(browsing, page, desk["business"], desk["round"])
    # Issue 7 (import/export) adds here: import a small spreadsheet, then export the filtered list.
