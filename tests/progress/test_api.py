"""The open-data endpoint against an independent computation over the rows (docs/rules.md contract)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pembinaan.coaching.models import Activity, CoachingType, Participation
from pembinaan.funding.models import BudgetLine, CapitalAssistance, FundingSource
from pembinaan.progress.models import Target
from pembinaan.reference.models import Kecamatan
from pembinaan.registry.models import Business
from tests.programme import build_programme

pytestmark = pytest.mark.django_db

COUNTED = {"terverifikasi", "tidak-aktif"}


def _independent(target: Target) -> dict:
    """Rule 6–9 in plain Python over every row, as a council auditor would recompute them."""
    start, end = target.period_start, target.period_end
    businesses = {b.pk: b for b in Business.objects.select_related("kelurahan")}
    first: dict[int, datetime.date] = {}
    types: dict[int, set[int]] = {}
    sources: dict[int, set[int]] = {}
    for p in Participation.objects.select_related("activity"):
        b = businesses[p.business_id]
        a = p.activity
        if p.status != "hadir" or a.status == "batal" or not (start <= a.start_date <= end):
            continue
        if b.status not in COUNTED or b.merged_into_id:
            continue
        first[b.pk] = min(first.get(b.pk, a.start_date), a.start_date)
        types.setdefault(a.coaching_type_id, set()).add(b.pk)
        sources.setdefault(a.funding_source_id, set()).add(b.pk)
    years = range(start.year, min(end.year, timezone.localdate().year) + 1)
    by_year, cumulative = [], 0
    for y in years:
        new = sum(1 for d in first.values() if d.year == y)
        cumulative += new
        by_year.append({"year": y, "coached_new": new, "coached_cumulative": cumulative})
    fiscal = range(start.year, end.year + 1)
    budget, realized = {}, {}
    for line in BudgetLine.objects.all():
        if line.fiscal_year in fiscal:
            budget[line.source_id] = budget.get(line.source_id, 0) + line.amount
    for a in Activity.objects.select_related("budget_line"):
        if a.budget_line.fiscal_year in fiscal:
            realized[a.budget_line.source_id] = realized.get(a.budget_line.source_id, 0) + a.actual_cost
    for g in CapitalAssistance.objects.select_related("budget_line"):
        if g.status == "disalurkan" and g.budget_line.fiscal_year in fiscal:
            realized[g.budget_line.source_id] = realized.get(g.budget_line.source_id, 0) + g.amount
    total = len(first)
    return {
        "coached_total": total,
        "percent_of_target": round(total * 100 / target.value, 2),
        "new_entrepreneurs": sum(
            1
            for pk in first
            if businesses[pk].start_year is not None and businesses[pk].start_year >= start.year
        ),
        "by_year": by_year,
        "by_kecamatan": [
            {
                "code": k.code,
                "name": k.name,
                "coached": sum(1 for pk in first if businesses[pk].kelurahan.kecamatan_id == k.code),
            }
            for k in Kecamatan.objects.order_by("code")
        ],
        "by_type": [
            {"code": t.code, "name": t.name, "coached": len(types.get(t.pk, ()))}
            for t in CoachingType.objects.order_by("code")
        ],
        "by_funding_source": [
            {
                "code": s.code,
                "name": s.name,
                "coached": len(sources.get(s.pk, ())),
                "budget": budget.get(s.pk, 0),
                "realized": realized.get(s.pk, 0),
            }
            for s in FundingSource.objects.order_by("code")
        ],
    }


@pytest.fixture
def seeded():
    """A programme with every case in it, for the tests that compare two computations."""
    return build_programme()


def test_the_api_agrees_with_an_independent_computation_on_seeded_data(seeded, anon_client):
    target = Target.primary()
    data = anon_client.get(reverse("progress:api-progress")).json()
    expected = _independent(target)
    for key, value in expected.items():
        assert data[key] == value, key
    assert data["by_year"][-1]["coached_cumulative"] == data["coached_total"]
    assert sum(r["coached"] for r in data["by_kecamatan"]) == data["coached_total"]


def test_the_api_follows_the_contract_shape_and_types(seeded, anon_client):
    response = anon_client.get(reverse("progress:api-progress"))
    assert response["Content-Type"] == "application/json"
    assert "public" in response["Cache-Control"]
    data = response.json()
    assert set(data) >= {
        "target", "as_of", "coached_total", "percent_of_target", "new_entrepreneurs",
        "by_year", "by_kecamatan", "by_type", "by_funding_source",
    }  # fmt: skip
    assert set(data["target"]) == {"id", "name", "period_start", "period_end", "value"}
    assert data["target"]["period_start"] == "2021-01-01" and data["target"]["value"] == 3100
    assert datetime.datetime.fromisoformat(data["as_of"]).utcoffset() == datetime.timedelta(hours=8)
    assert [r["code"] for r in data["by_kecamatan"]] == sorted(r["code"] for r in data["by_kecamatan"])
    assert [r["code"] for r in data["by_type"]] == sorted(r["code"] for r in data["by_type"])
    assert [r["code"] for r in data["by_funding_source"]] == ["apbd-kota", "apbd-provinsi", "apbn", "lainnya"]
    assert len(data["by_kecamatan"]) == 5 and len(data["by_type"]) == 8
    assert all(
        isinstance(r["budget"], int) and isinstance(r["realized"], int) for r in data["by_funding_source"]
    )


def test_the_api_carries_no_personal_data(seeded, anon_client):
    body = anon_client.get(reverse("progress:api-progress")).content.decode()
    for business in Business.objects.select_related("owner")[:200]:
        assert business.owner.name not in body
        if business.owner.nik:
            assert business.owner.nik not in body
        if business.owner.phone:
            assert business.owner.phone not in body


def test_an_empty_registry_gives_complete_lists_of_zeros(anon_client):
    data = anon_client.get(reverse("progress:api-progress")).json()
    assert data["coached_total"] == 0 and data["percent_of_target"] == 0
    assert all(r["coached"] == 0 for r in data["by_kecamatan"] + data["by_type"] + data["by_funding_source"])
    assert data["by_year"][0] == {"year": 2021, "coached_new": 0, "coached_cumulative": 0}
    assert data["by_year"][-1]["year"] == min(2026, timezone.localdate().year)


def test_another_target_is_chosen_with_the_target_parameter(anon_client):
    other = Target.objects.create(
        name="Tahun 2024",
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
        value=500,
    )
    data = anon_client.get(reverse("progress:api-progress"), {"target": other.pk}).json()
    assert data["target"]["id"] == other.pk
    assert [r["year"] for r in data["by_year"]] == [2024]


@pytest.mark.parametrize("value", ["999999", "abc", "-1"])
def test_an_unknown_target_gives_a_json_404(anon_client, value):
    response = anon_client.get(reverse("progress:api-progress"), {"target": value})
    assert response.status_code == 404
    assert "error" in response.json()


def test_the_public_page_shows_the_same_numbers_as_the_api(seeded, anon_client):
    data = anon_client.get(reverse("progress:api-progress")).json()
    page = anon_client.get(reverse("progress:public-progress")).content.decode()
    total = f"{data['coached_total']:,}".replace(",", ".")
    assert total in page
    for row in data["by_kecamatan"]:
        assert row["name"] in page
    assert reverse("progress:api-progress") in page


@pytest.mark.parametrize("size", [10, 1000])
def test_the_api_issues_the_same_number_of_queries_whatever_the_data(
    size, anon_client, django_assert_max_num_queries
):
    build_programme(size)
    # Measured: 16 for every size on a cold cache (with milestones and shares) (the API reads the maintained aggregates that
    # the programme's rebuild built, and the money sums' own version), and 2 once cached (target and the figures' version for the cache key).
    with django_assert_max_num_queries(16):
        anon_client.get(reverse("progress:api-progress"))
    with django_assert_max_num_queries(2):
        anon_client.get(reverse("progress:api-progress"))


def test_the_csv_downloads_carry_the_same_figures_as_the_json(seeded, anon_client):
    import csv
    import io

    data = anon_client.get(reverse("progress:api-progress")).json()
    body = anon_client.get(reverse("progress:api-progress-csv", args=["kecamatan"])).content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(r["code"], int(r["coached"])) for r in rows] == [
        (r["code"], r["coached"]) for r in data["by_kecamatan"]
    ]
    body = anon_client.get(reverse("progress:api-progress-csv", args=["sumber"])).content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [int(r["realized"]) for r in rows] == [r["realized"] for r in data["by_funding_source"]]
    assert anon_client.get("/api/v1/progress/lainnya.csv").status_code == 404


def test_the_cached_open_data_changes_as_soon_as_the_figures_change(seeded, anon_client, staff_user):
    from pembinaan.coaching.services import attendance_record

    before = anon_client.get(reverse("progress:api-progress")).json()["coached_total"]
    participation = (
        Participation.objects.filter(
            status="tidak-hadir", activity__status="selesai", business__status="terverifikasi"
        )
        .exclude(business__participations__status="hadir")
        .select_related("activity")
        .first()
    )
    attendance_record(activity=participation.activity, statuses={participation.pk: "hadir"}, by=staff_user)
    after = anon_client.get(reverse("progress:api-progress")).json()["coached_total"]
    in_period = (
        Target.primary().period_start <= participation.activity.start_date <= Target.primary().period_end
    )
    assert after == before + (1 if in_period else 0)
