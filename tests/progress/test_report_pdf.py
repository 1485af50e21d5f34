"""Issue 17, reports a council secretariat files: the report and its PDF show the view the reader
filtered and name its filters; the PDF has the dinas letterhead, dates in words, "Halaman x dari y",
charts and the map, the absorption column, the verdict, the definitions and a signature block."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from pembinaan.coaching.models import ParticipationStatus
from pembinaan.progress.models import ReportSnapshot, Target
from pembinaan.progress.services import rebuild
from pembinaan.reference.models import Kecamatan, Kelurahan
from tests.coaching.factories import ActivityFactory, ParticipationFactory, coaching_type, funding_source
from tests.factories import BusinessFactory
from tests.funding.factories import BudgetLineFactory
from tests.progress.pdf_text import pdf_streams, pdf_text

pytestmark = pytest.mark.django_db

ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
MONTHS_ID = "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"


@pytest.fixture
def two_kecamatan():
    """One coached business in each of two kecamatan: a workshop paid by APBD Kota in the first,
    a training paid by APBN in the second (both in 2024, inside the primary target's period)."""
    first, second = Kecamatan.objects.order_by("code")[:2]
    for kecamatan, kind, source in ((first, "workshop", "apbd-kota"), (second, "pelatihan", "apbn")):
        business = BusinessFactory(kelurahan=Kelurahan.objects.filter(kecamatan=kecamatan).first())
        activity = ActivityFactory(
            coaching_type=coaching_type(kind),
            funding_source=funding_source(source),
            start_date=datetime.date(2024, 5, 14),
        )
        ParticipationFactory(activity=activity, business=business, status=ParticipationStatus.ATTENDED)
    BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024, amount=40_000_000)
    rebuild(Target.primary())  # the factories write past the services that keep the tallies
    return first, second


def _pdf(client, **query) -> str:
    response = client.get(reverse("progress:report-pdf"), query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return pdf_text(response.content)


def test_the_pdf_of_a_kecamatan_view_counts_only_that_kecamatan_and_names_the_filter(
    two_kecamatan, viewer_client
):
    first, _second = two_kecamatan
    whole = viewer_client.get(reverse("progress:report")).context["figures"]
    filtered = viewer_client.get(reverse("progress:report"), {"kecamatan": first.code}).context["figures"]
    assert (whole["coached_total"], filtered["coached_total"]) == (2, 1)
    text = _pdf(viewer_client, kecamatan=first.code)
    assert f"Filter: Kecamatan: {first.name}" in text
    assert f"Laporan kemajuan pembinaan UMKM: Kecamatan {first.name}" in text  # named in the title
    assert "UMKM terbina 1 " in text
    assert "Bagian target kecamatan" in text  # judged against its share, not the city's target
    assert "Tanpa filter" in _pdf(viewer_client)


def test_a_funding_source_view_narrows_the_budget_table_to_that_source(two_kecamatan, viewer_client):
    figures = viewer_client.get(reverse("progress:report"), {"sumber": "apbn"}).context["figures"]
    assert figures["coached_total"] == 1
    assert {row["source"] for row in figures["budget"]} == {"APBN"}
    assert "Filter: Sumber dana: APBN" in _pdf(viewer_client, sumber="apbn")


def test_the_pdf_has_the_letterhead_page_numbers_and_dates_in_words(two_kecamatan, viewer_client, settings):
    text = _pdf(viewer_client)
    assert settings.PORTAL_GOVERNMENT.upper() in text
    assert settings.PORTAL_AGENCY.upper() in text
    pages = re.findall(r"Halaman (\d+) dari (\d+)", text)
    total = int(pages[0][1])
    assert [int(p) for p, _t in pages] == list(range(1, total + 1))
    assert all(int(t) == total for _p, t in pages)
    assert not ISO_TIMESTAMP.search(text)
    assert re.search(rf"Angka per \d{{1,2}} ({MONTHS_ID}) \d{{4}}, \d{{2}}\.\d{{2}} WITA", text)


def test_the_pdf_shows_absorption_the_verdict_the_definitions_and_a_signature_block(
    two_kecamatan, viewer_client
):
    text = _pdf(viewer_client)
    assert "Serapan" in text
    assert re.search(r"Penilaian (Sesuai jalur|Tidak tercapai dengan laju sekarang)", text)
    assert "Definisi" in text and "Serapan = realisasi dibagi pagu" in text
    assert "Kepala Dinas" in text and "NIP." in text
    with override_settings(
        PORTAL_SIGNATORY_NAME="Dra. Siti Rahmah", PORTAL_SIGNATORY_NIP="196802121990032004"
    ):
        signed = _pdf(viewer_client)
    assert "Dra. Siti Rahmah" in signed and "NIP. 196802121990032004" in signed


def test_the_pdf_draws_the_charts_and_the_map(two_kecamatan, viewer_client):
    response = viewer_client.get(reverse("progress:report-pdf"))
    text = pdf_text(response.content)
    assert "UMKM terbina per tahun" in text
    assert "UMKM terbina per kecamatan" in text
    assert "Peta UMKM terbina per kelurahan" in text
    # Each kelurahan is a filled polygon on the map page: one path per shape at least.
    assert Kelurahan.objects.exclude(boundary=None).exists()
    # The year chart's "Baru" bars and the map's second class share a light teal fill.
    streams = b"".join(pdf_streams(response.content))
    assert b".423529 .752941 .721569 rg" in streams


def test_the_report_page_names_the_filters_and_its_pdf_link_keeps_them(two_kecamatan, viewer_client):
    first, _second = two_kecamatan
    response = viewer_client.get(reverse("progress:report"), {"kecamatan": first.code, "tahun": "2024"})
    body = response.content.decode()
    assert f"Kecamatan: {first.name}" in body and "Tahun anggaran: 2024" in body
    assert f"{reverse('progress:report-pdf')}?kecamatan={first.code}&amp;tahun=2024" in body
    assert not ISO_TIMESTAMP.search(body)


def test_the_dashboard_offers_the_report_and_the_pdf_of_the_view_on_screen(two_kecamatan, viewer_client):
    body = viewer_client.get(reverse("progress:dashboard"), {"sumber": "apbn"}).content.decode()
    assert f"{reverse('progress:report')}?sumber=apbn" in body
    assert f"{reverse('progress:report-pdf')}?sumber=apbn" in body


def test_a_report_frozen_from_a_filtered_view_keeps_its_filters_and_compares_like_with_like(
    two_kecamatan, admin_client
):
    first, _second = two_kecamatan
    admin_client.post(
        f"{reverse('progress:snapshot-create')}?kecamatan={first.code}", {"title": "Laporan Kecamatan"}
    )
    snapshot = ReportSnapshot.objects.get()
    assert snapshot.figures["coached_total"] == 1
    assert [f["field"] for f in snapshot.figures["filters"]] == ["kecamatan"]
    page = admin_client.get(reverse("progress:snapshot", args=[snapshot.pk]))
    assert page.context["diff"]["coached_total"] == 0  # today's figures of the same kecamatan
    text = _pdf(admin_client, arsip=snapshot.pk)
    assert f"Kecamatan: {first.name}" in text and "Laporan Kecamatan" in text


def test_admin_dinas_sets_the_letterhead_and_logo_the_pdf_prints(two_kecamatan, admin_client, viewer_client):
    from io import BytesIO

    from PIL import Image

    logo = BytesIO()
    Image.new("RGB", (120, 120), "navy").save(logo, format="PNG")
    logo.name = "logo.png"
    logo.seek(0)
    response = admin_client.post(
        reverse("admin:progress_letterhead_add"),
        {
            "government": "Pemerintah Kota Banjarbaru",
            "agency": "Dinas Koperasi dan UKM Kota Banjarbaru",
            "address": "Jl. Trikora No. 1, Banjarbaru",
            "place": "Banjarbaru",
            "signatory_title": "Kepala Dinas Koperasi dan UKM",
            "signatory_name": "Ir. Ahmad Yani",
            "signatory_nip": "197001011995031001",
            "logo": logo,
        },
    )
    assert response.status_code == 302
    response = viewer_client.get(reverse("progress:report-pdf"))
    text = pdf_text(response.content)
    assert "DINAS KOPERASI DAN UKM KOTA BANJARBARU" in text and "Jl. Trikora No. 1, Banjarbaru" in text
    assert "Banjarbaru, " in text and "Ir. Ahmad Yani" in text and "NIP. 197001011995031001" in text
    assert b"/Subtype /Image" in response.content  # the logo


def test_a_letterhead_with_a_malformed_nip_is_refused_and_nothing_changes(admin_client):
    from pembinaan.progress.models import Letterhead

    response = admin_client.post(
        reverse("admin:progress_letterhead_add"),
        {
            "government": "Pemerintah Kota Banjarmasin",
            "agency": "Dinas",
            "place": "Banjarmasin",
            "signatory_title": "Kepala Dinas",
            "signatory_nip": "12345",
        },
        follow=True,
    )
    assert "NIP terdiri dari 18 angka." in response.content.decode()
    assert not Letterhead.objects.exists()
