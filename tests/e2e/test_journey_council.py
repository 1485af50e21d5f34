"""Journey 3: a council member follows the coached count, drills down and takes the report home.

Everything the member sees (every page and the PDF) is checked for the personal data of the
businesses' owners: names, NIKs, phone numbers in both spellings, addresses.
"""

import base64
import re
import zlib

import pytest
from django.core.management import call_command

from pembinaan.accounts import roles
from pembinaan.coaching import services as coaching
from pembinaan.coaching.models import ParticipationStatus
from pembinaan.reference.models import Kelurahan
from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.e2e.browser import check, digits
from tests.factories import BusinessFactory, OwnerFactory, UserFactory, make_nik
from tests.progress.pdf_text import pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _personal_data(owners) -> list[str]:
    values = []
    for owner in owners:
        values += [owner.name, owner.nik, owner.nik[-4:] + owner.nik[:4], owner.phone, "0" + owner.phone[3:]]
        values.append(owner.address)
    return values


def _pdf_text(pdf: bytes) -> str:
    """The content streams of a ReportLab PDF, decoded (ASCII85 then Flate, ReportLab's default).

    ReportLab writes text in the standard fonts as literal strings, so names would appear as is.
    """
    parts = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = match.group(1).strip()
        if data.endswith(b"~>"):
            data = base64.a85decode(data.removeprefix(b"<~").removesuffix(b"~>"))
        try:
            data = zlib.decompress(data)
        except zlib.error:
            pass
        parts.append(data.decode("latin-1"))
    return "\n".join(parts)


def _assert_no_personal_data(text: str, owners, where: str) -> None:
    leaked = [value for value in _personal_data(owners) if value and value in text]
    assert not leaked, f"personal data on {where}: {leaked}"


@pytest.fixture
def programme():
    """Three verified businesses registered in a workshop, and one already coached earlier."""
    kelurahan = Kelurahan.objects.select_related("kecamatan").order_by("code").first()
    owners = [
        OwnerFactory(
            name=name, nik=make_nik(female=i % 2 == 0), phone=f"+628125550{i:04d}", address=f"Jl. Uji {i}"
        )
        for i, name in enumerate(
            ["Siti Rahmawati Uji", "Ahmad Fauzi Uji", "Nur Aisyah Uji", "Rudi Hartono Uji"]
        )
    ]
    businesses = [BusinessFactory(owner=owner, kelurahan=kelurahan) for owner in owners]
    earlier = ActivityFactory(title="Pelatihan Kemasan Lalu")
    ParticipationFactory(activity=earlier, business=businesses[3], status=ParticipationStatus.ATTENDED)
    # Factories write rows directly; build the maintained aggregates from them as a bulk load would.
    call_command("rebuild_progress", verbosity=0)
    workshop = ActivityFactory(title="Workshop Pemasaran Digital Uji")
    registrations = [ParticipationFactory(activity=workshop, business=b) for b in businesses]
    return {
        "owners": owners,
        "kelurahan": kelurahan,
        "workshop": workshop,
        "registrations": registrations,
    }


def test_a_council_member_sees_the_count_rise_by_exactly_the_businesses_just_coached(browsing, programme):
    viewer = UserFactory(role=roles.VIEWER, email="anggota@dprd.test")
    staff = UserFactory(role=roles.STAFF, email="pendamping@dinas.test")
    owners = programme["owners"]
    page = browsing.page()
    browsing.login(page, viewer.email)

    page.goto("/dasbor/")
    before = digits(page.locator("section[aria-label='Ringkasan'] .display-6").first.inner_text())
    check(page, "journey3-01-dashboard-before")
    _assert_no_personal_data(page.content(), owners, "the dashboard")

    # Between two page loads the dinas records the workshop's attendance: three businesses are
    # coached for the first time, the fourth was coached before and must not count twice.
    coaching.attendance_record(
        activity=programme["workshop"],
        statuses={p.pk: ParticipationStatus.ATTENDED for p in programme["registrations"]},
        by=staff,
    )

    page.reload()
    after = digits(page.locator("section[aria-label='Ringkasan'] .display-6").first.inner_text())
    assert after - before == 3
    check(page, "journey3-02-dashboard-after")

    # Drill down: the kecamatan of the businesses, then its kelurahan.
    kecamatan = programme["kelurahan"].kecamatan
    page.get_by_role("link", name=kecamatan.name, exact=True).first.click()
    page.wait_for_load_state()
    assert f"kecamatan={kecamatan.code}" in page.url
    per_kelurahan = page.locator("h3:has-text('Per kelurahan') + table")
    row = per_kelurahan.locator("tbody tr", has_text=programme["kelurahan"].name)
    assert digits(row.locator("td").last.inner_text()) == 4
    check(page, "journey3-03-dashboard-kecamatan")
    _assert_no_personal_data(page.content(), owners, "the kecamatan drill-down")
    assert "/registri/" not in page.content(), "a council member must get no links to the registry"

    page.get_by_role("link", name="Laporan untuk dicetak").click()
    page.wait_for_load_state()
    check(page, "journey3-04-report")
    _assert_no_personal_data(page.content(), owners, "the printable report")
    # The report is the view the council member filtered, and says so (issue 17).
    assert f"kecamatan={kecamatan.code}" in page.url
    assert f"Kecamatan: {kecamatan.name}" in page.locator(".report-filters").inner_text()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = open(download.path(), "rb").read()
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    assert "UMKM" in text, "the PDF text could not be read, so the personal-data check would prove nothing"
    _assert_no_personal_data(text, owners, "the PDF report")
    words = pdf_text(pdf)
    assert f"Filter: Kecamatan: {kecamatan.name}" in words, "the PDF must print the filtered view and name it"
    assert f"Laporan kemajuan pembinaan UMKM: Kecamatan {kecamatan.name}" in words, "the view is in the title"
    pages = [int(n) for n in re.findall(r"Halaman (\d+) dari \d+", words)]
    assert pages == list(range(1, len(pages) + 1)) and pages, "every page numbered"
    for chart in ("UMKM terbina per tahun", "UMKM terbina per kecamatan", "Peta UMKM terbina per kelurahan"):
        assert chart in words, f"the PDF lacks the chart {chart!r}"
    # The charts and the map are drawn as filled shapes: their colours are in the page streams.
    assert ".423529 .752941 .721569 rg" in text, (
        "the charts and the map (light teal bars and shapes) are missing"
    )
