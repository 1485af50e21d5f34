"""Journey 2: dinas staff work through a self-registration, a workshop and a grant, in the browser.

The steps are split into functions, in the order a staff member's day would take them: the staff
home and its counts, verify two registrations in a row, attendance, outcome, grant, then import a
small spreadsheet and export the filtered list.
"""

import datetime
import io
import re

import openpyxl
import pytest
from django.utils import timezone

from pembinaan.accounts import roles
from pembinaan.coaching.models import Outcome, Participation, ParticipationStatus
from pembinaan.funding.models import CapitalAssistance
from pembinaan.imports.models import ImportRun
from pembinaan.registry.models import Business, BusinessStatus
from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.e2e.browser import check
from tests.factories import BusinessFactory, OwnerFactory, UserFactory, make_nik
from tests.funding.factories import BudgetLineFactory, grant_round
from tests.imports.files import HEADER, xlsx

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def desk():
    """Two submitted self-registrations; the older one is already signed up for a workshop that has
    started."""
    owner = OwnerFactory(name="Hj. Masitah Uji")
    now = timezone.now()
    business = BusinessFactory(
        owner=owner,
        name="Amplang Khas Masitah",
        status=BusinessStatus.SUBMITTED,
        status_changed_at=now - datetime.timedelta(days=2),
    )
    second = BusinessFactory(
        owner=OwnerFactory(name="Siti Rahmah Uji"),
        name="Kue Bingka Rahmah",
        status=BusinessStatus.SUBMITTED,
        status_changed_at=now - datetime.timedelta(days=1),
    )
    workshop = ActivityFactory(title="Workshop Kemasan Produk Uji")
    registration = ParticipationFactory(activity=workshop, business=business)
    # The round starts today: the grant is approved today, and a disbursement's attendance is never
    # dated before the approval nor outside the round's fiscal year (rule 13b–c).
    round_day = timezone.localdate()
    funding_round = grant_round(
        budget_line=BudgetLineFactory(fiscal_year=round_day.year), start_date=round_day, end_date=round_day
    )
    return {
        "business": business,
        "second": second,
        "workshop": workshop,
        "registration": registration,
        "round": funding_round,
    }


def _open_menu_item(page, group: str, item: str) -> None:
    """A menu item inside one of the staff menu's groups (a Bootstrap dropdown)."""
    menu = page.locator("#nav-utama")
    menu.get_by_role("button", name=group).click()
    menu.get_by_role("link", name=item, exact=True).click()
    page.wait_for_load_state()


def _home_counts_and_menu(browsing, page):
    """Staff land on their home: what waits, each count a link; the menu keeps to one row."""
    page.wait_for_url("**/beranda/")
    check(page, "journey2-00-home")
    card = page.locator("main").get_by_role("link", name=re.compile("Pendaftaran menunggu verifikasi"))
    assert "2 menunggu" in card.inner_text()
    # At 1366 px (the dinas laptops) every top-level menu item sits on one row.
    page.set_viewport_size({"width": 1366, "height": 768})
    tops = page.locator("#nav-utama > ul > li").evaluate_all("items => items.map(i => i.offsetTop)")
    assert len(set(tops)) == 1, f"the menu wraps at 1366 px: {tops}"
    assert page.locator("#nav-utama").get_by_text("Masuk", exact=True).count() == 0
    # The work queues open by keyboard: Enter on the group, arrow down to the first list.
    group = page.locator("#nav-utama").get_by_role("button", name=re.compile("Antrean kerja"))
    assert re.search(r"Antrean kerja\s+2\b", group.inner_text())  # the badge: two registrations wait
    group.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("() => document.activeElement.textContent")
    assert focused.startswith("Verifikasi"), focused
    check(page, "journey2-00-menu-open")
    page.keyboard.press("Escape")
    page.set_viewport_size({"width": 1280, "height": 900})
    card.click()
    page.wait_for_url("**/daftar/verifikasi/")


def _submissions_verified(browsing, page, business, second):
    """Two registrations in a row: after each decision the next one opens, then the list returns."""
    check(page, "journey2-01-submissions")
    assert page.get_by_text("2 pendaftaran menunggu verifikasi.").is_visible()
    page.locator("main tr", has_text=business.name).get_by_role("link", name="Periksa").click()
    page.wait_for_load_state()
    check(page, "journey2-02-submission")
    page.get_by_role("button", name="Verifikasi", exact=True).click()
    page.wait_for_load_state()
    business.refresh_from_db()
    assert business.status == BusinessStatus.VERIFIED
    assert page.get_by_text(f"{business.name} diverifikasi.").is_visible()
    # The next submission is already open: no trip back to the list.
    assert page.get_by_role("heading", level=1).inner_text().startswith(second.name)
    check(page, "journey2-03-verified-next-open")
    page.get_by_role("button", name="Verifikasi", exact=True).click()
    page.wait_for_load_state()
    second.refresh_from_db()
    assert second.status == BusinessStatus.VERIFIED
    page.wait_for_url("**/daftar/verifikasi/")
    assert page.get_by_text("Tidak ada lagi pendaftaran yang menunggu di antrean ini.").is_visible()
    check(page, "journey2-03b-queue-done")


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
    # The type-ahead box narrows the rounds; the choice itself is still the plain list's.
    page.get_by_role("searchbox", name=re.compile("Saring daftar")).fill(funding_round.title)
    page.get_by_label("Putaran penyaluran (kegiatan)").select_option(value=str(funding_round.pk))
    page.locator("#id_date").fill(funding_round.start_date.isoformat())
    page.get_by_label("Bentuk").select_option(label="Peralatan")
    page.locator("#id_amount").fill("7.500.000")
    page.get_by_label("Uraian yang diberikan").fill("Mesin press plastik")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_load_state()
    grant = CapitalAssistance.objects.get(business=business)
    assert (grant.amount, grant.status) == (7_500_000, CapitalAssistance.Status.PROPOSED)
    check(page, "journey2-11-grant-proposed")
    # Rule 14: the proposer approves nothing; a Kepala Bidang approves, a Bendahara pays.
    assert page.get_by_role("button", name="Setujui").count() == 0
    assert page.get_by_text("Menunggu persetujuan Kepala Bidang atau Admin Dinas.").is_visible()
    grant_url = page.url
    for role, email in ((roles.APPROVER, "kabid@dinas.test"), (roles.TREASURER, "bendahara@dinas.test")):
        UserFactory(role=role, email=email)
    approver = browsing.page()
    browsing.login(approver, "kabid@dinas.test")
    approver.goto(grant_url)
    approver.get_by_role("button", name="Setujui").click()
    approver.wait_for_load_state()
    check(approver, "journey2-12-grant-approved")
    assert approver.get_by_role("button", name="Catat penyaluran").count() == 0
    treasurer = browsing.page()
    browsing.login(treasurer, "bendahara@dinas.test")
    treasurer.goto(grant_url)
    treasurer.locator("#id_disbursed_on").fill(funding_round.start_date.isoformat())
    treasurer.get_by_role("button", name="Catat penyaluran").click()
    treasurer.wait_for_load_state()
    grant.refresh_from_db()
    assert grant.status == CapitalAssistance.Status.DISBURSED
    # Rule 6: a disbursed grant is attendance of the round.
    assert Participation.objects.get(activity=grant.activity, business=business).status == "hadir"
    check(treasurer, "journey2-13-grant-disbursed")


IMPORTED = ["Sasirangan Impor Satu", "Sasirangan Impor Dua", "Sasirangan Impor Tiga"]


def _spreadsheet_imported(browsing, page):
    """Three owners with a business each, as a kelurahan office would send them."""
    rows = [HEADER] + [
        [make_nik(), f"Pemilik Impor {i}", "", f"0812-5550-{1000 + i}", name, "", "", "Mawar", "48.000.000"]
        for i, name in enumerate(IMPORTED)
    ]
    page.get_by_role("link", name="Impor", exact=True).click()
    page.wait_for_load_state()
    check(page, "journey2-14-import-upload")
    page.get_by_label("Jenis data").select_option(value="usaha")
    page.locator("#id_file").set_input_files(
        files=[
            {
                "name": "umkm-kelurahan-mawar.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": xlsx(rows),
            }
        ]
    )
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.wait_for_load_state()
    check(page, "journey2-15-import-mapping")
    assert not Business.objects.filter(name__in=IMPORTED).exists()
    page.get_by_role("button", name="Pratinjau (uji coba)").click()
    page.wait_for_load_state()
    check(page, "journey2-16-import-preview")
    assert not Business.objects.filter(name__in=IMPORTED).exists(), "a preview is a dry run"
    page.get_by_role("button", name="Konfirmasi dan impor").click()
    page.wait_for_load_state()
    check(page, "journey2-17-import-done")
    run = ImportRun.objects.get(file_name="umkm-kelurahan-mawar.xlsx")
    assert (run.created_count, run.refused_count) == (len(IMPORTED), 0)
    assert sorted(Business.objects.filter(name__in=IMPORTED).values_list("name", flat=True)) == sorted(
        IMPORTED
    )


def _filtered_list_exported(browsing, page):
    _open_menu_item(page, "Registri", "Usaha")
    page.get_by_label("Cari").fill("Sasirangan Impor")
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_load_state()
    check(page, "journey2-18-filtered-list")
    on_screen = page.locator("main table tbody tr td:first-child").all_inner_texts()
    assert sorted(t.strip() for t in on_screen) == sorted(IMPORTED)
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh Excel").click()
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[0] == "Nama Usaha"
    # The file holds exactly the rows the filtered list shows, in the same order.
    assert [row[0] for row in rows] == [t.strip() for t in on_screen]


def _long_export_made_by_the_worker(browsing, page, settings):
    """A list too long for one click: a job, written by the worker process, downloaded when done."""
    settings.EXPORT_INLINE_MAX_ROWS = 2
    _open_menu_item(page, "Registri", "Usaha")
    page.get_by_label("Cari").fill("Sasirangan Impor")
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Unduh Excel").click()
    page.wait_for_url("**/pekerjaan/*/")
    check(page, "journey2-19-export-job")
    # The page refreshes itself until the worker is done; the worker runs in its own process.
    download_link = page.get_by_role("link", name="Unduh ")
    download_link.wait_for(timeout=60_000)
    check(page, "journey2-20-export-job-done")
    with page.expect_download() as download:
        download_link.click()
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[0] == "Nama Usaha" and sorted(row[0] for row in rows) == sorted(IMPORTED)


def test_staff_verify_a_submission_record_attendance_an_outcome_and_a_grant(browsing, desk, settings):
    staff = UserFactory(role=roles.STAFF, email="pendamping@dinas.test")
    page = browsing.page()
    browsing.login(page, staff.email)
    _home_counts_and_menu(browsing, page)
    _submissions_verified(browsing, page, desk["business"], desk["second"])
    _attendance_recorded(browsing, page, desk["workshop"], desk["registration"])
    _outcome_added(browsing, page, desk["business"], desk["workshop"])
    _grant_proposed_approved_and_disbursed(browsing, page, desk["business"], desk["round"])
    _spreadsheet_imported(browsing, page)
    _filtered_list_exported(browsing, page)
    _long_export_made_by_the_worker(browsing, page, settings)
