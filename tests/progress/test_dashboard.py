import pytest
from django.core.management import call_command
from django.urls import reverse

from pembinaan.progress.maps import forget_shapes
from pembinaan.progress.models import Target
from pembinaan.progress.selectors import DashboardFilters, coached_businesses, dashboard
from pembinaan.registry.models import Business

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", "--businesses", "300", "--seed", "23", verbosity=0)


@pytest.mark.parametrize(
    "persona, status",
    [
        ("anon_client", 302),
        ("owner_client", 403),
        ("viewer_client", 200),
        ("staff_client", 200),
        ("admin_client", 200),
    ],
)
def test_the_dashboard_is_for_staff_and_council_members_only(request, persona, status):
    response = request.getfixturevalue(persona).get(reverse("progress:dashboard"))
    assert response.status_code == status


def test_the_dashboard_and_the_api_give_the_same_numbers(seeded, viewer_client, anon_client):
    api = anon_client.get(reverse("progress:api-progress")).json()
    d = viewer_client.get(reverse("progress:dashboard")).context["d"]
    assert d["coached_total"] == api["coached_total"]
    assert d["percent_of_target"] == api["percent_of_target"]
    assert d["new_entrepreneurs"] == api["new_entrepreneurs"]
    assert [r["cumulative"] for r in d["by_year"]] == [r["coached_cumulative"] for r in api["by_year"]]
    for key in ("by_kecamatan", "by_type", "by_funding_source"):
        assert [r["coached"] for r in d[key]] == [r["coached"] for r in api[key]]


def test_council_members_see_no_personal_data_and_no_links_to_businesses(seeded, viewer_client):
    body = viewer_client.get(reverse("progress:dashboard"), {"kecamatan": "63.71.01"}).content.decode()
    assert reverse("registry:business-list") not in body
    for business in Business.objects.select_related("owner")[:300]:
        assert business.owner.name not in body
        assert business.name not in body


def test_staff_drill_down_from_a_number_to_exactly_the_businesses_it_counts(seeded, staff_client):
    target = Target.primary()
    d = dashboard(target, DashboardFilters())
    row = max(d["by_type"], key=lambda r: r["coached"])
    page = staff_client.get(reverse("registry:business-list"), {"terbina": target.pk, "jenis": row["code"]})
    assert page.context["page"].paginator.count == row["coached"]
    kecamatan = d["by_kecamatan"][0]
    page = staff_client.get(
        reverse("registry:business-list"), {"terbina": target.pk, "kecamatan": kecamatan["code"]}
    )
    assert page.context["page"].paginator.count == kecamatan["coached"]


def test_a_kecamatan_filter_adds_its_kelurahan_that_add_up_to_it(seeded, viewer_client):
    d = viewer_client.get(reverse("progress:dashboard"), {"kecamatan": "63.71.05"}).context["d"]
    assert d["by_kelurahan"]
    assert sum(r["coached"] for r in d["by_kelurahan"]) == d["coached_total"]


def test_filters_narrow_the_count_the_same_way_as_the_counting_rule(seeded, viewer_client):
    target = Target.primary()
    d = viewer_client.get(reverse("progress:dashboard"), {"sumber": "apbn", "tahun": "2023"}).context["d"]
    expected = coached_businesses(
        period_start=target.period_start,
        period_end=target.period_end,
        activities=DashboardFilters(fiscal_year=2023, funding_source="apbn").activities(),
    ).count()
    assert d["coached_total"] == expected
    assert d["coached_total"] <= dashboard(target)["coached_total"]


def test_bad_filter_values_are_ignored_not_an_error(viewer_client):
    response = viewer_client.get(
        reverse("progress:dashboard"), {"tahun": "abc", "kecamatan": "99", "jenis": "x"}
    )
    assert response.status_code == 200


def test_the_dashboard_says_whether_the_target_is_on_track(seeded, viewer_client):
    body = viewer_client.get(reverse("progress:dashboard")).content.decode()
    assert "Sesuai jalur" in body or "Tidak tercapai dengan laju sekarang" in body
    assert "tidak dapat dijumlahkan" in body


@pytest.mark.parametrize("size", [10, 300])
def test_the_dashboard_issues_the_same_number_of_queries_whatever_the_data(
    size, viewer_client, django_assert_max_num_queries
):
    call_command("seed_demo", "--businesses", str(size), "--seed", "5", verbosity=0)
    forget_shapes()  # the worst case: the map's projected boundaries not yet cached
    # Measured: 43 for every size on a filtered (freshly computed) view: filter choices, one query
    # per breakdown and per year of the period, map boundaries, the session; the unfiltered view
    # reads the aggregates.
    with django_assert_max_num_queries(43):
        viewer_client.get(reverse("progress:dashboard"), {"kecamatan": "63.71.01"})
    with django_assert_max_num_queries(26):
        viewer_client.get(reverse("progress:dashboard"))


def test_milestones_and_kecamatan_shares_appear_beside_the_figures(seeded, viewer_client):
    from pembinaan.progress.models import KecamatanShare, Milestone

    target = Target.primary()
    Milestone.objects.create(target=target, year=2022, cumulative_value=1000)
    KecamatanShare.objects.create(target=target, kecamatan_id="63.71.05", value=900)
    d = viewer_client.get(reverse("progress:dashboard")).context["d"]
    assert next(r for r in d["by_year"] if r["year"] == 2022)["milestone"] == 1000
    assert next(r for r in d["by_kecamatan"] if r["code"] == "63.71.05")["share"] == 900
    body = viewer_client.get(reverse("progress:dashboard")).content.decode()
    assert "Tonggak" in body and "Porsi target" in body
