"""Each export holds exactly the rows of the list on screen (same filters, same order, every page),
with Indonesian headers, money as whole numbers and dates as dates."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from pembinaan.coaching.models import ParticipationStatus
from pembinaan.funding.models import CapitalAssistance
from pembinaan.reference.models import Kelurahan
from pembinaan.registry.models import BusinessStatus, DuplicatePair
from tests.coaching.factories import ActivityFactory, ParticipationFactory, funding_source
from tests.exports.sheets import XLSX, records_of, rows_of, workbook_of
from tests.factories import BusinessFactory, OwnerFactory
from tests.funding.factories import BudgetLineFactory, CapitalAssistanceFactory, grant_round

pytestmark = pytest.mark.django_db

FORMATS = ["xlsx", "csv"]


def _all_list_rows(client, url: str, params: dict) -> list:
    """Every row the paginated list shows, page after page, in the page's order."""
    rows, page = [], 1
    while True:
        response = client.get(url, {**params, "page": page})
        rows.extend(response.context["page"].object_list)
        if not response.context["page"].has_next():
            return rows
        page += 1


@pytest.fixture
def registry():
    kelurahan = list(Kelurahan.objects.select_related("kecamatan").order_by("code")[:2])
    for n in range(30):
        BusinessFactory(name=f"Soto Banjar {n:02d}", kelurahan=kelurahan[n % 2])
    BusinessFactory.create_batch(5, name="Amplang Kuin")
    BusinessFactory(name="Soto Ditolak", status=BusinessStatus.REJECTED)
    return kelurahan


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "params",
    [{}, {"q": "soto"}, {"q": "soto", "sort": "-name"}, {"status": "ditolak"}, {"sort": "-created"}],
    ids=["all", "search", "search-sorted", "status", "newest"],
)
def test_the_business_export_holds_exactly_the_rows_of_the_filtered_list(staff_client, registry, fmt, params):
    listed = _all_list_rows(staff_client, reverse("registry:business-list"), params)

    exported = records_of(staff_client.get(reverse("registry:business-export", args=[fmt]), params))

    assert [r["Nama Usaha"] for r in exported] == [b.name for b in listed]
    assert len(exported) > 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_business_export_follows_the_kecamatan_filter_of_the_list(staff_client, registry, fmt):
    kecamatan = registry[1].kecamatan
    params = {"kecamatan": kecamatan.pk}
    listed = _all_list_rows(staff_client, reverse("registry:business-list"), params)

    exported = records_of(staff_client.get(reverse("registry:business-export", args=[fmt]), params))

    assert {r["Kecamatan"] for r in exported} == {kecamatan.name}
    assert [r["Nama Usaha"] for r in exported] == [b.name for b in listed]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_bad_filter_value_is_dropped_in_the_export_as_it_is_on_the_list(staff_client, registry, fmt):
    params = {"q": "amplang", "kecamatan": "bukan-angka"}
    listed = _all_list_rows(staff_client, reverse("registry:business-list"), params)

    response = staff_client.get(reverse("registry:business-export", args=[fmt]), params)

    assert [r["Nama Usaha"] for r in records_of(response)] == [b.name for b in listed]
    assert len(listed) == 5


def test_the_business_xlsx_keeps_money_as_numbers_and_dates_as_dates(staff_client):
    BusinessFactory(name="Kue Bingka", annual_sales=1_250_000_000, capital=300_000_000, start_year=2019)

    sheet = workbook_of(staff_client.get(reverse("registry:business-export", args=["xlsx"]))).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))

    assert row["Omzet per Tahun (Rp)"].value == 1_250_000_000
    assert row["Omzet per Tahun (Rp)"].data_type == "n"
    assert row["Modal Usaha (Rp)"].value == 300_000_000
    assert row["Tahun Mulai Usaha"].value == 2019
    assert row["Tanggal Dicatat"].is_date
    assert sheet.freeze_panes == "A2"


def test_the_business_csv_is_utf8_with_a_bom_and_plain_numbers_and_iso_dates(staff_client):
    BusinessFactory(name="Ketupat Kandangan Hj. Ümmü", annual_sales=1_250_000_000)

    response = staff_client.get(reverse("registry:business-export", args=["csv"]))
    header, row = rows_of(response)
    record = dict(zip(header, row, strict=True))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert record["Nama Usaha"] == "Ketupat Kandangan Hj. Ümmü"
    assert record["Omzet per Tahun (Rp)"] == "1250000000"
    assert datetime.date.fromisoformat(record["Tanggal Dicatat"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_date_a_business_was_recorded_is_the_date_in_banjarmasin_not_in_utc(staff_client, fmt):
    business = BusinessFactory(name="Pentol Malam")
    # 17:30 UTC on 1 March is 01:30 WITA on 2 March: the officer recorded it on the 2nd.
    late = datetime.datetime(2026, 3, 1, 17, 30, tzinfo=datetime.UTC)
    type(business).objects.filter(pk=business.pk).update(created_at=late)

    records = records_of(staff_client.get(reverse("registry:business-export", args=[fmt])))

    recorded = next(r["Tanggal Dicatat"] for r in records if r["Nama Usaha"] == "Pentol Malam")
    assert str(recorded)[:10] == "2026-03-02"


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_export_is_a_download_named_after_the_list(staff_client, fmt):
    response = staff_client.get(reverse("registry:business-export", args=[fmt]))

    assert response["Content-Disposition"].startswith('attachment; filename="usaha-')
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    assert "no-store" in response["Cache-Control"]
    if fmt == "xlsx":
        assert response["Content-Type"] == XLSX


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_list_exports_just_the_header(staff_client, fmt):
    rows = rows_of(staff_client.get(reverse("registry:business-export", args=[fmt]), {"q": "tidak ada"}))

    assert rows == [rows[0]]
    assert rows[0][0] == "Nama Usaha"


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_participant_export_lists_the_activitys_participants_as_its_page_does(staff_client, fmt):
    activity = ActivityFactory()
    statuses = [ParticipationStatus.ATTENDED, ParticipationStatus.ABSENT, ParticipationStatus.CANCELLED]
    for n, status in enumerate(statuses * 3):
        ParticipationFactory(activity=activity, business=BusinessFactory(name=f"Peserta {n}"), status=status)
    ParticipationFactory(business=BusinessFactory(name="Peserta kegiatan lain"))
    page = staff_client.get(reverse("coaching:activity-detail", args=[activity.pk]))

    exported = records_of(staff_client.get(reverse("coaching:participants-export", args=[activity.pk, fmt])))

    assert [r["Nama Usaha"] for r in exported] == [p.business.name for p in page.context["participations"]]
    assert {r["Status Kehadiran"] for r in exported} == {"Hadir", "Tidak hadir", "Batal"}


@pytest.fixture
def grants():
    city = BudgetLineFactory(fiscal_year=2024)
    province = BudgetLineFactory(fiscal_year=2024, source=funding_source("apbd-provinsi"))
    city_round, province_round = grant_round(budget_line=city), grant_round(budget_line=province)
    for n in range(4):
        CapitalAssistanceFactory(
            activity=city_round, amount=5_000_000 + n, status=CapitalAssistance.Status.DISBURSED
        )
        CapitalAssistanceFactory(activity=province_round, amount=7_000_000 + n)
    return city, province


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("by", ["all", "source", "status"])
def test_the_assistance_export_holds_exactly_the_filtered_grants(staff_client, grants, fmt, by):
    city, _province = grants
    params = {"all": {}, "source": {"source": city.source.pk}, "status": {"status": "disalurkan"}}[by]
    listed = _all_list_rows(staff_client, reverse("coaching:grant-list"), params)

    exported = records_of(staff_client.get(reverse("coaching:grant-export", args=[fmt]), params))

    amounts = [r["Nilai (Rp)"] if fmt == "xlsx" else int(r["Nilai (Rp)"]) for r in exported]
    assert amounts == [g.amount for g in listed]
    assert [r["Nama Usaha"] for r in exported] == [g.business.name for g in listed]


def test_the_assistance_xlsx_has_the_grant_date_as_a_date(staff_client, grants):
    sheet = workbook_of(staff_client.get(reverse("coaching:grant-export", args=["xlsx"]))).active

    assert sheet["A1"].value == "Tanggal"
    assert sheet["A2"].is_date


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_budget_line_export_follows_the_year_filter(staff_client, fmt):
    BudgetLineFactory(fiscal_year=2024, amount=500_000_000)
    BudgetLineFactory(fiscal_year=2025, amount=750_000_000)
    listed = _all_list_rows(staff_client, reverse("funding:budget-line-list"), {"year": 2025})

    exported = records_of(staff_client.get(reverse("funding:budget-line-export", args=[fmt]), {"year": 2025}))

    assert [str(r["Pagu (Rp)"]) for r in exported] == [str(line.amount) for line in listed] == ["750000000"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_budget_overview_export_has_the_rows_and_sums_of_the_page(viewer_client, grants, fmt):
    page = viewer_client.get(reverse("progress:budget-overview"), {"year": 2024})

    exported = records_of(
        viewer_client.get(reverse("progress:budget-overview-export", args=[fmt]), {"year": 2024})
    )

    rows = page.context["rows"]
    assert [r["Sumber Dana"] for r in exported] == [r.source.name for r in rows]
    assert [int(r["Realisasi (Rp)"]) for r in exported] == [r.realized for r in rows]
    assert [int(r["Pagu (Rp)"]) for r in exported] == [r.budget for r in rows]
    assert {int(r["Tahun Anggaran"]) for r in exported} == {2024}


def test_an_owner_without_nik_or_phone_exports_empty_cells_not_none_text(staff_client):
    BusinessFactory(owner=OwnerFactory(nik=None, phone=""), name="Tanpa NIK")

    (record,) = records_of(staff_client.get(reverse("registry:business-export", args=["csv"])))

    assert record["NIK"] == ""
    assert record["No HP"] == ""


@pytest.mark.parametrize("fmt", FORMATS)
def test_both_businesses_of_an_open_duplicate_pair_are_marked_in_the_export_and_a_dismissed_pair_is_not(
    staff_client, fmt
):
    first, second, third, fourth, alone = (BusinessFactory(name=f"Usaha {n}") for n in "ABCDE")
    DuplicatePair.objects.create(business_a=first, business_b=second, same_name=True)
    DuplicatePair.objects.create(
        business_a=third, business_b=fourth, same_name=True, status=DuplicatePair.Status.DISMISSED
    )

    records = records_of(staff_client.get(reverse("registry:business-export", args=[fmt])))

    marked = {r["Nama Usaha"]: r["Diduga Ganda"] or "" for r in records}
    assert marked == {"Usaha A": "Ya", "Usaha B": "Ya", "Usaha C": "", "Usaha D": "", "Usaha E": ""}
