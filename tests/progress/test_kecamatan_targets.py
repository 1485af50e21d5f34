"""Issue 17, kecamatan targets: a kecamatan's drill-down is judged against its own share of the target.

Before, the drill-down for Banjarmasin Tengah read "342 dari target 3.100 (11,03 %) · tertinggal
2.718" (one district against the whole city's target) and the other districts showed as 0.
"""

from __future__ import annotations

import datetime
import re
from fractions import Fraction

import pytest
from django.forms.models import inlineformset_factory
from django.urls import reverse
from django.utils import timezone, translation

from pembinaan.coaching.models import Participation
from pembinaan.progress.admin import KecamatanShareFormSet
from pembinaan.progress.models import KecamatanShare, Target
from pembinaan.progress.selectors import FIGURES, DashboardFilters, dashboard, dashboard_fresh
from pembinaan.reference.maps import forget_shapes
from pembinaan.reference.models import Kecamatan, Kelurahan
from tests.programme import build_programme

pytestmark = pytest.mark.django_db

TENGAH = "63.71.05"  # Banjarmasin Tengah


@pytest.fixture
def seeded():
    build_programme()
    forget_shapes()
    yield
    translation.deactivate()


@pytest.fixture
def busiest() -> str:
    """The kecamatan with the most coached businesses (so that its figures are not trivially 0)."""
    rows = dashboard(Target.primary())["by_kecamatan"]
    return max(rows, key=lambda r: r["coached"])["code"]


def _raw(target: Target, kecamatan: str, today: datetime.date) -> dict:
    """Rule 6 read afresh from the raw rows in Python, sharing no code with the selectors."""
    first: dict[int, datetime.date] = {}
    kelurahan: dict[int, str] = {}
    rows = Participation.objects.filter(status="hadir").values_list(
        "business_id",
        "activity__start_date",
        "activity__status",
        "business__status",
        "business__merged_into",
        "business__kelurahan_id",
    )
    for business, start, activity_status, status, merged, kel in rows:
        if activity_status == "batal" or status not in ("terverifikasi", "tidak-aktif") or merged:
            continue
        if not target.period_start <= start <= target.period_end:
            continue
        if Kelurahan.objects.get(code=kel).kecamatan_id != kecamatan:
            continue
        first[business] = min(start, first.get(business, start))
        kelurahan[business] = kel
    recent = sum(1 for d in first.values() if d > today - datetime.timedelta(days=365))
    per_kelurahan: dict[str, int] = {}
    for kel in kelurahan.values():
        per_kelurahan[kel] = per_kelurahan.get(kel, 0) + 1
    return {"coached": len(first), "recent": recent, "per_kelurahan": per_kelurahan}


def _body(client, **params) -> str:
    response = client.get(reverse("progress:dashboard"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_kecamatan_with_a_share_is_judged_against_its_share_not_the_city_target(
    seeded, busiest, viewer_client
):
    target = Target.primary()
    KecamatanShare.objects.create(target=target, kecamatan_id=busiest, value=410)
    today = timezone.localdate()
    raw = _raw(target, busiest, today)
    d = viewer_client.get(reverse("progress:dashboard"), {"kecamatan": busiest}).context["d"]

    days = (target.period_end - target.period_start).days + 1
    elapsed = min(max((today - target.period_start).days + 1, 0), days)
    expected = round(Fraction(410 * elapsed, days))
    remaining = max((target.period_end - today).days, 0)
    projected = raw["coached"] + round(Fraction(raw["recent"] * remaining, 365))
    assert raw["coached"] > 0
    assert d["coached_total"] == raw["coached"]
    assert d["goal"] == 410
    assert d["percent_of_target"] == round(raw["coached"] * 100 / 410, 2)
    assert d["expected_today"] == expected
    assert d["behind_by"] == max(expected - raw["coached"], 0)
    assert d["projected"] == projected
    assert d["on_track"] is (projected >= 410)
    assert {r["code"]: r["coached"] for r in d["by_kelurahan"] if r["coached"]} == raw["per_kelurahan"]

    body = _body(viewer_client, kecamatan=busiest)
    name = Kecamatan.objects.get(code=busiest).name
    assert f"dari target Kecamatan {name} 410" in body
    assert "dari target 3.100" not in body
    assert "Seharusnya hari ini" in body and "Proyeksi akhir periode" in body
    assert "Target per kecamatan belum ditetapkan" not in body


def test_a_kecamatan_drill_down_reads_the_maintained_figures_and_they_equal_a_fresh_count(seeded, busiest):
    target = Target.primary()
    KecamatanShare.objects.create(target=target, kecamatan_id=busiest, value=410)
    filters = DashboardFilters(kecamatan=busiest)
    maintained, fresh = dashboard(target, filters), dashboard_fresh(target, filters)
    for key in (*FIGURES, "by_kelurahan", "goal", "behind_by", "on_track"):
        assert maintained[key] == fresh[key], key
    # Read from the tallies: dated with the aggregates' version, not the time of a fresh count.
    assert maintained["figures_as_of"] == target.tally_state.changed_at


def test_without_a_share_the_pace_tiles_give_way_to_a_note_never_the_city_target(
    seeded, busiest, viewer_client
):
    target = Target.primary()
    KecamatanShare.objects.create(
        target=target, kecamatan_id=TENGAH if busiest != TENGAH else "63.71.01", value=300
    )
    d = viewer_client.get(reverse("progress:dashboard"), {"kecamatan": busiest}).context["d"]
    assert d["goal"] is None
    assert d["expected_today"] is None and d["behind_by"] is None and d["on_track"] is None
    assert d["percent_of_target"] is None
    assert d["coached_total"] == _raw(target, busiest, timezone.localdate())["coached"]

    body = _body(viewer_client, kecamatan=busiest)
    assert "Target per kecamatan belum ditetapkan" in body
    for pace in (
        "Seharusnya hari ini",
        "Proyeksi akhir periode",
        "tertinggal",
        "Sesuai jalur",
        "Tidak tercapai",
    ):
        assert pace not in body, pace
    assert "dari target 3.100" not in body and "dari target Kecamatan" not in body
    # The city view keeps its target and pace.
    city = _body(viewer_client)
    assert "dari target 3.100" in city and "Seharusnya hari ini" in city


def test_other_kecamatan_are_greyed_with_their_real_numbers_never_zero(seeded, busiest, viewer_client):
    target = Target.primary()
    city = {r["code"]: r["coached"] for r in dashboard(target)["by_kecamatan"]}
    response = viewer_client.get(reverse("progress:dashboard"), {"kecamatan": busiest})
    rows = response.context["d"]["by_kecamatan"]
    others = [r for r in rows if r["code"] != busiest]
    assert others and all(r["outside"] for r in others)
    assert {r["code"]: r["coached"] for r in others} == {c: n for c, n in city.items() if c != busiest}
    assert any(r["coached"] for r in others)  # the bug showed them as 0

    body = response.content.decode()
    table = body[body.index("Per kecamatan</h2>") :]
    table = table[: table.index("</table>")]
    assert table.count('class="kecamatan-outside') == len(others)
    assert table.count("(di luar kecamatan yang dipilih)") == len(others)
    for r in others:
        cell = re.search(re.escape(r["name"]) + r"</a>.*?</td><td class=\"text-end\">([^<]*)</td>", table)
        assert cell and cell.group(1).strip() == f"{city[r['code']]:,}".replace(",", "."), r["name"]
    chart = response.context["charts"]()["kecamatan"]
    assert chart["outside"] == [r["code"] != busiest for r in rows]
    assert chart["values"] == [city[r["code"]] for r in rows]

    # On the map, the other kecamatan's kelurahan are grey with no figure (not 0) and say why.
    outside = Kelurahan.objects.exclude(kecamatan_id=busiest).exclude(boundary=None).count()
    assert body.count('class="map-outside"') == outside
    assert "di luar kecamatan yang dipilih" in body[body.index('id="keterangan-peta"') :]


def test_under_another_filter_too_the_others_show_their_own_numbers_for_that_filter(
    seeded, busiest, viewer_client
):
    target = Target.primary()
    under_source = {
        r["code"]: r["coached"]
        for r in dashboard(target, DashboardFilters(funding_source="apbd-kota"))["by_kecamatan"]
    }
    d = viewer_client.get(
        reverse("progress:dashboard"), {"kecamatan": busiest, "sumber": "apbd-kota"}
    ).context["d"]
    assert {r["code"]: r["coached"] for r in d["by_kecamatan"]} == under_source
    assert d["coached_total"] == under_source[busiest]


def test_shares_never_add_up_to_more_than_the_target_and_equal_it_once_every_kecamatan_has_one():
    target = Target.primary()
    codes = list(Kecamatan.objects.order_by("code").values_list("code", flat=True))
    Shares = inlineformset_factory(
        Target, KecamatanShare, formset=KecamatanShareFormSet, fields=["kecamatan", "value"], extra=len(codes)
    )

    def formset(values: list[int]):
        data = {"shares-TOTAL_FORMS": str(len(codes)), "shares-INITIAL_FORMS": "0"}
        for i, (code, value) in enumerate(zip(codes, values, strict=False)):
            data[f"shares-{i}-kecamatan"] = code
            data[f"shares-{i}-value"] = str(value)
        return Shares(data, instance=target, prefix="shares")

    assert target.value == 3100
    too_many = formset([2000, 1200])
    assert not too_many.is_valid()
    assert "melebihi target" in str(too_many.non_form_errors())
    assert formset([1000, 1200]).is_valid()  # some kecamatan still without a share: at most the target
    every = [600] * len(codes)
    short = formset(every)
    assert sum(every) < 3100 and not short.is_valid()
    assert "harus sama dengan target" in str(short.non_form_errors())
    every[0] += 3100 - sum(every)
    assert formset(every).is_valid()


def test_the_english_page_writes_the_kecamatan_target_in_english_numbers(seeded, busiest, viewer_client):
    target = Target.primary()
    KecamatanShare.objects.create(target=target, kecamatan_id=busiest, value=1200)
    indonesian = _body(viewer_client, kecamatan=busiest)
    d = dashboard(target, DashboardFilters(kecamatan=busiest))
    assert " 1.200 (" in indonesian
    assert f"{d['percent_of_target']:.2f}".replace(".", ",") + "\u00a0%" in indonesian

    viewer_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = _body(viewer_client, kecamatan=busiest)
    assert 'lang="en"' in english
    assert " 1,200 (" in english and " 1.200 (" not in english
    assert f"{d['percent_of_target']:.2f}%" in english


@pytest.mark.parametrize("size", [10, 1000])
def test_a_kecamatan_drill_down_issues_the_same_few_queries_whatever_the_data(
    size, viewer_client, django_assert_max_num_queries
):
    build_programme(size)
    KecamatanShare.objects.create(target=Target.primary(), kecamatan_id=TENGAH, value=500)
    forget_shapes()  # the worst case: the map's projected boundaries not yet cached
    # Measured: 30 on a cache miss for every size (the unfiltered view's 26, plus the chosen
    # kecamatan, its kelurahan and two grouped queries over its maintained facts); a fresh count
    # from the raw tables took 45, one per year and per breakdown.
    with django_assert_max_num_queries(30):
        viewer_client.get(reverse("progress:dashboard"), {"kecamatan": TENGAH})
