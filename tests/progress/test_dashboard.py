import datetime
import re

import pytest
from django.urls import reverse

from pembinaan.progress.models import Target
from pembinaan.progress.selectors import DashboardFilters, coached_businesses, dashboard
from pembinaan.progress.services import rebuild
from pembinaan.reference.maps import forget_shapes
from pembinaan.registry.models import Business
from tests.coaching.factories import ActivityFactory, ParticipationFactory, funding_source
from tests.funding.factories import BudgetLineFactory
from tests.programme import build_programme, first_attendance_in_the_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    """A programme with every case in it, for the tests that compare two computations."""
    return build_programme()


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


@pytest.mark.parametrize("size", [10, 1000])
def test_the_dashboard_issues_the_same_number_of_queries_whatever_the_data(
    size, viewer_client, django_assert_max_num_queries
):
    build_programme(size)
    forget_shapes()  # the worst case: the map's projected boundaries not yet cached
    # Every view reads maintained counts since issue 18 (measured 22–26 on PostgreSQL at 100,000
    # businesses): filter choices, the view's counts (one query; two for a kecamatan alone), map
    # boundaries, the session, the figures' version for the cache key and the money sums' version.
    for view in (
        {"kecamatan": "63.71.01"},
        {"kecamatan": "63.71.01", "sumber": "apbn"},
        {"jenis": "pelatihan"},
        {"tahun": 2024, "jenis": "pelatihan", "sumber": "apbd-kota", "kecamatan": "63.71.02"},
    ):
        with django_assert_max_num_queries(30):
            assert viewer_client.get(reverse("progress:dashboard"), view).status_code == 200
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


def _coached_on_the_page(client) -> int:
    """The headline as the page shows it (not the view's context, which a cached page never uses)."""
    body = client.get(reverse("progress:dashboard")).content.decode()
    shown = re.search(r'UMKM terbina</div>\s*<div class="display-6">([\d.]+)<', body)
    return int(shown.group(1).replace(".", ""))


def _absent_once(start: datetime.date = datetime.date(2024, 5, 14)):
    """A verified business that was absent from the one activity it joined, in the target period."""
    participation = ParticipationFactory(activity=ActivityFactory(start_date=start), status="tidak-hadir")
    rebuild(Target.primary())
    return participation


def test_the_cached_dashboard_shows_a_new_attendance_at_once(viewer_client, staff_user):
    from pembinaan.coaching.services import attendance_record

    ParticipationFactory(activity=ActivityFactory(), status="hadir")  # one already counted
    _absent_once()
    before = _coached_on_the_page(viewer_client)
    assert before == 1
    assert _coached_on_the_page(viewer_client) == before  # the second one is served from the cache
    participation = first_attendance_in_the_period()
    attendance_record(activity=participation.activity, statuses={participation.pk: "hadir"}, by=staff_user)
    assert _coached_on_the_page(viewer_client) == before + 1


def test_the_cached_dashboard_shows_a_changed_budget_at_once(viewer_client):
    from pembinaan.front.templatetags.portal import rupiah

    line = BudgetLineFactory(source=funding_source("apbn"), fiscal_year=2024, amount=750_000_000)
    pagu = dashboard(Target.primary())["by_funding_source"]
    before = next(r for r in pagu if r["code"] == "apbn")["budget"]
    assert rupiah(before) in viewer_client.get(reverse("progress:dashboard")).content.decode()
    line.amount += 1_234_567
    line.save()
    body = viewer_client.get(reverse("progress:dashboard")).content.decode()
    assert rupiah(before + 1_234_567) in body


def test_a_cached_dashboard_is_served_with_a_handful_of_queries(
    seeded, viewer_client, django_assert_max_num_queries
):
    viewer_client.get(reverse("progress:dashboard"))
    # Measured: 7 — session, user, the user's and the group's permissions, the role for the menu,
    # the primary target, the figures' version; none for the figures themselves.
    with django_assert_max_num_queries(7):
        body = viewer_client.get(reverse("progress:dashboard")).content.decode()
    assert "Dasbor kemajuan pembinaan UMKM" in body


def test_staff_and_council_members_never_share_a_cached_dashboard(seeded, viewer_client, staff_client):
    staff_body = staff_client.get(reverse("progress:dashboard")).content.decode()
    viewer_body = viewer_client.get(reverse("progress:dashboard")).content.decode()
    assert reverse("registry:business-list") in staff_body
    assert reverse("registry:business-list") not in viewer_body


def test_a_cached_filtered_view_moves_even_when_no_maintained_tally_does(viewer_client, staff_user):
    from pembinaan.coaching.services import attendance_record

    first = ParticipationFactory(activity=ActivityFactory(start_date=datetime.date(2022, 3, 1)))
    second = ParticipationFactory(
        business=first.business, activity=ActivityFactory(start_date=datetime.date(2024, 3, 1))
    )
    attendance_record(activity=first.activity, statuses={first.pk: "hadir"}, by=staff_user)
    rebuild(Target.primary())

    def coached_in_2024() -> int:
        body = viewer_client.get(reverse("progress:dashboard"), {"tahun": 2024}).content.decode()
        return int(re.search(r'UMKM terbina</div>\s*<div class="display-6">([\d.]+)<', body).group(1))

    assert coached_in_2024() == 0
    assert coached_in_2024() == 0  # cached
    # Already coached in 2022, so the headline and every tally stay as they are; fiscal 2024 moves.
    attendance_record(activity=second.activity, statuses={second.pk: "hadir"}, by=staff_user)
    assert coached_in_2024() == 1


def test_money_sums_are_reused_across_attendance_changes_but_not_across_a_cost_change(staff_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pembinaan.coaching.models import Activity
    from pembinaan.coaching.services import attendance_record

    _absent_once()
    target = Target.primary()
    dashboard(target)  # the money sums are now cached
    participation = first_attendance_in_the_period()
    attendance_record(activity=participation.activity, statuses={participation.pk: "hadir"}, by=staff_user)
    with CaptureQueriesContext(connection) as queries:
        before = dashboard(target)
    assert not any("SUM(" in q["sql"] and "actual_cost" in q["sql"] for q in queries.captured_queries)
    activity = Activity.objects.filter(status="selesai", start_date__gte=target.period_start).first()
    source = activity.budget_line.source.code
    activity.actual_cost += 777
    activity.save()
    after = dashboard(target)
    spent = {r["code"]: r["realized"] for r in before["by_funding_source"]}
    assert (
        next(r["realized"] for r in after["by_funding_source"] if r["code"] == source) == spent[source] + 777
    )
